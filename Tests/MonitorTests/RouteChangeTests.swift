import XCTest
import TracemapModel
@testable import TracemapMonitor

final class RouteChangeTests: XCTestCase {
    /// Hops 3 and 4 take another route in rounds 30–44, then the old route returns.
    func testRouteChangeAtOneHopIsReportedWithinKRoundsAndSoIsTheChangeBack() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 6, round: round)
            if (30..<45).contains(round) {
                path[2].address = Script.detour(3)
                path[3].address = Script.detour(4)
            }
            return path
        }
        let run = await runMonitor(prober, rounds: 60)
        let changes = run.events(.routeChange)
        XCTAssertEqual(changes.count, 2, "\(changes.map(\.message))")
        guard changes.count == 2 else { return }

        let away = changes[0]
        XCTAssertEqual(away.round, 31, "confirmed on the second diverging round (K = 2)")
        XCTAssertEqual(away.ttl, 3)
        XCTAssertEqual(away.severity, .warning)
        XCTAssertEqual(MonitorEvent.hop(3, of: away.oldPath), [Script.router(3)])
        XCTAssertEqual(MonitorEvent.hop(3, of: away.newPath), [Script.detour(3)])
        XCTAssertEqual(MonitorEvent.hop(4, of: away.newPath), [Script.detour(4)])
        XCTAssertEqual(MonitorEvent.hop(6, of: away.newPath), [Script.destination])
        XCTAssertTrue(away.message.contains("198.51.100.3 → 192.0.2.3"), away.message)

        let back = changes[1]
        XCTAssertEqual(back.round, 46)
        XCTAssertEqual(back.ttl, 3)
        XCTAssertEqual(MonitorEvent.hop(3, of: back.oldPath), [Script.detour(3)])
        XCTAssertEqual(MonitorEvent.hop(3, of: back.newPath), [Script.router(3)])
        XCTAssertTrue(back.message.contains("back to the previous path"), back.message)

        XCTAssertEqual(run.alerts.count, 2, "nothing but the two changes: \(run.alerts.map(\.message))")
        XCTAssertEqual(run.snapshot.path[2], [Script.router(3)])
    }

    func testPathLengthChangeIsARouteChange() async {
        let prober = ScriptedPath { round, _ in
            guard round >= 20 else { return Script.path(length: 6, round: round) }
            var path = Script.path(length: 7, round: round)
            path[5].address = Script.detour(6)
            return path
        }
        let run = await runMonitor(prober, rounds: 30)
        let changes = run.events(.routeChange)
        XCTAssertEqual(changes.count, 1, "\(changes.map(\.message))")
        XCTAssertEqual(changes.first?.round, 21)
        XCTAssertEqual(changes.first?.ttl, 6)
        XCTAssertEqual(changes.first?.oldPath?.count, 6)
        XCTAssertEqual(changes.first?.newPath?.count, 7)
        XCTAssertTrue(changes.first?.message.contains("6 → 7 hops") ?? false, changes.first?.message ?? "")
        XCTAssertEqual(run.events(.destinationLost), [])
    }

    /// Per-packet load balancing with one flow: the hop alternates between two routers every round.
    func testECMPAlternationIsNotARouteChange() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 6, round: round)
            if round % 2 == 1 { path[2].address = Script.sibling(3) }
            return path
        }
        let run = await runMonitor(prober, rounds: 40)
        XCTAssertEqual(run.events(.routeChange), [])
        XCTAssertEqual(Set(run.snapshot.path[2]), [Script.router(3), Script.sibling(3)],
                       "the sibling is learned as an ECMP alternative")
    }

    /// A sibling seen now and then, never twice in a row, is an alternative and not a change.
    func testOccasionalECMPSiblingIsNotARouteChange() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 6, round: round)
            if round % 7 == 3 { path[3].address = Script.sibling(4) }
            return path
        }
        let run = await runMonitor(prober, rounds: 50)
        XCTAssertEqual(run.events(.routeChange), [])
    }

    /// Paris flows on different ECMP branches show both routers every round.
    func testECMPAcrossParisFlowsIsNotARouteChange() async {
        let prober = ScriptedPath(flows: 2) { round, flow in
            var path = Script.path(length: 6, round: round)
            if flow == 1 { path[1].address = Script.sibling(2) }
            return path
        }
        let run = await runMonitor(prober, rounds: 30)
        XCTAssertEqual(run.events(.routeChange), [])
        XCTAssertEqual(Set(run.snapshot.path[1]), [Script.router(2), Script.sibling(2)])
    }

    /// A hop that is silent in one round (a lost probe), or everywhere after the change, is no evidence of change.
    func testSilentProbeInOneRoundIsNotAChange() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 6, round: round)
            if round % 5 == 2 { path[3].answers = false }
            if round == 20 { path[2].answers = false; path[4].answers = false }
            return path
        }
        let run = await runMonitor(prober, rounds: 40)
        XCTAssertEqual(run.events(.routeChange), [])
    }

    /// A change seen in one round only (then the old path again) is not reported.
    func testOneRoundDetourIsNotAChange() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 6, round: round)
            if round == 15 { path[2].address = Script.detour(3); path[3].address = Script.detour(4) }
            return path
        }
        let run = await runMonitor(prober, rounds: 30)
        XCTAssertEqual(run.events(.routeChange), [])
    }

    func testDestinationLostAndReachedAgain() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 6, round: round)
            if (20..<30).contains(round) { path[5].answers = false }
            return path
        }
        let run = await runMonitor(prober, rounds: 40)
        let lost = run.events(.destinationLost)
        XCTAssertEqual(lost.count, 1)
        XCTAssertEqual(lost.first?.round, 22, "after 3 unanswered rounds")
        XCTAssertEqual(lost.first?.severity, .critical)
        XCTAssertEqual(lost.first?.ttl, 6)
        XCTAssertTrue(lost.first?.message.contains("last hop answering is 5") ?? false, lost.first?.message ?? "")
        let reached = run.events(.destinationReached)
        XCTAssertEqual(reached.count, 1)
        XCTAssertEqual(reached.first?.round, 31, "after 2 answered rounds")
        XCTAssertEqual(reached.first?.severity, .info)
        XCTAssertEqual(run.events(.routeChange), [], "the same path came back")
        XCTAssertFalse(run.snapshot.destinationLost)
    }

    /// A destination that never answers is an alert of its own, and its first answer ends it.
    func testDestinationThatNeverAnswersIsReported() async {
        let prober = ScriptedPath(maxHops: 8) { round, _ in
            var path = Script.path(length: 6, round: round)
            if round < 10 { path[5].answers = false }
            return path
        }
        let run = await runMonitor(prober, rounds: 14)
        let unreachable = run.events(.destinationUnreachable)
        XCTAssertEqual(unreachable.map(\.round), [2], "after 3 rounds without an answer")
        XCTAssertEqual(unreachable.first?.severity, .critical)
        XCTAssertTrue(unreachable.first?.message.contains("last hop answering is 5") ?? false)
        XCTAssertEqual(run.events(.destinationReached).map(\.round), [11])
        XCTAssertEqual(run.events(.destinationLost), [])
    }

    /// 40 % forward loss from hop 4 on: the destination's probe is often lost while the next TTL's gets through
    /// (also in the very first round). That is loss, never a longer path.
    func testForwardLossIsNotAPathLengthChange() async {
        let lossy: @Sendable (Int, Int) -> Bool = { round, ttl in round == 0 || Script.noise(round, ttl, 3) < 0.4 }
        var prober = ScriptedPath(maxHops: 12) { round, _ in
            var path = Script.path(length: 6, round: round)
            for ttl in 4...6 where lossy(round, ttl) { path[ttl - 1].answers = false }
            return path
        }
        prober.lostPastDestination = lossy
        let run = await runMonitor(prober, rounds: 200, interval: .milliseconds(5))
        XCTAssertEqual(run.events(.routeChange), [], "\(run.events(.routeChange).map(\.message))")
        XCTAssertEqual(run.snapshot.path.count, 6, "the guess of round 0 was corrected")
        XCTAssertEqual(run.snapshot.path.last, [Script.destination])
        XCTAssertGreaterThanOrEqual(run.events(.loss).count, 1)
        XCTAssertEqual(run.events(.loss).first?.ttl, 4, "where the loss starts")
        XCTAssertEqual(run.events(.rateLimited), [])
    }

    /// A path grown by a hop that never answers shows only as the destination one TTL further: reported after
    /// six rounds in a row (twice the destination-lost rounds), with the silent hop in the new path.
    func testPathGrownByASilentHopIsReportedAfterSixRounds() async {
        let prober = ScriptedPath { round, _ in
            guard round >= 20 else { return Script.path(length: 5, round: round) }
            var path = Script.path(length: 6, round: round)
            path[4].answers = false
            return path
        }
        let run = await runMonitor(prober, rounds: 40)
        let changes = run.events(.routeChange)
        XCTAssertEqual(changes.map(\.round), [25])
        XCTAssertEqual(changes.first?.ttl, 5)
        XCTAssertEqual(MonitorEvent.hop(5, of: changes.first?.newPath), [])
        XCTAssertEqual(MonitorEvent.hop(6, of: changes.first?.newPath), [Script.destination])
        XCTAssertEqual(run.events(.loss).count, 1, "the probe at the old destination TTL is lost meanwhile")
    }
}
