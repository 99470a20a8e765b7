import Foundation
import XCTest
import TracemapModel
import TracemapStats
@testable import TracemapReport

final class RendererTests: XCTestCase {
    private let target = TraceTarget(name: "example", address: IPAddress("203.0.113.10")!)

    /// TTL 1 answers twice, TTL 2 is an ECMP hop (two routers, 2:1), TTL 3 is silent, TTL 4 the destination.
    private func statistics() -> (PathStatistics, Round) {
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        func probe(_ ttl: Int, _ from: String?, _ rtt: Double, flow: Int = 0) -> ProbeRecord {
            ProbeRecord(ttl: ttl, flow: flow, sequence: 0, sentAt: start,
                        outcome: from.map { .reply(ProbeReply(responder: IPAddress($0)!, rtt: rtt,
                                                              kind: ttl == 4 ? .echoReply : .timeExceeded)) }
                            ?? .timeout)
        }
        let round = Round(index: 0, startedAt: start, endedAt: start, probes: [
            probe(1, "192.0.2.1", 1.0), probe(1, "192.0.2.1", 3.0), probe(1, nil, 0),
            probe(2, "198.51.100.1", 10), probe(2, "198.51.100.1", 12), probe(2, "198.51.100.2", 20, flow: 1),
            probe(3, nil, 0), probe(3, nil, 0), probe(3, nil, 0),
            probe(4, "203.0.113.10", 42), probe(4, "203.0.113.10", 44), probe(4, "203.0.113.10", 46),
        ])
        var statistics = PathStatistics(windowRounds: 10)
        statistics.record(round)
        return (statistics, round)
    }

    private var meta: TraceMeta {
        TraceMeta(target: target, source: IPAddress("192.0.2.100"), method: .raw, options: ProbeOptions(),
                  startedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    func testColumnsFormatLikeMtr() {
        let (statistics, _) = statistics()
        let hop1 = StatsView.cumulative(statistics.hops[1]!)
        let cells = HopField.columns("LSNABWV")!.map { $0.cell(hop1).trimmingCharacters(in: .whitespaces) }
        // Loss 1 of 3; last 3.0; mean 2.0; best 1.0; worst 3.0; sample σ of {1, 3} = 1.414.
        XCTAssertEqual(cells, ["33.3%", "3", "3.00", "2.00", "1.00", "3.00", "1.41"])
        XCTAssertNil(HopField.columns("LZ"), "unknown letters are refused")
    }

    func testTableShowsEcmpSharesAndSilentHops() {
        let (statistics, _) = statistics()
        let table = TraceRenderer.table(meta: meta, statistics: statistics,
                                        columns: HopField.columns("LS")!, naming: .init())
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "tracemap to example (203.0.113.10) from 192.0.2.100, ICMP via raw")
        XCTAssertTrue(lines.contains { $0.hasPrefix("2.") && $0.contains("198.51.100.1 [67%]") }, table)
        XCTAssertTrue(lines.contains { $0.hasPrefix("  ") && $0.contains("198.51.100.2 [33%]") }, table)
        let silent = lines.first { $0.hasPrefix("3.") } ?? ""
        XCTAssertTrue(silent.contains("(silent)") && silent.hasSuffix("3"), table)
        XCTAssertFalse(silent.contains("%"), "a silent hop is not shown as 100% loss")
        XCTAssertFalse(table.contains("destination not reached"))
    }

    func testCSVKeepsLossOnTheHopNotOnABranch() {
        let (statistics, _) = statistics()
        let csv = TraceRenderer.csv(meta: meta, statistics: statistics, columns: HopField.columns("LSA")!,
                                    naming: .init())
        let rows = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(rows[0], "target,ttl,address,hostname,share_pct,loss_pct,sent,avg_ms,protocol,method")
        // Counts are integers; the probe method is on every row.
        XCTAssertTrue(rows.contains("example,2,198.51.100.2,,33.3,0.000,3,20.000,icmp,raw"), csv)
        XCTAssertTrue(rows.contains("example,3,,,,100.000,3,,icmp,raw"), csv)
    }

    func testJSONDocumentRoundTripsEveryProbe() throws {
        let (statistics, round) = statistics()
        let document = TraceDocument(meta: meta, statistics: statistics, probes: round.probes, info: [:])
        let text = try TraceRenderer.json(document)
        let decoded = try TracemapJSON.decoder().decode(TraceDocument.self, from: Data(text.utf8))
        XCTAssertEqual(decoded.probes, round.probes)
        XCTAssertEqual(decoded.meta.schemaVersion, 2)
        XCTAssertEqual(decoded.hops.map(\.silent), [false, false, true, false])
        XCTAssertEqual(decoded.hops[1].responders.map(\.replies), [2, 1])
        XCTAssertTrue(decoded.reached)
    }

    func testRawIsOneParsableLinePerProbe() {
        let (_, round) = statistics()
        let lines = TraceRenderer.raw(target: target, probes: round.probes).split(separator: "\n")
        XCTAssertEqual(lines.count, round.probes.count)
        XCTAssertTrue(lines[0].hasPrefix("probe 203.0.113.10 ttl=1 flow=0 seq=0 sent=1700000000.000000 reply "
                                         + "from=192.0.2.1 rtt=1.000 kind=time-exceeded"), String(lines[0]))
        XCTAssertTrue(lines[2].hasSuffix(" timeout"))
    }

    func testFixedPointFormatting() {
        XCTAssertEqual(1.005.formatted(decimals: 1), "1.0")
        XCTAssertEqual(0.05.formatted(decimals: 1), "0.1")
        XCTAssertEqual(12.0.formatted(decimals: 2), "12.00")
        XCTAssertEqual((-3.25).formatted(decimals: 1), "-3.3")
        XCTAssertEqual(Double.nan.formatted(decimals: 1), "-")
    }
}

final class TimeTextTests: XCTestCase {
    /// The same text `DateFormatter` with "yyyy-MM-dd HH:mm:ss" gives, in the process's time zone.
    func testLocalTimeMatchesTheFormatter() {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        for seconds in [0.0, 1_700_000_000.4, 1_790_000_123.999, 951_782_400] {
            let date = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(TimeText.local(date), formatter.string(from: date), "\(seconds)")
        }
    }
}
