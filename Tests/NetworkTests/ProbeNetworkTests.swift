import Foundation
import XCTest

/// The probe engine against real Linux routers: every protocol and family, raw and unprivileged, and the
/// guarantees a user relies on (no mixing with other tracers, one-line errors with documented exit codes).
final class ProbeNetworkTests: XCTestCase {
    private var chain: RouterChain!

    override func setUpWithError() throws {
        try XCTSkipUnless(Shell.canBuildNamespaces, "network tests need root and iproute2")
        chain = try RouterChain()
    }

    override func tearDown() {
        chain?.destroy()
        chain = nil
    }

    /// The responder addresses per TTL from `trace --json`.
    private func hops(_ result: ProcessResult, file: StaticString = #filePath, line: UInt = #line) -> [[String]] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
              let hops = object["hops"] as? [[String: Any]] else {
            XCTFail("no JSON trace: \(result.stderr)", file: file, line: line)
            return []
        }
        return hops.map { ($0["responders"] as? [[String: Any]] ?? []).compactMap { $0["address"] as? String } }
    }

    func testEveryProtocolAndFamilyFindsEachRouterAsRoot() {
        for proto in ["icmp", "udp", "tcp"] {
            for (target, expected) in [(RouterChain.destination4, RouterChain.hops4),
                                       (RouterChain.destination6, RouterChain.hops6)] {
                let result = chain.tracemap(["trace", "--json", "-P", proto, target])
                XCTAssertEqual(result.status, 0, "\(proto) \(target): \(result.stderr)")
                XCTAssertEqual(hops(result), expected.map { [$0] }, "\(proto) to \(target)")
                XCTAssertTrue(result.stdout.contains("\"method\" : \"raw\""), "root uses raw sockets")
            }
        }
    }

    func testUnprivilegedUserFallsBackAndSaysWhichMethodRan() {
        chain.host.sysctl("net.ipv4.ping_group_range=0 2147483647")
        for (proto, method) in [("icmp", "ping-socket"), ("udp", "udp-recverr"), ("tcp", "tcp-connect")] {
            for (target, expected) in [(RouterChain.destination4, RouterChain.hops4),
                                       (RouterChain.destination6, RouterChain.hops6)] {
                let result = chain.tracemap(["trace", "-P", proto, target], user: "nobody")
                XCTAssertEqual(result.status, 0, "\(proto) \(target) as nobody: \(result.stderr)")
                XCTAssertTrue(result.stdout.contains("via \(method)"), result.stdout)
                for hop in expected { XCTAssertTrue(result.stdout.contains(hop), "\(hop) missing:\n\(result.stdout)") }
            }
        }
    }

