import Foundation
import TracemapMetrics
import TracemapModel
import TracemapMonitor
import TracemapStats
import XCTest

/// The exposition a scrape reads, from hand-built snapshots: names, values in base units, counters that follow
/// the monitor's counts, and series that leave with their hop.
final class ExporterTests: XCTestCase {
    private let target = TraceTarget(name: "example.test", address: IPAddress("203.0.113.10")!)

    /// A round over `hops` routers (198.51.100.TTL, RTT TTL×10 ms) and the destination behind them; `silent`
    /// TTLs time out.
    private func round(_ index: Int, hops: Int, silent: Set<Int> = [], reached: Bool = true) -> Round {
        var probes: [ProbeRecord] = []
        for ttl in 1...(hops + 1) {
            let last = ttl == hops + 1
            let outcome: ProbeOutcome
            if silent.contains(ttl) || (last && !reached) {
                outcome = .timeout
            } else {
                outcome = .reply(ProbeReply(responder: last ? target.address : IPAddress("198.51.100.\(ttl)")!,
                                            rtt: Double(ttl * 10), kind: last ? .echoReply : .timeExceeded))
            }
            probes.append(ProbeRecord(ttl: ttl, flow: 0, sequence: UInt16(index * 40 + ttl),
                                      sentAt: Date(), outcome: outcome))
        }
        return Round(index: index, startedAt: Date(), endedAt: Date(), probes: probes)
    }

    /// A snapshot of a monitor that saw `rounds` and raised `events`: its ledger fed as a recording replays.
    private func snapshot(_ rounds: [Round], events: [MonitorEvent] = []) -> MonitorSnapshot {
        var options = MonitorOptions()
        options.window = 10
        var ledger = PathLedger(options: options)
        for round in rounds { ledger.replay(round) }
        for event in events { ledger.append(event) }
        let meta = TraceMeta(target: target, source: IPAddress("192.0.2.1"), method: .raw, options: ProbeOptions(),
                             startedAt: Date())
        return MonitorSnapshot(meta: meta, ledger: ledger)
    }

    /// `name{labels} value` lines, keyed by everything before the value.
    private func samples(_ exporter: MetricsExporter) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in String(decoding: exporter.exposition(), as: UTF8.self).split(separator: "\n")
        where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            result[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return result
    }

