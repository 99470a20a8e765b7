import XCTest
import TracemapModel
import TracemapReport
@testable import TracemapImport

/// `stats`, `diff` and `replay` on imported traces: what they conclude.
final class OfflineAnalysisTests: XCTestCase {
    func summary(_ name: String, _ index: Int = 0) throws -> TraceSummary {
        let file = try Fixture.read(name)
        return TraceSummary(file.traces[index], format: file.format)
    }

    func testStatsOfAProbedTrace() throws {
        let stats = try summary("atlas-two-probes.json")
        XCTAssertEqual(stats.hops, 5)
        XCTAssertEqual(stats.respondingHops, 4)
        XCTAssertEqual(stats.silentHops, 1)
        XCTAssertEqual(stats.lossPercent, 0)
        let rtt = try XCTUnwrap(stats.destinationRTT)
        XCTAssertEqual(rtt.minMs, 14.02)
        XCTAssertEqual(rtt.maxMs, 15.88)
        XCTAssertEqual(rtt.meanMs, (14.21 + 14.02 + 15.88) / 3, accuracy: 1e-9)
        XCTAssertEqual(rtt.p95Ms, 15.88, "nearest rank of three samples")
        XCTAssertNil(stats.timeline)
    }

    func testStatsOfASummaryFile() throws {
        let stats = try summary("cloudflare.json")
        XCTAssertEqual(stats.asnPath, [13335, 64500, 64501])
        XCTAssertEqual(try XCTUnwrap(stats.destinationRTT?.meanMs), 7.9, accuracy: 1e-9)
        XCTAssertNil(stats.destinationRTT?.p95Ms, "no percentile from a summary")
        XCTAssertEqual(stats.vantage?.id, "FRA")
    }

    func testStatsTimelineOfARecording() throws {
        let stats = try summary("recording-events.jsonl")
        let timeline = try XCTUnwrap(stats.timeline)
        XCTAssertEqual(timeline.rounds, 10)
        XCTAssertEqual(timeline.availabilityPercent, 80, "two of ten rounds without the destination")
        XCTAssertEqual(timeline.eventsByKind["rtt-spike"], 1)
        XCTAssertEqual(timeline.eventsByKind["route-change"], 1)
        XCTAssertEqual(timeline.alerts.map(\.kind), [.destinationLost, .rttSpike, .routeChange])
        XCTAssertEqual(timeline.alerts[0].seconds, 1, accuracy: 1e-6, "lost after round 3, back after round 4")
        XCTAssertEqual(timeline.alerts[1].seconds, 3, accuracy: 1e-6)
        XCTAssertFalse(timeline.alerts[1].open)
        XCTAssertEqual(stats.lossPercent, 20)
    }

    func testAnAlertWithoutRecoveryIsOpenUntilTheEnd() throws {
        var trace = try XCTUnwrap(Fixture.read("recording-events.jsonl").traces.first)
        trace.events.removeAll { $0.event.kind == .rttRecovery }
        let alert = try XCTUnwrap(TraceSummary(trace, format: .recording).timeline?.alerts[1])
        XCTAssertTrue(alert.open)
        XCTAssertEqual(alert.seconds, 1764440009.2 - 1764440006.3, accuracy: 1e-6)
    }

    func testDetourHook() throws {
        let trace = try XCTUnwrap(Fixture.read("atlas-two-probes.json").traces.first)
        let stats = TraceSummary(trace, format: .atlas) { document in ["hop 3→4 spans \(document.hops.count) km"] }
        XCTAssertEqual(stats.detours, ["hop 3→4 spans 5 km"])
    }

    func testCrossFormatDiffOfTheSamePath() throws {
        let mtr = try XCTUnwrap(Fixture.read("real-mtr.json").traces.first)
        let tracemap = try XCTUnwrap(Fixture.read("real-tracemap.json").traces.first)
        let diff = TraceDiff(mtr, tracemap)
        XCTAssertTrue(diff.isSame, "\(diff.differences)")
        XCTAssertEqual(diff.hops.map(\.status), [.same, .silent, .same])
        let scamper = try XCTUnwrap(Fixture.read("real-scamper.json").traces.first)
        XCTAssertTrue(TraceDiff(scamper, mtr).isSame)
    }

    func testECMPAndSilenceAreNoChange() throws {
        let legacy = try XCTUnwrap(Fixture.read("mtr-legacy.json").traces.first)
        let trippy = try XCTUnwrap(Fixture.read("trippy.json").traces.first)
        let diff = TraceDiff(legacy, trippy)
        XCTAssertTrue(diff.isSame, "\(diff.differences)")
        XCTAssertEqual(diff.hops[2].status, .same, "198.51.100.1 is in the ECMP set on the other side")
    }

