import XCTest
import TracemapModel
@testable import TracemapMonitor

final class SpikeTests: XCTestCase {
    /// Hops 5–8 (the destination) gain 50 ms in rounds 40–54: one spike for hop 5, naming the range, then a
    /// recovery.
    func testSpikeOnTheLastHopsIsReportedWithinThreeRoundsAndRecovers() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 8, round: round, jitter: 1)
            if (40..<55).contains(round) { for ttl in 5...8 { path[ttl - 1].rtt += 50 } }
            return path
        }
        let run = await runMonitor(prober, rounds: 70)
        let spikes = run.events(.rttSpike)
        XCTAssertEqual(spikes.count, 1, "one event, not one per hop: \(spikes.map(\.message))")
        guard let spike = spikes.first else { return }
        XCTAssertLessThanOrEqual(spike.round, 42, "within three rounds of the start")
        XCTAssertEqual(spike.ttl, 5, "where it starts")
        XCTAssertEqual(spike.severity, .warning)
        XCTAssertTrue(spike.message.contains("hops 5–8"), spike.message)
        XCTAssertEqual(spike.baselineRTT ?? 0, 10.5, accuracy: 0.6, "hop 5's baseline: 10 ms + jitter")
        XCTAssertEqual(spike.currentRTT ?? 0, 60.5, accuracy: 0.6)

        let recoveries = run.events(.rttRecovery)
        XCTAssertEqual(recoveries.count, 1)
        guard let recovery = recoveries.first else { return }
        XCTAssertGreaterThanOrEqual(recovery.round, 55)
        XCTAssertLessThanOrEqual(recovery.round, 58)
        XCTAssertEqual(recovery.ttl, 5)
        XCTAssertEqual(recovery.severity, .info)
        XCTAssertEqual(recovery.baselineRTT ?? 0, 16.5, accuracy: 0.6,
                       "the destination's baseline still excludes the spike")
        XCTAssertEqual(run.alerts.map(\.kind), [.rttSpike])
    }

    /// A spike at one intermediate hop that the hops behind it do not share is a router slow to answer.
    func testSpikeAtOneIntermediateHopOnlyRaisesNothing() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 8, round: round, jitter: 1)
            if round >= 30 { path[3].rtt += 80 }
            return path
        }
        let run = await runMonitor(prober, rounds: 50)
        XCTAssertEqual(run.events, [])
    }

    /// A lasting rise stays one spike: the baseline is frozen and never learns the spike as normal.
    func testLongSpikeStaysOneEventWithFrozenBaseline() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 5, round: round, jitter: 1)
            if round >= 30 { path[4].rtt += 30 }
            return path
        }
        let run = await runMonitor(prober, rounds: 150) { $0.baselineRounds = 20 }
        XCTAssertEqual(run.events.map(\.kind), [.rttSpike])
        XCTAssertEqual(run.snapshot.alerts.map(\.kind), [.rttSpike])
        XCTAssertEqual(run.snapshot.activeAlerts, 1)
    }

    /// Single slow replies (one round in ten, +100 ms) never move a median of three.
    func testIsolatedSlowRepliesAreNoSpike() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 6, round: round, jitter: 1)
            if round % 10 == 7 { path[5].rtt += 100 }
            return path
        }
        let run = await runMonitor(prober, rounds: 80)
        XCTAssertEqual(run.events(.rttSpike), [])
    }
}
