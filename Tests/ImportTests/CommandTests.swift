import TracemapProcess
import XCTest
@testable import TracemapImport

/// `tracemap stats`, `diff` and `replay` run as a user runs them (the built binary; no root needed).
final class CommandTests: XCTestCase {
    func testStatsOfSeveralFilesAndTraces() throws {
        let result = try CLI.run(["stats", Fixture.path("real-mtr.json"), Fixture.path("cloudflare.json")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("real-mtr.json: 203.0.113.10 (mtr --json)"))
        XCTAssertTrue(result.stdout.contains("cloudflare.json: colo SIN → 203.0.113.10 (Cloudflare diagnostics traceroute)"))
        XCTAssertTrue(result.stdout.contains("  note       colo SIN: Could not gather traceroute data: Code 2"))
        XCTAssertTrue(result.stdout.contains("  hops       3 (2 responding, 1 silent), destination reached"))
        XCTAssertTrue(result.stdout.contains("  ASN path   AS13335 → AS64500 → AS64501"))
    }

    func testStatsOfARecordingShowsItsTimeline() throws {
        let result = try CLI.run(["stats", Fixture.path("recording-events.jsonl")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("  available  80.0% of rounds reached the destination"))
        XCTAssertTrue(result.stdout.contains("  alert      destination-lost at hop 3: 1.0 s"))
        XCTAssertTrue(result.stdout.contains("  dest RTT   min 10.00 / avg 17.79 / max 31.00 / p95 31.00 ms (8 replies)"))
    }

    func testStatsJSON() throws {
        let result = try CLI.run(["stats", "--json", Fixture.path("globalping-traceroute.json")])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summaries = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(summaries.count, 2)
        XCTAssertEqual((summaries[0]["vantage"] as? [String: Any])?["city"] as? String, "Frankfurt")
        XCTAssertEqual(summaries[1]["silent_hops"] as? Int, 1)
    }

    func testHostileNamesPrintEscaped() throws {
        let result = try CLI.run(["stats", "--hops", Fixture.path("mtr-hostile.json")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 },
                       "no escape or bell byte reaches the terminal")
        XCTAssertTrue(result.stdout.contains(#"198.51.100.2 evil\x1b]0;pwned\x07\x1b[31mred.example"#))
        XCTAssertTrue(result.stdout.contains("192.0.2.2 <script>alert(1)</script>.example AS64500"))
        let json = try CLI.run(["stats", "--json", Fixture.path("mtr-hostile.json")])
        XCTAssertFalse(json.stdout.unicodeScalars.contains { $0.value == 0x1b })
    }

    func testCrossFormatDiffSamePathExitsZero() throws {
        let result = try CLI.run(["diff", Fixture.path("real-mtr.json"), Fixture.path("real-tracemap.json")])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("same path: 3 hops"), result.stdout)
    }

    func testDiffDifferentExitsOne() throws {
        let result = try CLI.run(["diff", "--trace-b", "1", Fixture.path("real-tracemap.json"),
                                  Fixture.path("atlas-two-probes.json")])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("path length 3 → 5 hops"))
        XCTAssertTrue(result.stdout.contains("  1≠ 192.0.2.2"))
        let json = try CLI.run(["diff", "--json", "--trace-b", "probe 6012", Fixture.path("real-tracemap.json"),
                                Fixture.path("atlas-two-probes.json")])
        XCTAssertEqual(json.status, 1)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["same"] as? Bool, false)
        XCTAssertEqual(object["length_b"] as? Int, 5)
    }

    func testDiffRTTFlags() throws {
        let tight = try CLI.run(["diff", "--rtt-ms", "0.5", "--rtt-pct", "1", Fixture.path("mtr-legacy.json"),
                                 Fixture.path("trippy.json")])
        XCTAssertEqual(tight.status, 1)
        XCTAssertTrue(tight.stdout.contains("hop 3: RTT 10.5 → 9.4 ms"), tight.stdout)
        let loose = try CLI.run(["diff", Fixture.path("mtr-legacy.json"), Fixture.path("trippy.json")])
        XCTAssertEqual(loose.status, 0, loose.stdout)
    }

    func testDiffTroubleExitsTwo() throws {
        let missing = try CLI.run(["diff", Fixture.path("real-mtr.json"), "/nonexistent.json"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "tracemap: cannot read /nonexistent.json: No such file or directory\n")
        let several = try CLI.run(["diff", Fixture.path("cloudflare.json"), Fixture.path("globalping-traceroute.json")])
        XCTAssertEqual(several.status, 2)
        XCTAssertTrue(several.stderr.hasPrefix("tracemap: the file holds 3 traces"), several.stderr)
    }

    func testUnknownFileIsBadInput() throws {
        let result = try CLI.run(["stats", "/etc/hostname"])
        XCTAssertEqual(result.status, 6)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1)
        XCTAssertTrue(result.stderr.hasPrefix("tracemap: /etc/hostname: not a trace file: expected tracemap JSON"))
        XCTAssertEqual(result.stdout, "")
    }

    func testForcedInputFormat() throws {
        let wrong = try CLI.run(["stats", "--input-format", "trippy", Fixture.path("real-mtr.json")])
        XCTAssertEqual(wrong.status, 6)
        XCTAssertTrue(wrong.stderr.contains("not a valid trippy -m json file"), wrong.stderr)
        let bad = try CLI.run(["stats", "--input-format", "nmap", Fixture.path("real-mtr.json")])
        XCTAssertEqual(bad.status, 64)
    }

    func testReplayRefusesWhatItCannotOpen() throws {
        let several = try CLI.run(["replay", Fixture.path("cloudflare.json")])
        XCTAssertEqual(several.status, 64)
        XCTAssertTrue(several.stderr.contains("choose one with --trace N"), several.stderr)
        let unknown = try CLI.run(["replay", "/etc/hostname"])
        XCTAssertEqual(unknown.status, 6)
        XCTAssertTrue(unknown.stderr.hasPrefix("tracemap: cannot replay /etc/hostname: not a trace file"))
        let noTerminal = try CLI.run(["replay", "--trace", "2", Fixture.path("atlas-two-probes.json")])
        XCTAssertEqual(noTerminal.status, 7, "the file opened; only the missing terminal stops it")
    }
}

/// Real mtr, scamper and tracemap (`trace -w`, `watch --record`) on a namespace path, then read back (root only).
final class CaptureTests: XCTestCase {
    func testCapturedFilesImportAndAgree() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to build network namespaces") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-import-capture-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = Fixture.directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/make-import-fixtures.sh").path
        var environment = ChildProcess.currentEnvironment
        environment["TRACEMAP"] = CLI.binary
        let made = ChildProcess.run([script, directory.path], environment: environment)
        XCTAssertEqual(made.termination, .exited(0), made.stderrText)
        var traces: [String: ImportedTrace] = [:]
        for name in ["real-mtr.json", "real-scamper.json", "real-scamper-warts2json.json", "real-tracemap.json",
                     "real-recording.jsonl"] {
            let file = try TraceImporter.read(path: directory.appendingPathComponent(name).path)
            traces[name] = try XCTUnwrap(file.traces.first, name)
            XCTAssertTrue(traces[name]!.document.reached, name)
            XCTAssertTrue(traces[name]!.document.hops[1].silent, "\(name): r2 never answers")
        }
        XCTAssertEqual(traces["real-recording.jsonl"]?.rounds.count, 5)
        let table = try String(contentsOf: directory.appendingPathComponent("real-tracemap-table.txt"), encoding: .utf8)
        XCTAssertTrue(table.contains("2.  (silent)"), "trace -w still prints the table: \(table)")
        for name in ["real-mtr.json", "real-scamper.json", "real-recording.jsonl"] {
            let diff = TraceDiff(traces["real-tracemap.json"]!, traces[name]!)
            XCTAssertTrue(diff.isSame, "\(name): \(diff.differences)")
        }
    }
}

final class PairingTests: XCTestCase {
    func testDiffPairsTracesWithEqualLabels() throws {
        let result = try CLI.run(["diff", Fixture.path("cloudflare.json"), Fixture.path("cloudflare.json")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.components(separatedBy: "A: ").count - 1, 3, "one comparison per colo × target")
    }

    func testAnArrayOfGlobalpingMeasurements() throws {
        let one = try String(contentsOfFile: Fixture.path("globalping-mtr.json"), encoding: .utf8)
        let file = try TraceImporter.parse(Data("[\(one),\(one)]".utf8), name: "two")
        XCTAssertEqual(file.format, .globalping)
        XCTAssertEqual(file.traces.map(\.label), ["probe 1 (Tokyo, JP) KDDI CORPORATION",
                                                 "probe 1 (Tokyo, JP) KDDI CORPORATION (2)"])
    }
}
