import Foundation
import TracemapProcess
import XCTest
@testable import TracemapImport

/// `tracemap export` as a user runs it, on the importer's fixtures (real mtr output, a real recording, hostile
/// names, several probes in one file).
final class ExportCommandTests: XCTestCase {
    private func export(_ fixture: String, _ format: String, _ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["export", Fixture.path(fixture), "--no-geoip", "--format", format, "-o", "-"] + extra)
    }

    /// Our mtr-json read back as mtr's: what a tool built for mtr sees is what mtr itself wrote.
    func testMTRJSONReadsBackAsMtr() throws {
        let original = try Fixture.read("real-mtr.json")
        let result = try export("real-mtr.json", "mtr-json")
        XCTAssertEqual(result.status, 0, result.stderr)
        let again = try TraceImporter.parse(Data(result.stdout.utf8), name: "exported")
        XCTAssertEqual(again.format, .mtr)
        let before = original.traces[0].document, after = again.traces[0].document
        XCTAssertEqual(after.meta.target.name, before.meta.target.name)
        XCTAssertEqual(after.hops.map(\.ttl), before.hops.map(\.ttl))
        XCTAssertEqual(after.hops.map(\.sent), before.hops.map(\.sent))
        XCTAssertEqual(after.hops.map(\.lossPercent), before.hops.map(\.lossPercent))
        XCTAssertEqual(after.hops.map(\.silent), before.hops.map(\.silent))
        XCTAssertEqual(after.hops.map { $0.responders.map(\.address) }, before.hops.map { $0.responders.map(\.address) })
        XCTAssertEqual(after.hops.map { $0.responders.first?.figures.mean }, before.hops.map { $0.responders.first?.figures.mean })
    }

    func testARecordingBecomesOnePageWithItsTimeline() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("incident.html").path
        let result = try CLI.run(["export", Fixture.path("real-recording.jsonl"), "--no-geoip", "-o", page])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "wrote \(page) (html, 1 trace)\n")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertTrue(html.contains("Timeline at the destination"))
        XCTAssertFalse(html.contains("https://") || html.contains("http://"))
    }

    func testHostileNamesFromAnMtrFileCannotAct() throws {
        for format in ["html", "svg", "markdown", "csv"] {
            let result = try export("mtr-hostile.json", format)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertFalse(result.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, format)
            // Markup is only dangerous where something renders it; CSV is text.
            if format != "csv" { XCTAssertFalse(result.stdout.contains("<script>alert"), format) }
        }
        let markdown = try export("mtr-hostile.json", "markdown").stdout
        XCTAssertTrue(markdown.contains("&lt;script&gt;alert(1)&lt;/script&gt;.example"), markdown)
    }

    func testEveryTraceOfAFileIsExported() throws {
        let markdown = try export("atlas-two-probes.json", "markdown")
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        XCTAssertEqual(markdown.stdout.components(separatedBy: "## tracemap: ").count - 1, 2, markdown.stdout)
        let mtr = try export("atlas-two-probes.json", "mtr-json")
        let array = try JSONSerialization.jsonObject(with: Data(mtr.stdout.utf8)) as? [[String: Any]]
        XCTAssertEqual(array?.count, 2)
    }

    func testBadInputIsOneLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let junk = directory.appendingPathComponent("junk.json")
        try Data("{\"x\": 1}".utf8).write(to: junk)
        let result = try CLI.run(["export", junk.path, "--format", "html", "-o", "-"])
        XCTAssertEqual(result.status, 6)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("tracemap: "), result.stderr)
        XCTAssertEqual(result.stdout, "")
        let origin = try CLI.run(["export", junk.path, "--origin", "95,10"])
        XCTAssertEqual(origin.status, 64, origin.stderr)
        XCTAssertTrue(origin.stderr.hasPrefix("tracemap: "), origin.stderr)
        let format = try CLI.run(["export", junk.path, "-o", "out.pdf"])
        XCTAssertEqual(format.status, 64, format.stderr)
    }
}

extension ExportCommandTests {
    /// Places from the local GeoIP database for a file that has none (real mtr output: Frankfurt 0.06 ms away,
    /// the destination "in New York" 0.07 ms away — which physics refuses), offline and only with `--lab` for
    /// documentation addresses.
    func testLocationsFromTheLocalDatabaseAndTheirCheck() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("city.mmdb").path
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/make-test-mmdb.pl").path
        let perl = ChildProcess.run(["/usr/bin/perl", script, "city", database])
        try XCTSkipUnless(perl.termination.succeeded, "libmaxmind-db-writer-perl is not installed")

        let fixture = Fixture.path("real-mtr.json")
        let located = try CLI.run(["export", fixture, "--geoip-mmdb", database, "--lab", "--format", "markdown", "-o", "-"])
        XCTAssertEqual(located.status, 0, located.stderr)
        XCTAssertTrue(located.stdout.contains("| Frankfurt am Main, DE |"), located.stdout)
        XCTAssertTrue(located.stdout.contains("New York, US ⚠ impossible"), located.stdout)
        XCTAssertTrue(located.stdout.contains("impossible: 6,2"), located.stdout)
        // Documentation addresses are looked up only with --lab.
        let plain = try CLI.run(["export", fixture, "--geoip-mmdb", database, "--format", "markdown", "-o", "-"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(plain.stdout.contains("No responder has a location."), plain.stdout)
    }
}
