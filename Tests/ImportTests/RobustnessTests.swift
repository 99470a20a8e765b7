import XCTest
@testable import TracemapImport

/// Files are hostile input: cut, corrupted or absurd ones give an error or a trace, never a trap or a hang.
final class RobustnessTests: XCTestCase {
    let names = ["real-mtr.json", "mtr-legacy.json", "trippy.json", "real-scamper.json", "atlas-two-probes.json",
                 "atlas-lines.jsonl", "globalping-traceroute.json", "globalping-mtr.json", "cloudflare.json",
                 "real-tracemap.json", "recording-events.jsonl"]

    func testTruncatedAndCorruptedFixtures() throws {
        var generator = SystemRandomNumberGenerator()
        let replacements = Array("0123456789\"{}[],:-.e ".utf8) + [0x00, 0x1b, 0xff]
        for name in names {
            let data = try Data(contentsOf: URL(fileURLWithPath: Fixture.path(name)))
            for cut in stride(from: 0, to: data.count, by: max(1, data.count / 40)) {
                _ = try? TraceImporter.parse(data.prefix(cut), name: name)
            }
            for _ in 0..<200 {
                var bytes = Array(data)
                for _ in 0..<3 {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] =
                        replacements.randomElement(using: &generator)!
                }
                if let file = try? TraceImporter.parse(Data(bytes), name: name) {
                    for trace in file.traces { _ = trace.replayLines() }
                }
            }
        }
    }

    func testAbsurdCountsStayBounded() throws {
        let cloudflare = #"{"result":[{"target":"203.0.113.10","colos":[{"colo":{"name":"X"},"hops":[{"nodes":[{"ip":"203.0.113.10","packet_count":1e14,"mean_rtt_ms":1}],"packets_sent":1e14,"packets_lost":-5,"packets_ttl":1e9}]}]}]}"#
        let trace = try XCTUnwrap(TraceImporter.parse(Data(cloudflare.utf8), name: "cf").traces.first)
        guard case .round(let round) = trace.replayLines()[1] else { return XCTFail("one round") }
        XCTAssertLessThanOrEqual(round.probes.count, 10_000)
        let scamper = #"{"type":"trace","dst":"203.0.113.10","attempts":1e12,"hop_count":4000000000,"hops":[]}"#
        let scamperTrace = try XCTUnwrap(TraceImporter.parse(Data(scamper.utf8), name: "sc").traces.first)
        XCTAssertLessThanOrEqual(scamperTrace.document.probes.count, 255 * 10_000)
    }

    func testDeepNestingIsRefusedNotOverflowed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try TraceImporter.parse(Data(deep.utf8), name: "deep"))
    }
}

final class LongRunReplayTests: XCTestCase {
    func testADayOfMTRReplaysScaledWithItsLoss() throws {
        let text = #"{"report":{"mtr":{"src":"h","dst":"203.0.113.10","tests":86400},"hubs":[{"count":1,"host":"203.0.113.10","Loss%":2.5,"Snt":86400,"Avg":1,"Best":0.5,"Wrst":9,"StDev":0.3}]}}"#
        let trace = try XCTUnwrap(TraceImporter.parse(Data(text.utf8), name: "day").traces.first)
        guard case .round(let round) = trace.replayLines()[1] else { return XCTFail("one round") }
        XCTAssertEqual(round.probes.count, 10_000)
        XCTAssertEqual(round.probes.filter { $0.reply == nil }.count, 250, "2.5 % lost, as in the file")
    }
}

final class EmptyRecordingTests: XCTestCase {
    func testARecordingWithOnlyItsHeader() throws {
        let header = try String(contentsOfFile: Fixture.path("real-recording.jsonl"), encoding: .utf8)
            .split(separator: "\n")[0]
        let trace = try XCTUnwrap(TraceImporter.parse(Data((header + "\n").utf8), name: "new").traces.first)
        XCTAssertTrue(trace.isRecording)
        XCTAssertEqual(trace.replayLines().count, 1, "a header and no round")
        XCTAssertEqual(TraceSummary(trace, format: .recording).timeline?.rounds, 0)
    }
}
