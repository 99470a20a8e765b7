import XCTest
import TracemapModel
import TracemapProbe
@testable import TracemapMonitor

final class MonitorLoopTests: XCTestCase {
    func testRoundsStartAtTheIntervalAndCarryOneProbePerTTL() async {
        let prober = ScriptedPath { round, _ in Script.path(length: 5, round: round) }
        let run = await runMonitor(prober, rounds: 8, interval: .milliseconds(30))
        let entries = prober.log.entries
        XCTAssertEqual(entries.count, 8)
        // A fixed grid from the first start: never early, and a late start does not shift the rounds after it.
        for (index, entry) in entries.enumerated() {
            XCTAssertGreaterThanOrEqual(entry.began - entries[0].began, .milliseconds(30 * index - 2))
        }
        let total = entries.last!.began - entries.first!.began
        XCTAssertLessThan(total, .milliseconds(7 * 30 + 150), "a fixed grid, not interval plus round time")
        XCTAssertEqual(entries.first?.plan.queries, 1)
        XCTAssertEqual(run.snapshot.lastRound?.probes.filter { $0.ttl == 3 }.count, 1)
        XCTAssertEqual(run.snapshot.meta.intervalMs, 30)
        XCTAssertEqual(run.snapshot.meta.options.queries, 1)
    }

    /// Rounds whose replies take longer than the interval overlap the next round instead of delaying it (the
    /// cadence of a path whose destination went dark stays the cadence), and are still taken in order.
    func testSlowRoundsOverlapTheNextAndKeepTheClock() async {
        let prober = ScriptedPath(delay: .milliseconds(60)) { round, _ in Script.path(length: 4, round: round) }
        let run = await runMonitor(prober, rounds: 6, interval: .milliseconds(20))
        let entries = prober.log.entries.sorted { $0.began < $1.began }
        XCTAssertEqual(entries.count, 6)
        XCTAssertLessThan(entries[1].began, entries[0].ended, "the next round started while the first still waited")
        XCTAssertLessThan(entries[5].began - entries[0].began, .milliseconds(5 * 20 + 40), "the clock was kept")
        XCTAssertEqual(run.snapshot.rounds, 6)
        XCTAssertEqual(run.snapshot.lastRound?.index, 5, "rounds are taken in the order they were started")
    }

    /// Once the destination is known, rounds stop one TTL past it. A round without the destination's answer keeps
    /// that plan (a dark destination is probed where it was, not the whole range).
    func testRoundsLearnTheDestinationTTLAndKeepItWhileItIsSilent() async {
        let prober = ScriptedPath(maxHops: 12) { round, _ in
            var path = Script.path(length: 6, round: round)
            if round == 5 { path[5].answers = false }
            return path
        }
        let run = await runMonitor(prober, rounds: 9)
        let lasts = prober.log.entries.map(\.plan.ttls.upperBound)
        XCTAssertEqual(lasts, [12, 7, 7, 7, 7, 7, 7, 7, 7])
        XCTAssertEqual(run.snapshot.ledger.reachedTTL, 6)
        XCTAssertEqual(run.snapshot.statistics.hops.keys.max(), 6, "probes past the destination are not counted")
    }

    func testPathThatGrowsByOneHopIsFoundInTheSameRound() async {
        let prober = ScriptedPath(maxHops: 12) { round, _ in
            round < 5 ? Script.path(length: 6, round: round) : Script.path(length: 7, round: round)
        }
        let run = await runMonitor(prober, rounds: 8)
        XCTAssertEqual(prober.log.entries.map(\.plan.ttls.upperBound), [12, 7, 7, 7, 7, 7, 8, 8])
        XCTAssertEqual(run.snapshot.statistics.destinationTTL, 7)
    }

