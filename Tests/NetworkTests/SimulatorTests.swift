import Foundation
import XCTest

/// The path simulator checked with Debian's own tools (traceroute, ping) inside a namespace, so the tests and
/// benchmarks that rely on it rely on something an independent implementation agrees with.
final class SimulatorTests: XCTestCase {
    private var path: SimulatedPath?

    override func setUpWithError() throws {
        try XCTSkipUnless(Shell.canBuildNamespaces, "needs root and iproute2 to build namespaces")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Shell.tracemapBinary),
                          "tracemap is not built at \(Shell.tracemapBinary)")
        try XCTSkipUnless(Shell.run(["which", "traceroute"]).status == 0, "needs traceroute (scripts/setup.sh)")
    }

    override func tearDown() {
        path?.destroy()
        path = nil
    }

    private func simulate(_ name: String) throws -> SimulatedPath {
        let made = try SimulatedPath(scenarioNamed: name)
        path = made
        return made
    }

    /// six-hops-silent-4.json: what every traceroute method must see.
    private let sixHops4 = ["198.51.100.1", "198.51.100.2", "198.51.100.3", nil, "198.51.100.5", "198.51.100.6",
                            SimulatedPath.target4]
    private let sixHops6 = ["2001:db8:100::1", "2001:db8:100::2", "2001:db8:100::3", nil, "2001:db8:100::5",
                            "2001:db8:100::6", SimulatedPath.target6]
    private let sixHopsDelays: [Double] = [1, 5, 11, 18, 27, 35, 42]

    func testUDPTraceroute() throws {
        let path = try simulate("six-hops-silent-4")
        let trace = Traceroute(path.exec(["traceroute", "-n", "-q", "1", "-w", "1", SimulatedPath.target4]))
        trace.assertPath(sixHops4, delays: sixHopsDelays)
    }

    func testICMPTraceroute() throws {
        let path = try simulate("six-hops-silent-4")
        let trace = Traceroute(path.exec(["traceroute", "-I", "-n", "-q", "2", "-w", "1", SimulatedPath.target4]))
        trace.assertPath(sixHops4, delays: sixHopsDelays)
    }

    func testTCPTraceroute() throws {
        let path = try simulate("six-hops-silent-4")
        let trace = Traceroute(path.exec(["traceroute", "-T", "-n", "-q", "1", "-w", "1", SimulatedPath.target4]))
        trace.assertPath(sixHops4, delays: sixHopsDelays)
    }

    func testIPv6Traceroutes() throws {
        let path = try simulate("six-hops-silent-4")
        for method in ["-U", "-I", "-T"] {
            let trace = Traceroute(path.exec(["traceroute", "-6", method, "-n", "-q", "1", "-w", "1",
                                              SimulatedPath.target6]))
            trace.assertPath(sixHops6, delays: sixHopsDelays, "traceroute -6 \(method)")
        }
    }

    /// ping's kernel-timestamped RTTs against the scenario's 42 ms (±0.5 ms jitter): within ±2 ms.
    func testPingRTTMatchesDelay() throws {
        try XCTSkipUnless(Shell.run(["which", "ping"]).status == 0, "needs ping (iputils-ping)")
        let path = try simulate("six-hops-silent-4")
        for target in [SimulatedPath.target4, SimulatedPath.target6] {
            let result = path.exec(["ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", target])
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
            let times = result.stdout.split(separator: "\n").compactMap { line -> Double? in
                guard let range = line.range(of: "time=") else { return nil }
                return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." })
            }
            XCTAssertEqual(times.count, 3, result.stdout)
            for time in times { XCTAssertEqual(time, 42, accuracy: 2, "\(target): \(result.stdout)") }
        }
    }

    func testLiveScenarioUpdateChangesThePath() throws {
        let path = try simulate("six-hops-silent-4")
        let before = Traceroute(path.exec(["traceroute", "-n", "-q", "1", "-w", "1", SimulatedPath.target4]))
        XCTAssertEqual(before.addresses(at: 4), [])
        try path.update(SimulatedPath.scenario(named: "seven-hops"))
        let after = Traceroute(path.exec(["traceroute", "-n", "-q", "1", "-w", "1", SimulatedPath.target4]))
        after.assertPath(["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.41", "198.51.100.51",
                          "198.51.100.61", "198.51.100.71", SimulatedPath.target4],
                         delays: [1, 5, 11, 16, 24, 31, 38, 45])
        // An RTT spike at the destination, live.
        let spiked = try SimulatedPath.scenario(named: "seven-hops")
            .replacingOccurrences(of: "\"delay_ms\": 45", with: "\"delay_ms\": 90")
        try path.update(spiked)
        let slow = Traceroute(path.exec(["traceroute", "-n", "-q", "1", "-w", "2", "-f", "8",
                                         SimulatedPath.target4]))
        XCTAssertEqual(slow.addresses(at: 8), [SimulatedPath.target4], slow.output)
        XCTAssertEqual(slow.rtts(at: 8).first ?? 0, 90, accuracy: 5, slow.output)
    }

    /// Per-flow ECMP: one flow (fixed ports, traceroute -U) always takes one branch; flows that differ in the
    /// destination port spread over the branches.
    func testECMPFollowsTheFlow() throws {
        let path = try simulate("ecmp")
        let branches: Set<String> = ["198.51.100.31", "198.51.100.32", "198.51.100.33"]
        let oneFlow = Traceroute(path.exec(["traceroute", "-n", "-U", "--sport=40000", "-q", "6", "-f", "3",
                                            "-m", "3", "-w", "1", SimulatedPath.target4]))
        XCTAssertEqual(Set(oneFlow.addresses(at: 3)).count, 1, oneFlow.output)
        XCTAssertEqual(oneFlow.rtts(at: 3).count, 6, oneFlow.output)
        XCTAssertTrue(Set(oneFlow.addresses(at: 3)).isSubset(of: branches), oneFlow.output)
        let manyFlows = Traceroute(path.exec(["traceroute", "-n", "--sport=40000", "-q", "6", "-f", "3", "-m", "3",
                                              "-w", "1", SimulatedPath.target4]))
        XCTAssertGreaterThan(Set(manyFlows.addresses(at: 3)).count, 1, manyFlows.output)
        XCTAssertTrue(Set(manyFlows.addresses(at: 3)).isSubset(of: branches), manyFlows.output)
    }

    /// traceroute -e decodes the RFC 4950 label stack of hop 2 from the RFC 4884 extension, in both families.
    func testMPLSExtensionDecodedByTraceroute() throws {
        let path = try simulate("ecmp")
        let stack = "<MPLS:L=16004,E=0,S=0,T=1/L=24001,E=5,S=1,T=1>"
        for target in [SimulatedPath.target4, SimulatedPath.target6] {
            let result = path.exec(["traceroute", "-I", "-e", "-n", "-q", "1", "-f", "2", "-m", "2", "-w", "1",
                                    target])
            XCTAssertTrue(result.stdout.contains(stack), result.stdout + result.stderr)
        }
    }

    /// reply_loss at hop 2 loses only its own replies (hop 3 answers every probe); forward_loss loses hop 3's too.
    func testReplyLossAndForwardLoss() throws {
        let path = try simulate("lossy-hop")
        let arguments = ["traceroute", "-n", "-q", "10", "-N", "1", "-f", "2", "-m", "3", "-w", "0.5",
                         SimulatedPath.target4]
        let lossy = Traceroute(path.exec(arguments))
        XCTAssertGreaterThan(lossy.stars(at: 2), 0, lossy.output)
        XCTAssertLessThan(lossy.stars(at: 2), 10, lossy.output)
        XCTAssertEqual(lossy.stars(at: 3), 0, lossy.output)
        let forward = try SimulatedPath.scenario(named: "lossy-hop")
            .replacingOccurrences(of: "\"reply_loss\": 50", with: "\"forward_loss\": 50")
        try path.update(forward)
        let lossyForward = Traceroute(path.exec(arguments))
        XCTAssertEqual(lossyForward.stars(at: 2), 0, lossyForward.output)
        XCTAssertGreaterThan(lossyForward.stars(at: 3), 0, lossyForward.output)
        XCTAssertLessThan(lossyForward.stars(at: 3), 10, lossyForward.output)
    }

    /// A scenario that cannot be read is a one-line error with the bad-input status, not a trap.
    func testBadScenarioFileIsAnError() throws {
        let namespace = try Namespace(tag: "simbad")
        defer { namespace.destroy() }
        let result = namespace.exec([Shell.labBinary, "sim", "--scenario", "/nonexistent/scenario.json",
                                     "--tun", "tm0"])
        XCTAssertEqual(result.status, 6, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("tracemap: cannot read scenario"), result.stderr)
    }
}

