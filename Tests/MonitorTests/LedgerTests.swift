import Foundation
import TracemapModel
import TracemapStats
import XCTest
@testable import TracemapMonitor

/// The one per-hop ledger: what a live monitor shows is what its recording replays to, the destination's TTL
/// is one fact, and events carry numbers a reader can resume from.
final class LedgerTests: ScratchDirectoryTestCase {
    /// A path that detours at hop 3 for a while and whose destination goes dark between rounds 30 and 40.
    private static func eventfulPath() -> ScriptedPath {
        ScriptedPath { round, _ in
            var path = Script.path(length: 5, round: round)
            if (12..<24).contains(round) { path[2].address = Script.detour(3) }
            if (30..<40).contains(round) { path[4].answers = false }
            return path
        }
    }

    /// A replay shows what the live screen showed: the same rows, counts, destination and open alerts, because
    /// both run the rounds through the same ledger.
    func testARecordingReplaysToTheLedgerTheLiveMonitorHad() async throws {
        let path = directory.appendingPathComponent("watch.jsonl").path
        let writer = try RecordingWriter(path: path)
        let run = await runMonitor(Self.eventfulPath(), rounds: 36, interval: .milliseconds(5), recording: writer)
        writer.close()
        XCTAssertFalse(run.events(.routeChange).isEmpty)
        XCTAssertEqual(run.events(.destinationLost).count, 1)

        var replayed = PathLedger(options: MonitorOptions())
        for line in try RecordingReader(path: path).readAll().lines {
            switch line {
            case .header: break
            case .round(let round): replayed.replay(round)
            case .event(let event): replayed.append(event)
            }
        }
        let live = run.snapshot.ledger
        XCTAssertEqual(replayed.rounds, live.rounds)
        XCTAssertEqual(replayed.destinationTTL, live.destinationTTL)
        XCTAssertEqual(replayed.path, live.path)
        XCTAssertEqual(replayed.destinationLost, live.destinationLost)
        XCTAssertEqual(replayed.alerts.map(\.kind), live.alerts.map(\.kind))
        XCTAssertEqual(replayed.eventSequence, live.eventSequence)
        XCTAssertEqual(replayed.statistics.orderedHops.map(\.ttl), live.statistics.orderedHops.map(\.ttl))
        XCTAssertEqual(replayed.statistics.orderedHops.map(\.sent), live.statistics.orderedHops.map(\.sent))
        XCTAssertEqual(replayed.statistics.orderedHops.map(\.received), live.statistics.orderedHops.map(\.received))
        XCTAssertEqual(replayed.conditions(rolling: false), live.conditions(rolling: false))
    }

    /// The destination's probe lost and the next TTL's through looks like a path one hop longer. The rows, the
    /// loss rule and the route rule all read the ledger's one destination TTL, so no row appears past it.
    func testRowsEndAtTheOneDestinationTTLWhenTheDestinationsProbeIsLost() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 5, round: round)
            if round % 4 == 3 { path[4].answers = false }
            return path
        }
        let run = await runMonitor(prober, rounds: 16)
        let ledger = run.snapshot.ledger
        XCTAssertEqual(ledger.destinationTTL, 5)
        XCTAssertEqual(ledger.statistics.destinationTTL, ledger.destinationTTL)
        XCTAssertEqual(ledger.statistics.orderedHops.map(\.ttl), [1, 2, 3, 4, 5], "no row 6 for a lost probe")
        XCTAssertEqual(ledger.statistics.hops[5]?.lost, 4, "the destination's lost probes count as its loss")
        XCTAssertEqual(ledger.path.count, 5)
        XCTAssertEqual(run.events(.routeChange), [])
    }

    /// Every event has a number; a reader that saw up to n takes exactly the ones after n, even when the log
    /// has dropped older ones.
    func testEventNumbersTellAReaderWhatIsNew() {
        var log = EventLog(capacity: 3)
        func event(_ round: Int, _ kind: MonitorEvent.Kind, ttl: Int? = 4) -> MonitorEvent {
            MonitorEvent(time: Date(), round: round, target: "t", kind: kind,
                         severity: kind == .rttRecovery ? .info : .warning, ttl: ttl, message: "\(round)")
        }
        log.append(event(1, .routeChange))
        log.append(event(2, .rttSpike))
        XCTAssertEqual(log.events(after: 1).map(\.round), [2])
        log.append(event(3, .routeChange))
        log.append(event(4, .rttRecovery))
        log.append(event(5, .routeChange))
        XCTAssertEqual(log.total, 5)
        XCTAssertEqual(log.events(after: 3).map(\.round), [4, 5])
        XCTAssertEqual(log.events(after: 0).map(\.round), [3, 4, 5], "the oldest two are gone from the log")
        XCTAssertEqual(log.events(after: 5).count, 0)
        XCTAssertEqual(log.open, [], "the spike closed with its recovery, route changes never stay open")
    }

    /// The TUI's `r`: statistics and the alerts judged on them go; the path, the round count and the log stay.
    func testResetClearsStatisticsAndTheAlertsJudgedOnThem() async {
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 4, round: round)
            if round >= 10 { path[3].answers = round % 2 == 0 }
            return path
        }
        var ledger = await runMonitor(prober, rounds: 30).snapshot.ledger
        XCTAssertEqual(ledger.alerts.map(\.kind), [.loss])
        let events = ledger.eventSequence
        ledger.resetStatistics()
        XCTAssertEqual(ledger.alerts, [])
        XCTAssertEqual(ledger.statistics.orderedHops, [])
        XCTAssertEqual(ledger.rounds, 30)
        XCTAssertEqual(ledger.eventSequence, events)
        XCTAssertEqual(ledger.path.count, 4)
    }
}