    func testKeepsGoingThroughSendFailures() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 5, round: round)
            if (10..<20).contains(round) { for index in path.indices { path[index].sendFails = true } }
            return path
        }
        let run = await runMonitor(prober, rounds: 30)
        XCTAssertEqual(run.snapshot.rounds, 30)
        XCTAssertEqual(run.events(.destinationLost).count, 1)
        XCTAssertEqual(run.events(.destinationReached).count, 1)
        XCTAssertGreaterThan(run.snapshot.statistics.hops[1]?.sendFailures ?? 0, 0)
        XCTAssertEqual(run.events(.routeChange), [])
    }

    func testResetClearsStatisticsButNotTheRoundCount() async {
        let prober = ScriptedPath { round, _ in Script.path(length: 5, round: round) }
        var options = MonitorOptions()
        options.interval = .milliseconds(5)
        let monitor = Monitor(prober: prober, options: options)
        for _ in 0..<10 { await monitor.performRound() }
        var snapshot = await monitor.snapshot
        XCTAssertEqual(snapshot.statistics.hops[1]?.sent, 10)
        await monitor.reset()
        snapshot = await monitor.snapshot
        XCTAssertEqual(snapshot.rounds, 10)
        XCTAssertEqual(snapshot.statistics.rounds, 0)
        XCTAssertTrue(snapshot.statistics.hops.isEmpty)
        await monitor.performRound()
        snapshot = await monitor.snapshot
        XCTAssertEqual(snapshot.statistics.hops[1]?.sent, 1)
        XCTAssertEqual(snapshot.lastRound?.index, 10)
        XCTAssertEqual(snapshot.path.count, 5, "the established path stays")
    }

    func testRunsUntilCancelledAndFinishesItsStreams() async throws {
        let prober = ScriptedPath { round, _ in Script.path(length: 4, round: round) }
        var options = MonitorOptions()
        options.interval = .milliseconds(10)
        let monitor = Monitor(prober: prober, options: options)
        let task = Task { await monitor.run() }
        var seen = 0
        for await snapshot in monitor.snapshots {
            seen = snapshot.rounds
            if seen >= 5 { task.cancel() }
        }
        await task.value
        XCTAssertGreaterThanOrEqual(seen, 5)
        let final = await monitor.snapshot.rounds
        XCTAssertLessThanOrEqual(final, seen + 1)
        var events = 0
        for await _ in monitor.events { events += 1 }
        XCTAssertEqual(events, 0)
    }

    func testSeveralMonitorsRunSideBySide() async {
        let targets = (1...3).map { TraceTarget(name: "t\($0).example", address: IPAddress("203.0.113.\($0)")!) }
        let monitors = targets.map { target in
            let prober = ScriptedPath(target: target) { round, _ in
                var path = Script.path(length: 4, round: round)
                path[3].address = target.address
                return path
            }
            var options = MonitorOptions()
            options.interval = .milliseconds(10)
            options.rounds = 15
            return Monitor(prober: prober, options: options)
        }
        await withTaskGroup(of: Void.self) { group in
            for monitor in monitors { group.addTask { await monitor.run() } }
        }
        for (monitor, target) in zip(monitors, targets) {
            let snapshot = await monitor.snapshot
            XCTAssertEqual(snapshot.rounds, 15)
            XCTAssertEqual(snapshot.meta.target, target)
            XCTAssertEqual(snapshot.path.last, [target.address])
        }
    }

    /// The name now resolves to another address: a new prober from the factory, and the path learned afresh.
    func testReResolutionSwitchesToTheNewAddress() async {
        let oldTarget = TraceTarget(name: "moving.example", address: Script.destination)
        let newAddress = IPAddress("203.0.113.77")!
        let prober = ScriptedPath(target: oldTarget) { round, _ in Script.path(length: 5, round: round) }
        let made = ProbeLog()
        let makeProber: @Sendable (TraceTarget) throws -> any PathProber = { target in
            made.add(plan: RoundPlan(ttls: 1...1), began: ContinuousClock().now, ended: ContinuousClock().now)
            return ScriptedPath(target: target) { round, _ in
                var path = Script.path(length: 6, round: round)
                path[5].address = target.address
                return path
            }
        }
        var options = MonitorOptions()
        options.interval = .milliseconds(10)
        options.rounds = 30
        options.resolveEvery = .milliseconds(50)
        let monitor = Monitor(prober: prober, options: options, resolve: { newAddress }, makeProber: makeProber)
        await monitor.run()
        let snapshot = await monitor.snapshot
        XCTAssertEqual(made.entries.count, 1, "one switch; the same answer again changes nothing")
        XCTAssertEqual(snapshot.meta.target.address, newAddress)
        XCTAssertEqual(snapshot.meta.target.name, "moving.example")
        XCTAssertEqual(snapshot.path.last, [newAddress])
        XCTAssertEqual(snapshot.statistics.destinationTTL, 6)
        let switched = snapshot.ledger.events.filter { $0.message.contains("now resolves to 203.0.113.77") }
        XCTAssertEqual(switched.count, 1)
    }

    func testSnapshotStreamKeepsOnlyTheNewestForASlowReader() async {
        let prober = ScriptedPath { round, _ in Script.path(length: 4, round: round) }
        var options = MonitorOptions()
        options.interval = .milliseconds(5)
        options.rounds = 10
        let monitor = Monitor(prober: prober, options: options)
        await monitor.run()
        var buffered: [Int] = []
        for await snapshot in monitor.snapshots { buffered.append(snapshot.rounds) }
        XCTAssertEqual(buffered, [10])
    }

    func testOptionProblemsNameTheOption() {
        var options = MonitorOptions()
        XCTAssertNil(options.problem)
        options.lossCount = 11
        XCTAssertEqual(options.problem, "loss rule must be X/Y with 1 ≤ X ≤ Y")
        options = MonitorOptions()
        options.interval = .zero
        XCTAssertEqual(options.problem, "interval must be above 0")
    }
}