/// traceroute(8)'s output read back: per TTL, the responders, RTTs and stars in the order printed.
private struct Traceroute {
    let output: String
    private var lines: [Int: [String]] = [:]

    init(_ result: ProcessResult) {
        output = result.stdout + result.stderr
        for line in result.stdout.split(separator: "\n") {
            let tokens = line.split(separator: " ").map(String.init)
            guard let first = tokens.first, let ttl = Int(first) else { continue }
            lines[ttl] = Array(tokens.dropFirst())
        }
    }

    /// Responder addresses at `ttl`, once per probe that got a reply.
    func addresses(at ttl: Int) -> [String] {
        var current: String?
        var result: [String] = []
        let tokens = lines[ttl] ?? []
        for (index, token) in tokens.enumerated() {
            if index + 1 < tokens.count, tokens[index + 1] == "ms" {
                if let current { result.append(current) }
            } else if token.contains(".") || token.contains(":"), !token.hasPrefix("<"), token != "ms" {
                current = token
            }
        }
        return result
    }

    func rtts(at ttl: Int) -> [Double] {
        let tokens = lines[ttl] ?? []
        return tokens.indices.compactMap { index in
            index + 1 < tokens.count && tokens[index + 1] == "ms" ? Double(tokens[index]) : nil
        }
    }