    func testNoMethodAllowedSaysHowToFixIt() {
        chain.host.sysctl("net.ipv4.ping_group_range=1 0")
        let result = chain.tracemap(["trace", "-P", "icmp", RouterChain.destination4], user: "nobody")
        XCTAssertEqual(result.status, 4)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("setcap") && result.stderr.contains("ping_group_range"), result.stderr)
    }

    func testTwoConcurrentTracersNeverMixTheirReplies() throws {
        // Two tracemap processes and an mtr at once, same namespace, same target: each must see only its own.
        let group = DispatchGroup()
        nonisolated(unsafe) var results: [ProcessResult] = []
        let lock = NSLock()
        let chain = self.chain!
        for arguments in [["trace", "--raw", "-q", "5", RouterChain.destination4],
                          ["trace", "--raw", "-q", "5", RouterChain.destination4]] {
            DispatchQueue.global().async(group: group) {
                let result = chain.tracemap(arguments)
                lock.lock(); results.append(result); lock.unlock()
            }
        }
        DispatchQueue.global().async(group: group) {
            chain.host.exec(["mtr", "-n", "-r", "-c", "5", "-i", "0.1", RouterChain.destination4])
        }
        group.wait()
        for result in results {
            XCTAssertEqual(result.status, 0, result.stderr)
            let replies = result.stdout.split(separator: "\n").filter { $0.contains(" reply ") }
            // 5 queries × 4 TTLs, each reply from the router at exactly that TTL.
            XCTAssertEqual(replies.count, 20, result.stdout)
            for line in replies {
                let ttl = Int(line.split(separator: " ").first { $0.hasPrefix("ttl=") }!.dropFirst(4))!
                XCTAssertTrue(line.contains("from=\(RouterChain.hops4[ttl - 1]) "), String(line))
            }
        }
    }

    func testErrorsAreOneLineWithDocumentedExitCodes() {
        let cases: [([String], Int32)] = [
            (["trace", "no-such-host.invalid"], 3),
            (["trace", "--max-hops", "zero", RouterChain.destination4], 64),
            (["trace", "--bogus", RouterChain.destination4], 64),
            (["trace", "-6", RouterChain.destination4], 3),
            (["trace", "--queries", "0", RouterChain.destination4], 64),
            (["trace", "198.18.0.1"], 5),
        ]
        // 198.18.0.1 has no route from the host once its default routes are gone.
        _ = chain.host.exec(["ip", "route", "del", "default"])
        for (arguments, status) in cases {
            let result = chain.tracemap(arguments)
            XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("tracemap: "), result.stderr)
            XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
        }
    }

    func testSeveralTargetsAreTracedInOneCall() {
        let result = chain.tracemap(["trace", RouterChain.destination4, RouterChain.destination6])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("tracemap to 203.0.113.2"))
        XCTAssertTrue(result.stdout.contains("tracemap to 2001:db8:4::2"))
    }

    /// Hundreds of targets in one process, both families, on one probe thread and shared sockets: each is
    /// reached with its own address at the right hop, and no reply is credited to another target.
    func testHundredsOfTargetsAreEachReachedWithTheirOwnAddressAtTheRightHop() throws {
        let v4 = (10...209).map { "203.0.113.\($0)" }
        let v6 = (0x100...0x163).map { "2001:db8:4::" + String($0, radix: 16) }
        // Hundreds of time-exceeded messages at once: lift the kernel's host-wide ICMP budget (1000/s, burst 50),
        // which is not what this test is about (the rate-limit tests are).
        for router in chain.routers + [chain.destination] {
            router.sysctl("net.ipv4.icmp_msgs_per_sec=1000000")
            router.sysctl("net.ipv4.icmp_msgs_burst=1000000")
        }
        for address in v4 { try chain.destination.ip("addr", "add", "\(address)/32", "dev", "e3b") }
        for address in v6 { try chain.destination.ip("-6", "addr", "add", "\(address)/128", "dev", "e3b", "nodad") }
        let list = FileManager.default.temporaryDirectory.appendingPathComponent("targets-\(getpid()).txt")
        try (v4 + v6).joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: list) }
        let result = chain.tracemap(["trace", "--json", "-n", "-q", "1", "--targets", list.path], timeout: 120)
        XCTAssertEqual(result.status, 0, result.stderr)
        guard let documents = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        else { return XCTFail("no JSON array: \(result.stderr)") }
        XCTAssertEqual(documents.count, v4.count + v6.count)
        for document in documents {
            let target = (document["meta"] as? [String: Any])?["target"] as? [String: Any]
            let address = target?["address"] as? String ?? "?"
            let hops = document["hops"] as? [[String: Any]] ?? []
            let last = (hops.last?["responders"] as? [[String: Any]])?.first?["address"] as? String
            XCTAssertEqual(document["reached"] as? Bool, true, address)
            XCTAssertEqual(hops.count, 4, "\(address) is four hops away")
            XCTAssertEqual(last, address, "the destination's reply came from the target itself")
            guard hops.count == 4 else { continue }
            let routers = address.contains(":") ? RouterChain.hops6 : RouterChain.hops4
            for (index, hop) in hops.dropLast().enumerated() {
                let responder = (hop["responders"] as? [[String: Any]])?.first?["address"] as? String
                XCTAssertEqual(responder, routers[index], "\(address) hop \(index + 1)")
            }
        }
    }

    func testCSVHasAHeaderAndARowPerHop() {
        let result = chain.tracemap(["trace", "--csv", RouterChain.destination4])
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first?.hasPrefix("target,ttl,address,hostname,share_pct,loss_pct"), true, result.stdout)
        XCTAssertEqual(lines.count, 5, result.stdout)
    }
}
