import XCTest
import TracemapModel
@testable import TracemapMonitor

final class StablePathTests: XCTestCase {
    /// A healthy path as the internet has them: two Paris flows on two ECMP branches at hop 2, per-packet load
    /// balancing at hop 5, a router answering about half its probes at hop 3, jitter everywhere (a few ms, with
    /// an occasional slow reply). 320 rounds: no alert at all.
    func testStablePathWithECMPJitterAndRateLimitedHopRaisesNoAlertIn320Rounds() async {
        let prober = ScriptedPath(flows: 2) { round, flow in
            var path = (1...9).map { ttl in
                ScriptHop(address: ttl == 9 ? Script.destination : Script.router(ttl),
                          rtt: 3 * Double(ttl) + 3 * Script.noise(round, ttl, UInt64(flow)))
            }
            if flow == 1 { path[1].address = Script.sibling(2) }
            if round % 2 == 1 { path[4].address = Script.sibling(5) }
            path[2].answers = Script.noise(round, 3, 99 + UInt64(flow)) < 0.5
            if Script.noise(round, 0, 5) < 0.03 { path[8].rtt += 40 }
            return path
        }
        let run = await runMonitor(prober, rounds: 320, interval: .milliseconds(5))
        XCTAssertEqual(run.snapshot.rounds, 320)
        XCTAssertEqual(run.alerts, [], "\(run.alerts.map { "\($0.round) \($0.message)" })")
        XCTAssertLessThanOrEqual(run.events(.rateLimited).count, 1)
        XCTAssertEqual(run.events.filter { $0.kind != .rateLimited }, [])
        XCTAssertEqual(run.snapshot.activeAlerts, 0)

        let hop3 = run.snapshot.statistics.hops[3]
        XCTAssertEqual(hop3?.sent, 640, "two flows, every round")
        XCTAssertFalse(hop3?.isSilent ?? true)
        XCTAssertEqual(run.snapshot.statistics.hops[9]?.lossPercent, 0)
        XCTAssertEqual(run.snapshot.statistics.hops[2]?.responders.count, 2)
        XCTAssertEqual(run.snapshot.statistics.hops.keys.max(), 9)
    }
}
