import Foundation
import XCTest

/// `tracemap trace` on the packet-level path simulator: what a described path should look like in the output.
final class TraceSimulatorTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(Shell.canBuildNamespaces, "network tests need root and iproute2")
    }

    private func document(_ result: ProcessResult, file: StaticString = #filePath,
                          line: UInt = #line) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            XCTFail("no JSON trace (status \(result.status)): \(result.stderr)", file: file, line: line)
            return [:]
        }
        return object
    }

    private func hops(_ document: [String: Any]) -> [[String: Any]] {
        document["hops"] as? [[String: Any]] ?? []
    }

    private func addresses(_ hop: [String: Any]) -> [String] {
        (hop["responders"] as? [[String: Any]] ?? []).compactMap { $0["address"] as? String }
    }

    func testEveryProtocolAndFamilyShowsTheSilentHopAsSilent() throws {
        let path = try SimulatedPath(scenarioNamed: "six-hops-silent-4")
        defer { path.destroy() }
        for proto in ["icmp", "udp", "tcp"] {
            for (target, prefix) in [(SimulatedPath.target4, "198.51.100."), (SimulatedPath.target6, "2001:db8:100::")] {
                let trace = document(path.run(["trace", "--json", "-P", proto, target]))
                let found = hops(trace)
                XCTAssertEqual(found.count, 7, "\(proto) \(target): 6 hops and the destination")
                guard found.count == 7 else { continue }
                for (index, hop) in found.enumerated() where index != 3 && index < 6 {
                    XCTAssertEqual(addresses(hop), ["\(prefix)\(index + 1)"], "\(proto) \(target) TTL \(index + 1)")
                }
                XCTAssertEqual(found[3]["silent"] as? Bool, true, "\(proto) \(target): hop 4 is silent")
                XCTAssertEqual(addresses(found[6]), [target])
                XCTAssertEqual(trace["reached"] as? Bool, true)
            }
        }
    }

    func testRTTsAgreeWithTheConfiguredDelays() throws {
        let path = try SimulatedPath(scenario: """
            {"seed": 3, "hops": [{"address": "198.51.100.1", "delay_ms": 2}, {"address": "198.51.100.2", "delay_ms": 15}],
             "destination": {"delay_ms": 30}}
            """)
        defer { path.destroy() }
        let trace = document(path.run(["trace", "--json", "-q", "5", SimulatedPath.target4]))
        let expected = [2.0, 15.0, 30.0]
        for (index, hop) in hops(trace).enumerated() {
            let responder = (hop["responders"] as? [[String: Any]])?.first
            let mean = responder?["avg_ms"] as? Double ?? -1
            // The simulator can answer late (it is a user-space process on a shared machine), never early: an RTT
            // below the configured delay would be tracemap's error; bench/trace-bench.sh measures the fine error.
            XCTAssertGreaterThan(mean, expected[index] - 0.2, "TTL \(index + 1)")
            XCTAssertLessThan(mean, expected[index] + 2.5, "TTL \(index + 1)")
        }
    }

    func testFlowsMakeEveryEcmpBranchVisibleWithItsShare() throws {
        let path = try SimulatedPath(scenarioNamed: "ecmp")
        defer { path.destroy() }
        let single = document(path.run(["trace", "--json", "-q", "3", SimulatedPath.target4]))
        XCTAssertEqual(addresses(hops(single)[2]).count, 1, "one Paris flow stays on one branch")
        let many = document(path.run(["trace", "--json", "-q", "2", "--flows", "16", SimulatedPath.target4]))
        let branches = Set(addresses(hops(many)[2]))
        XCTAssertEqual(branches, ["198.51.100.31", "198.51.100.32", "198.51.100.33"])
        let shares = (hops(many)[2]["responders"] as? [[String: Any]] ?? []).compactMap { $0["share_pct"] as? Double }
        XCTAssertEqual(shares.reduce(0, +), 100, accuracy: 0.01)
        // The MPLS labels the hop quotes (RFC 4950) are kept per reply.
        let mpls = (hops(single)[1]["responders"] as? [[String: Any]])?.first?["mpls"] as? [[String: Any]]
        XCTAssertEqual(mpls?.compactMap { $0["label"] as? Int }, [16004, 24001])
    }

    func testLossyHopShowsLossWhileTheHopsBehindItDoNot() throws {
        let path = try SimulatedPath(scenarioNamed: "lossy-hop")
        defer { path.destroy() }
        let trace = document(path.run(["trace", "--json", "-q", "10", SimulatedPath.target4]))
        let found = hops(trace)
        XCTAssertEqual(found.count, 5)
        guard found.count == 5 else { return }
        let loss = found.map { $0["loss_pct"] as? Double ?? -1 }
        XCTAssertGreaterThan(loss[1], 10, "hop 2 drops about half of its replies")
        XCTAssertLessThan(loss[1], 90)
        XCTAssertEqual(loss[4], 0, "the destination answers every probe")
    }

    /// A router slow to send ICMP (hop 3 at 150 ms, the destination behind it at 42 ms) is slow, not silent: every
    /// probe's reply is counted with its true RTT.
    func testARouterSlowToSendICMPShowsEveryReplyWithItsTrueRTT() throws {
        let path = try SimulatedPath(scenario: """
            {"hops": [{"address": "198.51.100.1", "delay_ms": 1}, {"address": "198.51.100.2", "delay_ms": 5},
                      {"address": "198.51.100.3", "delay_ms": 150}, {"address": "198.51.100.4", "delay_ms": 30}],
             "destination": {"delay_ms": 42}}
            """)
        defer { path.destroy() }
        let result = path.run(["trace", "--json", "-n", SimulatedPath.target4])
        XCTAssertEqual(result.status, 0, result.stderr)
        let found = hops(document(result))
        XCTAssertEqual(found.count, 5)
        guard found.count == 5 else { return }
        XCTAssertEqual(found[2]["dropped"] as? Int, 0, "all three replies of the slow hop are counted")
        let slow = (found[2]["responders"] as? [[String: Any]])?.first
        XCTAssertEqual(slow?["received"] as? Int, 3)
        XCTAssertEqual(slow?["avg_ms"] as? Double ?? 0, 150, accuracy: 5)
    }

    /// Every probed TTL is a row, also when the destination never answers (as traceroute prints its stars).
    func testEveryProbedTTLIsARowWhenTheDestinationNeverAnswers() throws {
        let path = try SimulatedPath(scenario: """
            {"hops": [{"address": "198.51.100.1", "delay_ms": 1}, {"address": "198.51.100.2", "delay_ms": 2}],
             "destination": {"silent": true}}
            """)
        defer { path.destroy() }
        let result = path.run(["trace", "--json", "-n", "-q", "1", "-m", "6", "--timeout", "300",
                               SimulatedPath.target4])
        XCTAssertEqual(result.status, 1, result.stderr)
        let found = hops(document(result))
        XCTAssertEqual(found.map { $0["ttl"] as? Int ?? 0 }, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(found.map { $0["silent"] as? Bool ?? false }, [false, false, true, true, true, true])
    }

    func testUnreachableSilentDestinationEndsWithStatusOne() throws {
        let path = try SimulatedPath(scenario: """
            {"hops": [{"address": "198.51.100.1", "delay_ms": 1}], "destination": {"silent": true}}
            """)
        defer { path.destroy() }
        let result = path.run(["trace", "-q", "1", "-m", "4", "--timeout", "200", SimulatedPath.target4])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("destination not reached"), result.stdout)
    }
}