    func testRouteLengthAndRTTChanges() throws {
        let tracemap = try XCTUnwrap(Fixture.read("real-tracemap.json").traces.first)
        let atlas = try XCTUnwrap(Fixture.read("atlas-two-probes.json").traces.first)
        let diff = TraceDiff(tracemap, atlas)
        XCTAssertFalse(diff.isSame)
        XCTAssertEqual(diff.hops[0].status, .changed)
        XCTAssertEqual(diff.hops[3].status, .onlyB)
        XCTAssertTrue(diff.differences.contains("path length 3 → 5 hops"))
    }

    func testRTTShiftNeedsBothThresholds() throws {
        let base = try XCTUnwrap(Fixture.read("mtr-legacy.json").traces.first)
        var slower = base
        slower.document.hops[3].figures.mean = 17.0   // +4.2 ms, +33 %: under 5 ms
        XCTAssertTrue(TraceDiff(base, slower).isSame)
        slower.document.hops[3].figures.mean = 18.0   // +5.2 ms, +41 %
        XCTAssertEqual(TraceDiff(base, slower).differences, ["hop 4: RTT 12.8 → 18.0 ms"])
        var far = base
        far.document.hops[3].figures.mean = 12.8 + 6   // +6 ms but +47 % … and with 50 % asked:
        XCTAssertTrue(TraceDiff(base, far, thresholds: .init(rttMs: 5, rttPercent: 50)).isSame)
        far.document.hops[2].figures.mean = 10.52 + 2   // 19 %: not enough
        XCTAssertEqual(TraceDiff(base, far).differences, ["hop 4: RTT 12.8 → 18.8 ms"])
    }

    func testASNPathChange() throws {
        let cloudflare = try Fixture.read("cloudflare.json")
        var other = cloudflare.traces[0]
        other.document.hops[2].responders = other.document.hops[2].responders.map { responder in
            var responder = responder
            responder.info?.asn = ASNInfo(number: 64999)
            return responder
        }
        let diff = TraceDiff(cloudflare.traces[0], other)
        XCTAssertEqual(diff.differences, ["ASN path AS13335 → AS64500 → AS64501 → AS13335 → AS64999 → AS64501"])
    }

    func testReplayOfEachKind() throws {
        let recording = try XCTUnwrap(Fixture.read("recording-events.jsonl").traces.first)
        let lines = recording.replayLines()
        XCTAssertEqual(lines.count, 1 + 10 + 5)
        guard case .event(let first) = lines[5] else { return XCTFail("the first event follows round 3") }
        XCTAssertEqual(first.kind, .destinationLost)

        let atlas = try XCTUnwrap(Fixture.read("atlas-two-probes.json").traces.first)
        XCTAssertEqual(atlas.replayBasis, .probes)
        XCTAssertEqual(atlas.replayLines().count, 2, "a header and one round")

        let mtr = try XCTUnwrap(Fixture.read("mtr-legacy.json").traces.first)
        XCTAssertEqual(mtr.replayBasis, .summaries)
        guard case .round(let round) = mtr.replayLines()[1] else { return XCTFail("one round") }
        let hop3 = round.probes.filter { $0.ttl == 3 }
        XCTAssertEqual(hop3.count, 10)
        XCTAssertEqual(hop3.filter { $0.reply == nil }.count, 2, "20 % of ten lost")
        let rtts = hop3.compactMap { $0.reply?.rtt }
        XCTAssertEqual(rtts.min(), 9.8)
        XCTAssertEqual(rtts.max(), 12.0)
        XCTAssertEqual(rtts.reduce(0, +) / Double(rtts.count), 10.52, accuracy: 1e-9, "the mean is kept")
        XCTAssertEqual(round.destinationTTL, 4)
    }

    func testTraceSelection() throws {
        let file = try Fixture.read("cloudflare.json")
        XCTAssertEqual(try file.trace("2").get().label, "colo SIN → 203.0.113.10")
        XCTAssertEqual(try file.trace("colo FRA → 198.51.100.200").get().document.hops.count, 2)
        guard case .failure(let error) = file.trace(nil) else { return XCTFail("three traces need a choice") }
        XCTAssertTrue("\(error)".hasPrefix("the file holds 3 traces; choose one with --trace N (1–3)"))
    }

    func testUTCText() {
        XCTAssertEqual(TimeText.utc(Date(timeIntervalSince1970: 1764440400)), "2025-11-29 18:20:00 UTC")
        XCTAssertEqual(TimeText.utc(Date(timeIntervalSince1970: 951782400)), "2000-02-29 00:00:00 UTC")
        XCTAssertEqual(ImportSupport.isoDate("2000-02-29T00:00:00.5Z")?.timeIntervalSince1970, 951782400.5)
        XCTAssertEqual(ImportSupport.isoDate("2000-02-29T01:00:00+01:00")?.timeIntervalSince1970, 951782400)
    }
}