    func testAPathOfThreeHopsAndItsDestination() {
        let exporter = MetricsExporter(version: "9.9.9")
        let feed = exporter.target(named: "example.test")
        let rounds = (0..<4).map { round($0, hops: 3, silent: [2]) }
        feed.update(snapshot(rounds))
        let values = samples(exporter)

        XCTAssertEqual(values[#"tracemap_build_info{version="9.9.9"}"#], 1)
        XCTAssertEqual(values[#"tracemap_target_reachable{target="example.test"}"#], 1)
        XCTAssertEqual(values[#"tracemap_target_path_length{target="example.test"}"#], 4)
        XCTAssertEqual(values[#"tracemap_target_rounds_total{target="example.test"}"#], 4)
        XCTAssertEqual(values[#"tracemap_target_route_changes_total{target="example.test"}"#], 0)
        XCTAssertNotEqual(values[#"tracemap_target_path_id{target="example.test"}"#] ?? 0, 0)
        XCTAssertEqual(values[#"tracemap_target_info{target="example.test",address="203.0.113.10",protocol="icmp"}"#], 1)
        XCTAssertEqual(values[#"tracemap_hop_probes_sent_total{target="example.test",ttl="3"}"#], 4)
        XCTAssertEqual(values[#"tracemap_hop_probes_received_total{target="example.test",ttl="3"}"#], 4)
        XCTAssertEqual(values[#"tracemap_hop_probes_late_total{target="example.test",ttl="3"}"#], 0)
        XCTAssertEqual(values[#"tracemap_hop_rtt_mean_seconds{target="example.test",ttl="3"}"#] ?? 0, 0.03,
                       accuracy: 1e-9, "milliseconds become seconds")
        XCTAssertEqual(values[#"tracemap_hop_rtt_seconds_bucket{target="example.test",ttl="3",le="0.025"}"#], 0)
        XCTAssertEqual(values[#"tracemap_hop_rtt_seconds_bucket{target="example.test",ttl="3",le="0.05"}"#], 1,
                       "one round's replies: the histogram records the newest round of each snapshot")
        XCTAssertEqual(values[#"tracemap_hop_responder_info{target="example.test",ttl="3",responder="198.51.100.3"}"#], 1)
        // The silent hop: counted, fully lost, and without RTT series (no RTT is not an RTT of 0).
        XCTAssertEqual(values[#"tracemap_hop_loss_ratio{target="example.test",ttl="2"}"#], 1)
        XCTAssertEqual(values[#"tracemap_hop_responders{target="example.test",ttl="2"}"#], 0)
        XCTAssertNil(values[#"tracemap_hop_rtt_last_seconds{target="example.test",ttl="2"}"#])
        for kind in ["destination-lost", "loss", "rtt-spike"] {
            XCTAssertEqual(values["tracemap_target_alerts_active{target=\"example.test\",kind=\"\(kind)\"}"], 0)
        }
    }

    func testCountersFollowTheMonitorAndEventsCountRouteChanges() {
        let exporter = MetricsExporter()
        let feed = exporter.target(named: "example.test")
        var rounds = (0..<2).map { round($0, hops: 2) }
        feed.update(snapshot(rounds))
        rounds += (2..<5).map { round($0, hops: 2) }
        let change = MonitorEvent(time: Date(), round: 4, target: "example.test", kind: .routeChange,
                                  severity: .warning, ttl: 2, message: "route changed at hop 2")
        feed.record(change)
        let spike = MonitorEvent(time: Date(), round: 4, target: "example.test", kind: .rttSpike,
                                 severity: .warning, ttl: 2, message: "spike")
        feed.record(spike)
        feed.update(snapshot(rounds, events: [spike]))
        let values = samples(exporter)
        XCTAssertEqual(values[#"tracemap_hop_probes_sent_total{target="example.test",ttl="1"}"#], 5)
        XCTAssertEqual(values[#"tracemap_target_rounds_total{target="example.test"}"#], 5)
        XCTAssertEqual(values[#"tracemap_target_route_changes_total{target="example.test"}"#], 1)
        XCTAssertEqual(values[#"tracemap_target_events_total{target="example.test",kind="route-change"}"#], 1)
        XCTAssertEqual(values[#"tracemap_target_alerts_active{target="example.test",kind="rtt-spike"}"#], 1)
        XCTAssertEqual(values[#"tracemap_hop_rtt_seconds_count{target="example.test",ttl="1"}"#], 2,
                       "two snapshots, two rounds recorded")
    }

    func testTheSeriesOfAHopThatLeftThePathAreRemoved() {
        let exporter = MetricsExporter()
        let feed = exporter.target(named: "example.test")
        feed.update(snapshot((0..<3).map { round($0, hops: 4) }))
        XCTAssertNotNil(samples(exporter)[#"tracemap_hop_probes_sent_total{target="example.test",ttl="5"}"#])
        // The destination is now 2 hops closer, confirmed by two rounds (the route-change rule): TTLs 4 and 5 leave.
        feed.update(snapshot((0..<3).map { round($0, hops: 4) } + [round(3, hops: 2), round(4, hops: 2)]))
        let text = String(decoding: exporter.exposition(), as: UTF8.self)
        XCTAssertFalse(text.contains(#"ttl="4""#), text)
        XCTAssertFalse(text.contains(#"ttl="5""#), text)
        XCTAssertTrue(text.contains(#"tracemap_hop_probes_sent_total{target="example.test",ttl="3"}"#))
    }

    func testTheDestinationLostIsNotReachable() {
        let exporter = MetricsExporter()
        let feed = exporter.target(named: "example.test")
        feed.update(snapshot((0..<3).map { round($0, hops: 2, reached: false) }))
        XCTAssertEqual(samples(exporter)[#"tracemap_target_reachable{target="example.test"}"#], 0)
        // Answered, then dark for three rounds: destination-lost.
        feed.update(snapshot((0..<6).map { round($0, hops: 2, reached: $0 < 3) }))
        XCTAssertNotNil(samples(exporter)[#"tracemap_target_path_length{target="example.test"}"#])
        XCTAssertEqual(samples(exporter)[#"tracemap_target_reachable{target="example.test"}"#], 0)
    }

    /// Hostile names stay inside their quotes; one name watched twice gets two sets of series.
    func testNamesAreEscapedAndDuplicatesKeptApart() {
        let exporter = MetricsExporter()
        let first = exporter.target(named: "evil\"} 1\nx")
        let second = exporter.target(named: "evil\"} 1\nx")
        XCTAssertNotEqual(first.label, second.label)
        first.update(snapshot([round(0, hops: 1)]))
        second.update(snapshot([round(0, hops: 1)]))
        let text = String(decoding: exporter.exposition(), as: UTF8.self)
        XCTAssertTrue(text.contains(#"tracemap_target_rounds_total{target="evil\"} 1\nx"} 1"#), text)
        XCTAssertTrue(text.contains(#"tracemap_target_rounds_total{target="evil\"} 1\nx#2"} 1"#), text)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            XCTAssertTrue(line.hasPrefix("tracemap_"), "a line broken by a name: \(line)")
        }
    }

    func testListenAddresses() {
        XCTAssertEqual(ListenAddress("9469"), ListenAddress(host: "127.0.0.1", port: 9469))
        XCTAssertEqual(ListenAddress("0.0.0.0:9469"), ListenAddress(host: "0.0.0.0", port: 9469))
        XCTAssertEqual(ListenAddress("[::1]:9469"), ListenAddress(host: "::1", port: 9469))
        XCTAssertEqual(ListenAddress("[::1]:9469")?.description, "[::1]:9469")
        for bad in ["", ":", "::1:9469", "x:", "70000", "[::1]", "[::1]9469", "1.2.3.4:-1", "9 469"] {
            XCTAssertNil(ListenAddress(bad), bad)
        }
    }
}
