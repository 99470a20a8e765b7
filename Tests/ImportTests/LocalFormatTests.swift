import XCTest
import TracemapModel
import TracemapReport
@testable import TracemapImport

/// mtr, trippy, scamper and tracemap's own files, including real output of the installed mtr and scamper
/// (scripts/make-import-fixtures.sh captured them on a namespace path: r1 answers, r2 is silent, then the target).
final class LocalFormatTests: XCTestCase {
    func testRealMTR() throws {
        let file = try Fixture.read("real-mtr.json")
        XCTAssertEqual(file.format, .mtr)
        let document = try XCTUnwrap(file.traces.first?.document)
        XCTAssertEqual(document.meta.method, .imported)
        XCTAssertEqual(document.meta.vantage?.engine, "mtr")
        XCTAssertEqual(document.meta.target.address, IPAddress("203.0.113.10"))
        XCTAssertEqual(document.meta.options.queries, 5)
        XCTAssertTrue(document.reached)
        XCTAssertEqual(document.hops.map(\.ttl), [1, 2, 3])
        XCTAssertEqual(document.hops[0].responders.first?.address, IPAddress("192.0.2.2"))
        XCTAssertTrue(document.hops[1].silent, "??? is a silent hop")
        XCTAssertTrue(document.hops[1].responders.isEmpty)
        XCTAssertEqual(document.hops[2].responders.first?.kind, .echoReply)
        XCTAssertEqual(document.hops[2].sent, 5)
    }

    func testRealMTRWithASNColumn() throws {
        let document = try XCTUnwrap(Fixture.read("real-mtr-asn.json").traces.first?.document)
        XCTAssertEqual(document.hops.count, 3)
        XCTAssertNil(document.hops[0].responders.first?.info?.asn, "AS??? is no ASN")
    }

    func testLegacyMTRStringsAndNames() throws {
        let file = try Fixture.read("mtr-legacy.json")
        XCTAssertEqual(file.format, .mtr)
        let document = try XCTUnwrap(file.traces.first?.document)
        XCTAssertEqual(document.meta.options.queries, 10, "tests is the string \"10\" before mtr 0.94")
        XCTAssertEqual(document.hops.map(\.ttl), [1, 2, 3, 4], "count is a string too")
        XCTAssertEqual(document.meta.target.address, IPAddress("203.0.113.10"), "the target found by its name")
        XCTAssertTrue(document.reached)
        XCTAssertEqual(document.hops[0].responders.first?.info?.hostname, "gw.example")
        XCTAssertEqual(document.hops[2].lost, 2)
        XCTAssertEqual(document.hops[2].responders.first?.replies, 8)
    }

    func testMTRNameWithoutAddress() throws {
        let text = #"{"report":{"mtr":{"src":"h","dst":"dest.example","tests":2},"hubs":[{"count":1,"host":"gw.example","Loss%":0,"Snt":2,"Avg":1,"Best":1,"Wrst":1,"StDev":0},{"count":2,"host":"dest.example","Loss%":0,"Snt":2,"Avg":3,"Best":3,"Wrst":3,"StDev":0}]}}"#
        let trace = try XCTUnwrap(TraceImporter.parse(Data(text.utf8), name: "n.json").traces.first)
        XCTAssertEqual(trace.document.hops[0].responders.first?.info?.hostname, "gw.example")
        XCTAssertEqual(trace.document.hops[0].responders.first?.address, IPAddress("0.0.0.0"))
        XCTAssertTrue(trace.document.reached, "the target named like the last hop")
        XCTAssertEqual(trace.notes.first, "hop 1: mtr gave the name gw.example without an address")
    }

