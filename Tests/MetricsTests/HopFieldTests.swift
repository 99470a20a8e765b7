import Foundation
import TracemapMetrics
import TracemapModel
import TracemapMonitor
import TracemapReport
import TracemapStats
import XCTest

/// One hop field table for every output: each field of `HopField.all` reaches the CSV header, `trace --json`
/// hops and responders, `watch --json` summary hops and responders, the README's table and, when it declares a
/// metric, the Prometheus exposition. Adding a field to the table is the one edit; this fails until every
/// output carries it. (Here because this test target is the one that sees every consumer: Metrics reads Monitor.)
final class HopFieldTests: XCTestCase {
    private let target = TraceTarget(name: "example.test", address: IPAddress("203.0.113.10")!)

    /// Four rounds over two routers and the destination, RTTs that vary (so every jitter exists), hop 2
    /// losing round 1.
    private func statistics() -> (PathStatistics, [Round]) {
        var statistics = PathStatistics(windowRounds: 10)
        var rounds: [Round] = []
        for index in 0..<4 {
            let probes = (1...3).map { ttl -> ProbeRecord in
                let address = ttl == 3 ? target.address : IPAddress("198.51.100.\(ttl)")!
                let outcome: ProbeOutcome = ttl == 2 && index == 1 ? .timeout
                    : .reply(ProbeReply(responder: address, rtt: Double(ttl * 10 + index * index),
                                        kind: ttl == 3 ? .echoReply : .timeExceeded))
                return ProbeRecord(ttl: ttl, flow: 0, sequence: UInt16(index * 3 + ttl),
                                   sentAt: Date(timeIntervalSince1970: Double(index)), outcome: outcome)
            }
            let round = Round(index: index, startedAt: Date(timeIntervalSince1970: Double(index)),
                              endedAt: Date(timeIntervalSince1970: Double(index) + 0.5), probes: probes)
            statistics.record(round)
            rounds.append(round)
        }
        return (statistics, rounds)
    }

    private var meta: TraceMeta {
        TraceMeta(target: target, source: IPAddress("192.0.2.1"), method: .raw, options: ProbeOptions(),
                  startedAt: Date(timeIntervalSince1970: 0))
    }

