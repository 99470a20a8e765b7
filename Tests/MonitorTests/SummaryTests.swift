import Foundation
import XCTest
import TracemapModel
@testable import TracemapMonitor

final class SummaryTests: XCTestCase {
    func testSummaryJSONHasStableKeysAndHandComputedValues() async throws {
        // Hop 2 alternates 4 ms and 6 ms; hop 3 (the destination) loses every fourth round.
        let prober = ScriptedPath { round, _ in
            var path = Script.path(length: 3, round: round, jitter: 0)
            path[1].rtt = round % 2 == 0 ? 4 : 6
            path[2].answers = round % 4 != 3
            return path
        }
        let run = await runMonitor(prober, rounds: 8, interval: .milliseconds(5))
        let summary = MonitorSummary(run.snapshot, final: true, time: Date(timeIntervalSince1970: 5))
        let line = try TracemapJSON.line(summary)
        XCTAssertTrue(line.hasPrefix("{\"active_alerts\":[],"), line)
        XCTAssertTrue(line.contains("\"type\":\"summary\""))
        XCTAssertTrue(line.contains("\"final\":true"))

        XCTAssertEqual(summary.rounds, 8)
        XCTAssertEqual(summary.hops.map(\.ttl), [1, 2, 3])
        let hop2 = summary.hops[1]
        XCTAssertEqual(hop2.figures.mean, 5)
        // Sample σ of four 4s and four 6s: √(8 · 1 / 7).
        XCTAssertEqual(hop2.figures.standardDeviation ?? 0, (8.0 / 7).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(hop2.figures.median, 5)
        XCTAssertEqual(hop2.figures.p95, 6)
        XCTAssertEqual(hop2.figures.meanJitter, 2)
        XCTAssertEqual(summary.hops[2].figures.lossPercent, 25)
        XCTAssertEqual(summary.hops[2].responders.first?.sharePercent, 100)

        let decoded = try TracemapJSON.decoder().decode(MonitorSummary.self, from: Data(line.utf8))
        XCTAssertEqual(decoded.hops.count, 3)
        XCTAssertEqual(decoded.target, summary.target)
    }
}
