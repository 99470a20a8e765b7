import XCTest
import TracemapModel
@testable import TracemapMonitor

final class LossTests: XCTestCase {
    /// The destination drops every other probe in rounds 30–59.
    func testLossAtTheDestinationRaisesALossAlertAndItsRecovery() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 6, round: round)
            if (30..<60).contains(round), round % 2 == 1 { path[5].answers = false }
            return path
        }
        let run = await runMonitor(prober, rounds: 80)
        let losses = run.events(.loss)
        XCTAssertEqual(losses.count, 1)
        guard let loss = losses.first else { return }
        XCTAssertEqual(loss.round, 35, "rounds 31, 33 and 35 lost: 3 of the last 10")
        XCTAssertEqual(loss.ttl, 6, "at the destination only")
        XCTAssertEqual(loss.severity, .warning)
        XCTAssertEqual(loss.lossPercent ?? 0, 30, accuracy: 0.01)
        let recoveries = run.events(.lossRecovery)
        XCTAssertEqual(recoveries.count, 1)
        XCTAssertEqual(recoveries.first?.round, 77, "at most 1 of the last 20 lost: rounds 58–77")
        XCTAssertEqual(run.events(.rateLimited), [])
        XCTAssertEqual(run.events(.destinationLost), [])
        XCTAssertEqual(run.alerts.map(\.kind), [.loss])
    }

    /// A lossy link before hop 4: hop 4 and every hop behind it lose the same probes.
    func testLossAtAHopAndEveryHopBehindItIsReportedWhereItStarts() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 7, round: round)
            if round >= 20, Script.noise(round, 0, 7) < 0.5 { for ttl in 4...7 { path[ttl - 1].answers = false } }
            return path
        }
        let run = await runMonitor(prober, rounds: 50)
        let losses = run.events(.loss)
        XCTAssertEqual(losses.count, 1)
        XCTAssertEqual(losses.first?.ttl, 4)
        XCTAssertTrue(losses.first?.message.contains("hops 4–7") ?? false, losses.first?.message ?? "")
        XCTAssertEqual(run.events(.rateLimited), [])
    }

    /// Hop 3 answers one probe in three (ICMP rate limiting); the hops behind it answer every probe.
    func testLossAtOneIntermediateHopOnlyIsARateLimitNoteNotAnAlert() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 6, round: round)
            path[2].answers = round % 3 == 0
            return path
        }
        let run = await runMonitor(prober, rounds: 60)
        XCTAssertEqual(run.alerts, [])
        let notes = run.events(.rateLimited)
        XCTAssertEqual(notes.count, 1, "at most one note per hop")
        XCTAssertEqual(notes.first?.ttl, 3)
        XCTAssertEqual(notes.first?.severity, .info)
        XCTAssertTrue(notes.first?.message.contains("198.51.100.3") ?? false, notes.first?.message ?? "")
    }

    /// A hop that never answers is silent: no loss, no note.
    func testSilentHopIsNotLoss() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 6, round: round)
            path[1].answers = false
            return path
        }
        let run = await runMonitor(prober, rounds: 40)
        XCTAssertEqual(run.events, [])
        let hop = run.snapshot.statistics.hops[2]
        XCTAssertEqual(hop?.isSilent, true)
    }
}