    private func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    private func object(_ json: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    func testTheTableIsWellFormed() {
        XCTAssertEqual(Set(HopField.all.map(\.letter)).count, HopField.all.count, "letters are unique")
        XCTAssertEqual(Set(HopField.all.map(\.key)).count, HopField.all.count, "keys are unique")
        let every = String(HopField.all.map(\.letter))
        XCTAssertEqual(HopField.columns(every)?.map(\.key), HopField.all.map(\.key), "every field has a letter for -o")
        for field in HopField.all {
            XCTAssertFalse(field.doc.isEmpty, field.key)
            XCTAssertLessThanOrEqual(field.title.count, field.width, "\(field.key)'s title fits its column")
            XCTAssertEqual(field.unit == .milliseconds, field.key.hasSuffix("_ms"), "\(field.key) says its unit")
        }
    }

    /// The snapshot of a monitor that saw `rounds`: its ledger fed as a recording replays.
    private func snapshot(_ rounds: [Round]) -> MonitorSnapshot {
        var ledger = PathLedger(options: MonitorOptions())
        for round in rounds { ledger.replay(round) }
        return MonitorSnapshot(meta: meta, ledger: ledger)
    }

    func testEveryFieldReachesEveryOutput() throws {
        let (statistics, rounds) = statistics()
        let all = HopField.all

        // CSV (`trace --csv`, `export --format csv`): one header column per field, in the table's order.
        let csv = TraceRenderer.csv(meta: meta, statistics: statistics, columns: all, naming: .init())
        let header = try XCTUnwrap(csv.split(separator: "\n").first).split(separator: ",").map(String.init)
        XCTAssertEqual(Array(header[5..<(5 + all.count)]), all.map(\.key))

        // `trace --json`: every hop carries every field, every responder every field but the hop's own.
        let document = TraceDocument(meta: meta, statistics: statistics, probes: rounds.flatMap(\.probes), info: [:])
        let trace = try object(TraceRenderer.json(document))
        let traceHops = try XCTUnwrap(trace["hops"] as? [[String: Any]])
        XCTAssertEqual(traceHops.count, 3)
        // `watch --json`: the summary's hops and responders, the same keys.
        let snapshot = snapshot(rounds)
        let summary = try object(TracemapJSON.line(MonitorSummary(snapshot, time: Date(timeIntervalSince1970: 9))))
        let summaryHops = try XCTUnwrap(summary["hops"] as? [[String: Any]])
        XCTAssertEqual(summaryHops.count, 3)

        for (output, hops) in [("trace --json", traceHops), ("watch --json", summaryHops)] {
            for hop in hops {
                let responders = try XCTUnwrap(hop["responders"] as? [[String: Any]])
                XCTAssertEqual(responders.count, 1)
                for field in all {
                    XCTAssertNotNil(number(hop[field.key]), "\(output) hop \(hop["ttl"] ?? "?") has \(field.key)")
                    XCTAssertEqual(number(responders[0][field.key]) == nil, field.ofHop,
                                   "\(output) responder of hop \(hop["ttl"] ?? "?"): \(field.key)")
                }
            }
        }
        // Both JSON outputs say the same numbers under the same keys.
        for field in all {
            XCTAssertEqual(number(traceHops[1][field.key]), number(summaryHops[1][field.key]), field.key)
        }

        // Read back, a hop's figures are the ones written.
        let decoded = try TracemapJSON.decoder().decode(TraceDocument.self, from: Data(TraceRenderer.json(document).utf8))
        let hop2 = try XCTUnwrap(statistics.hops[2])
        XCTAssertEqual(decoded.hops[1].figures, StatsView.cumulative(hop2))
        XCTAssertEqual(decoded.hops[1].responders[0].figures,
                       StatsView.responder(try XCTUnwrap(hop2.responders.values.first), windowed: false))
    }

    func testEveryFieldWithAMetricIsExported() {
        let (statistics, rounds) = statistics()
        let exporter = MetricsExporter(version: "0")
        exporter.target(named: "example.test").update(
            snapshot(rounds))
        let text = String(decoding: exporter.exposition(), as: UTF8.self)
        let hop2 = StatsView.cumulative(statistics.hops[2]!)
        let withMetric = HopField.all.filter { $0.metric != nil }
        XCTAssertEqual(Set(withMetric.map(\.key)),
                       ["sent", "received", "late", "loss_pct", "last_ms", "best_ms", "avg_ms", "worst_ms", "stdev_ms"])
        for field in withMetric {
            let metric = field.metric!
            XCTAssertTrue(MetricFamily.all.contains { $0.name == metric.name }, metric.name)
            let line = text.split(separator: "\n").first { $0.hasPrefix(metric.name + #"{target="example.test",ttl="2"}"#) }
            let value = line.flatMap { Double($0.split(separator: " ").last ?? "") }
            XCTAssertEqual(value ?? -1, (field.value(hop2) ?? 0) * metric.scale, accuracy: 1e-9, metric.name)
        }
    }

    /// README documents the hop schema once: a row per field with its key, letter, title and unit.
    func testTheREADMETableListsEveryField() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try XCTUnwrap(text.range(of: "### Hop fields")).upperBound
        let rows = text[section...].split(separator: "\n").drop { !$0.hasPrefix("| key") }.dropFirst(2)
            .prefix { $0.hasPrefix("|") }
        for field in HopField.all {
            let row = "| `\(field.key)` | \(field.letter) | \(field.title) | \(field.unit.rawValue) | "
            XCTAssertTrue(rows.contains { $0.hasPrefix(row) }, "README's hop fields lack \(row)")
        }
        XCTAssertEqual(rows.count, HopField.all.count, "no row for a field that is gone")
    }
}