    func testHostileNamesSurviveImportAndPrintEscaped() throws {
        let document = try XCTUnwrap(Fixture.read("mtr-hostile.json").traces.first?.document)
        let name = try XCTUnwrap(document.hops[1].responders.first?.info?.hostname)
        XCTAssertTrue(name.contains("\u{1b}]0;pwned\u{07}"), "the data is kept as it was")
        XCTAssertEqual(document.hops[0].responders.first?.info?.asn?.number, 64500)
        let text = OfflineText.hops(document)
        XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "no control byte reaches the terminal")
        XCTAssertTrue(text.contains(#"evil\x1b]0;pwned\x07\x1b[31mred.example"#))
        XCTAssertEqual(Escaping.visible("a\u{9b}31mb\u{202e}"), #"a\x9b31mb\u{202e}"#)
    }

    func testTrippyStringFloatsAndECMP() throws {
        let file = try Fixture.read("trippy.json")
        XCTAssertEqual(file.format, .trippy)
        let document = try XCTUnwrap(file.traces.first?.document)
        XCTAssertEqual(document.meta.target.name, "dest.example")
        XCTAssertTrue(document.reached)
        XCTAssertTrue(document.hops[1].silent)
        let hop3 = document.hops[2]
        XCTAssertEqual(hop3.lossPercent, 10)
        XCTAssertEqual(hop3.responders.map(\.replies), [5, 4], "nine replies shared by two hosts")
        XCTAssertEqual(hop3.responders[0].figures.mean, 9.4, "\"9.40\" read as a number")
        XCTAssertEqual(hop3.responders[0].mpls.first?.label, 24005)
        XCTAssertNil(hop3.responders[1].info, "a hostname equal to the address is no name")
    }

    func testRealScamperJSON() throws {
        let file = try Fixture.read("real-scamper.json")
        XCTAssertEqual(file.format, .scamper)
        let document = try XCTUnwrap(file.traces.first?.document)
        XCTAssertEqual(document.meta.vantage?.engine, "scamper")
        XCTAssertEqual(document.meta.vantage?.id, "vm")
        XCTAssertEqual(document.meta.source, IPAddress("192.0.2.1"))
        XCTAssertTrue(document.reached)
        XCTAssertEqual(document.hops.map(\.ttl), [1, 2, 3])
        XCTAssertTrue(document.hops[1].silent, "a TTL without replies is silent")
        XCTAssertEqual(document.hops[1].sent, 2, "scamper tried it `attempts` times")
        XCTAssertEqual(document.hops[0].sent, 1, "answered at the first attempt")
        XCTAssertEqual(document.hops[2].responders.first?.kind, .echoReply)
    }

    func testRealScamperThroughWarts() throws {
        let document = try XCTUnwrap(Fixture.read("real-scamper-warts2json.json").traces.first?.document)
        XCTAssertEqual(document.meta.protocolKind, .udp)
        XCTAssertEqual(document.hops.last?.responders.first?.kind, .portUnreachable)
        XCTAssertTrue(document.reached)
    }

    func testRealTracemapDocumentRoundTrips() throws {
        let file = try Fixture.read("real-tracemap.json")
        XCTAssertEqual(file.format, .tracemap)
        let trace = try XCTUnwrap(file.traces.first)
        XCTAssertEqual(trace.document.meta.method, .raw, "tracemap's own trace keeps its method")
        XCTAssertNil(trace.document.meta.vantage)
        XCTAssertFalse(trace.isRecording)
        XCTAssertEqual(trace.replayBasis, .probes)
        XCTAssertEqual(trace.document.hops.count, 3)
    }

    /// A `trace --json` file of schema version 1 (`real-tracemap.json`: hops `sent, lost`, responders `replies,
    /// min_ms, mean_ms, max_ms, stddev_ms`) reads into today's hop fields, and writes back as version 2.
    func testVersionOneDocumentsStillRead() throws {
        let file = try Fixture.read("real-tracemap.json")
        let document = try XCTUnwrap(file.traces.first?.document)
        XCTAssertEqual(document.meta.schemaVersion, 1)
        let first = document.hops[0]
        XCTAssertEqual(first.sent, 3)
        XCTAssertEqual(first.lost, 0)
        XCTAssertEqual(first.figures.received, 3)
        XCTAssertEqual(first.lossPercent, 0)
        XCTAssertEqual(first.responders[0].replies, 3)
        XCTAssertEqual(first.responders[0].figures.best ?? 0, 0.0059604644775390625, accuracy: 1e-12)
        XCTAssertEqual(first.responders[0].figures.worst ?? 0, 0.05364418029785156, accuracy: 1e-12)
        XCTAssertEqual(first.responders[0].figures.mean ?? 0, 0.027418136596679688, accuracy: 1e-12)
        XCTAssertEqual(first.responders[0].figures.standardDeviation ?? 0, 0.024196843064051198, accuracy: 1e-12)
        XCTAssertNotNil(first.responders[0].figures.last, "what the file lacks comes from its probes")
        // The hop's own figures, which version 1 did not write, come from its probes (RTTs to three decimals).
        XCTAssertEqual(first.figures.mean ?? 0, (0.006 + 0.023 + 0.054) / 3, accuracy: 1e-12)
        XCTAssertEqual(first.figures.best, 0.006)
        XCTAssertEqual(first.figures.worst, 0.054)
        XCTAssertNotNil(first.figures.last)
        XCTAssertEqual(document.hops[1].figures.received, 0, "the silent hop")
        XCTAssertEqual(document.hops[1].lossPercent, 100)

        // Written again, it is a version 2 document with the hop field keys only.
        let text = try TraceRenderer.json(document)
        XCTAssertTrue(text.contains("\"schema_version\" : \(TraceMeta.schemaVersion)"), text)
        for old in ["\"min_ms\"", "\"mean_ms\"", "\"max_ms\"", "\"stddev_ms\"", "\"lost\"", "\"replies\""] {
            XCTAssertFalse(text.contains(old), old)
        }
        for key in ["\"best_ms\"", "\"avg_ms\"", "\"worst_ms\"", "\"stdev_ms\"", "\"received\"", "\"dropped\""] {
            XCTAssertTrue(text.contains(key), key)
        }
        let reread = try TraceImporter.parse(Data(text.utf8)).traces[0].document
        XCTAssertEqual(reread.hops.map(\.figures), document.hops.map(\.figures))
        XCTAssertEqual(reread.hops.map { $0.responders.map(\.figures) }, document.hops.map { $0.responders.map(\.figures) })
    }

    /// A version 1 document without probes (summaries only): the hop's figures are its responders'.
    func testVersionOneSummaryWithoutProbes() throws {
        let text = #"""
        {"meta": {"tool": "tracemap", "version": "0.1.0", "schema_version": 1,
                  "target": {"name": "203.0.113.10", "address": "203.0.113.10"}, "method": "raw", "protocol": "icmp",
                  "options": {"first_ttl": 1, "flows": 1, "max_hops": 30, "parallel_requests": 18, "protocol": "icmp",
                              "queries": 4, "send_interval_ms": 0, "timeout_ms": 1000, "tos": 0, "ttl_interval_ms": 0},
                  "start": 1764440000},
         "reached": true, "probes": [],
         "hops": [{"ttl": 1, "sent": 4, "lost": 1, "loss_pct": 25, "silent": false,
                   "responders": [{"address": "198.51.100.1", "replies": 2, "share_pct": 66.7, "min_ms": 1,
                                   "mean_ms": 2, "max_ms": 3, "stddev_ms": 1, "kind": "time-exceeded", "mpls": []},
                                  {"address": "198.51.100.9", "replies": 1, "share_pct": 33.3, "min_ms": 5,
                                   "mean_ms": 5, "max_ms": 5, "stddev_ms": 0, "kind": "time-exceeded", "mpls": []}]}]}
        """#
        let document = try TracemapJSON.decoder().decode(TraceDocument.self, from: Data(text.utf8))
        let hop = document.hops[0]
        XCTAssertEqual(hop.sent, 4)
        XCTAssertEqual(hop.figures.received, 3)
        XCTAssertEqual(hop.lost, 1)
        XCTAssertEqual(hop.lossPercent, 25)
        XCTAssertEqual(hop.figures.best, 1)
        XCTAssertEqual(hop.figures.worst, 5)
        XCTAssertEqual(hop.figures.mean ?? 0, (2 * 2 + 5) / 3.0, accuracy: 1e-12, "weighted by replies")
        XCTAssertEqual(hop.responders.map(\.replies), [2, 1])
        XCTAssertEqual(hop.responders[1].figures.mean, 5)
    }

    func testRecordingKeepsRoundsAndEvents() throws {
        let file = try Fixture.read("recording-events.jsonl")
        XCTAssertEqual(file.format, .recording)
        let trace = try XCTUnwrap(file.traces.first)
        XCTAssertEqual(trace.rounds.count, 10)
        XCTAssertEqual(trace.events.map(\.event.kind),
                       [.destinationLost, .destinationReached, .rttSpike, .routeChange, .rttRecovery])
        XCTAssertEqual(trace.events.first?.afterRounds, 4)
        XCTAssertEqual(Set(trace.document.hops[1].responders.map(\.address.description)),
                       ["198.51.100.2", "198.51.100.6"])
    }

    func testRealRecordingAndATornLastLine() throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("real-recording.jsonl")))
        let whole = try TraceImporter.parse(data, name: "rec")
        XCTAssertEqual(whole.traces.first?.rounds.count, 5)
        data += Data(#"{"type":"round","round":5,"sta"#.utf8)
        let torn = try TraceImporter.parse(data, name: "rec")
        XCTAssertEqual(torn.format, .recording)
        XCTAssertEqual(torn.traces.first?.rounds.count, 5)
        XCTAssertEqual(torn.traces.first?.notes.count, 1, "the torn line is reported, not fatal")
    }

    func testForcedFormatThatDoesNotFit() {
        XCTAssertThrowsError(try Fixture.read("real-mtr.json", format: .atlas)) { error in
            XCTAssertTrue("\(error)".contains("not a valid RIPE Atlas traceroute results file"), "\(error)")
        }
        XCTAssertEqual(try Fixture.read("atlas-two-probes.json", format: .atlas).traces.count, 2)
    }

    func testSniffingEveryFixture() throws {
        let expected: [String: ImportFormat] = [
            "real-mtr.json": .mtr, "mtr-legacy.json": .mtr, "trippy.json": .trippy, "real-scamper.json": .scamper,
            "real-scamper-warts2json.json": .scamper, "atlas-two-probes.json": .atlas, "atlas-lines.jsonl": .atlas,
            "globalping-traceroute.json": .globalping, "globalping-mtr.json": .globalping,
            "cloudflare.json": .cloudflare, "real-tracemap.json": .tracemap, "recording-events.jsonl": .recording,
        ]
        for (name, format) in expected {
            let data = try Data(contentsOf: URL(fileURLWithPath: Fixture.path(name)))
            XCTAssertEqual(TraceImporter.sniff(data), format, name)
        }
    }

    func testUnreadableFile() {
        XCTAssertThrowsError(try TraceImporter.read(path: "/nonexistent/x.json")) { error in
            XCTAssertEqual("\(error)", "cannot read /nonexistent/x.json: No such file or directory")
        }
    }
}