    func stars(at ttl: Int) -> Int {
        (lines[ttl] ?? []).filter { $0 == "*" }.count
    }

    /// Every TTL shows the expected responder (nil: a silent hop, only stars) with RTTs near its delay:
    /// no earlier than the delay less its 0.5 ms jitter, and at most 5 ms later (traceroute times in user space).
    func assertPath(_ expected: [String?], delays: [Double], _ message: String = "",
                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(lines.keys.max(), expected.count, "\(message)\n\(output)", file: file, line: line)
        for (index, address) in expected.enumerated() {
            let ttl = index + 1
            guard let address else {
                XCTAssertEqual(addresses(at: ttl), [], "\(message) TTL \(ttl)\n\(output)", file: file, line: line)
                XCTAssertGreaterThan(stars(at: ttl), 0, "\(message) TTL \(ttl)\n\(output)", file: file, line: line)
                continue
            }
            XCTAssertFalse(addresses(at: ttl).isEmpty, "\(message) TTL \(ttl)\n\(output)", file: file, line: line)
            XCTAssertEqual(Set(addresses(at: ttl)), [address], "\(message) TTL \(ttl)\n\(output)",
                           file: file, line: line)
            for rtt in rtts(at: ttl) {
                XCTAssertTrue(rtt >= delays[index] - 0.6 && rtt <= delays[index] + 5,
                              "\(message) TTL \(ttl): \(rtt) ms, expected about \(delays[index])\n\(output)",
                              file: file, line: line)
            }
        }
    }
}
