import Foundation
import TracemapProcess
import XCTest
import TracemapModel
@testable import TracemapMonitor

final class RecordingTests: ScratchDirectoryTestCase {
    /// The path of the child-writer scenario: a route that flips every 10 rounds, so events are written too.
    private static func flappingPath() -> ScriptedPath {
        ScriptedPath { round, _ in
            var path = Script.path(length: 5, round: round)
            if (round / 10) % 2 == 1 { path[2].address = Script.detour(3) }
            return path
        }
    }

    func testRecordingHoldsTheHeaderEveryRoundAndEveryEvent() async throws {
        let path = directory.appendingPathComponent("watch.jsonl").path
        let writer = try RecordingWriter(path: path)
        let run = await runMonitor(Self.flappingPath(), rounds: 45, interval: .milliseconds(5), recording: writer)
        writer.close()

        let (lines, problems) = try RecordingReader(path: path).readAll()
        XCTAssertEqual(problems, [])
        guard case .header(let meta)? = lines.first else { return XCTFail("no header first") }
        XCTAssertEqual(meta.target.address, Script.destination)
        XCTAssertEqual(meta.intervalMs, 5)
        var rounds: [Round] = []
        var events: [MonitorEvent] = []
        for line in lines.dropFirst() {
            switch line {
            case .header: XCTFail("a second header")
            case .round(let round): rounds.append(round)
            case .event(let event): events.append(event)
            }
        }
        XCTAssertEqual(rounds.map(\.index), Array(0..<45))
        XCTAssertEqual(rounds.last?.probes.count, run.snapshot.lastRound?.probes.count)
        XCTAssertEqual(events.map(\.round), run.events.map(\.round))
        XCTAssertEqual(events.map(\.kind), run.events.map(\.kind))
        XCTAssertEqual(events.filter { $0.kind == .routeChange }.map(\.round), [11, 21, 31, 41])
        XCTAssertEqual(events.first?.oldPath, run.events.first?.oldPath)
    }

    func testCorruptAndTruncatedLinesAreReportedNotFatal() throws {
        let meta = TraceMeta(target: TraceTarget(name: "x", address: Script.destination), source: nil,
                             method: .raw, options: ProbeOptions(), startedAt: Date(timeIntervalSince1970: 1))
        let round = Round(index: 0, startedAt: Date(timeIntervalSince1970: 2), endedAt: Date(timeIntervalSince1970: 3),
                          probes: [])
        let text = try TracemapJSON.line(RecordingLine.header(meta)) + "\n"
            + "{\"type\":\"round\",\"nonsense\":1}\n"
            + "\n"
            + (try TracemapJSON.line(RecordingLine.round(round))) + "\n"
            + "{\"type\":\"round\",\"round\":1,\"start\":4,"
        let reader = RecordingReader(data: Data(text.utf8))
        let entries = Array(reader)
        XCTAssertEqual(entries.count, 4)
        let (lines, problems) = reader.readAll()
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(problems.count, 2)
        XCTAssertEqual(problems.first?.line, 2)
        XCTAssertEqual(problems.first?.truncated, false)
        XCTAssertEqual(problems.last?.line, 5)
        XCTAssertEqual(problems.last?.truncated, true)
        XCTAssertTrue(problems.last?.description.contains("truncated") ?? false)
    }

    func testUnreadableRecordingIsAnErrorWithItsPath() {
        let missing = directory.appendingPathComponent("missing.jsonl").path
        XCTAssertThrowsError(try RecordingReader(path: missing)) { error in
            XCTAssertEqual((error as? RecordingError)?.exitStatus, .badInput)
            XCTAssertTrue("\(error)".contains(missing))
        }
        XCTAssertThrowsError(try RecordingReader(path: directory.path))
        XCTAssertThrowsError(try RecordingWriter(path: directory.appendingPathComponent("no/such/dir.jsonl").path))
    }

    func testReadsLargeRecordingsAcrossBufferBoundaries() throws {
        let path = directory.appendingPathComponent("large.jsonl").path
        let writer = try RecordingWriter(path: path)
        let probes = (1...30).map { ttl in
            ProbeRecord(ttl: ttl, flow: 0, sequence: UInt16(ttl), sentAt: Date(timeIntervalSince1970: 10),
                        outcome: .reply(ProbeReply(responder: Script.router(ttl), rtt: 1.5, kind: .timeExceeded)))
        }
        for index in 0..<400 {
            try writer.write(.round(Round(index: index, startedAt: Date(timeIntervalSince1970: 10),
                                          endedAt: Date(timeIntervalSince1970: 11), probes: probes)))
        }
        writer.close()
        XCTAssertGreaterThan((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0, 65536 * 4)
        var count = 0
        for entry in try RecordingReader(path: path) {
            guard case .success(.round(let round)) = entry else { return XCTFail("\(entry)") }
            XCTAssertEqual(round.index, count)
            XCTAssertEqual(round.probes.count, 30)
            count += 1
        }
        XCTAssertEqual(count, 400)
    }

    /// A child process records a monitor as fast as it can; SIGKILL stops it mid-run. Every line left must parse
    /// and the rounds must run from 0 without a gap.
    func testRecordingSurvivesKill9() throws {
        let path = directory.appendingPathComponent("killed.jsonl").path
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childVariable] = path
        let child = try ChildProcess([executable, "MonitorTests.RecordingTests/testRecordingChildWriter"],
                                     options: .init(stdout: .null, stderr: .null, environment: environment))

        let deadline = Date().addingTimeInterval(60)
        var lineCount = 0
        while Date() < deadline, child.isRunning {
            lineCount = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if lineCount >= 120 { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        child.signal(SIGKILL)
        XCTAssertEqual(child.wait(), .signalled(SIGKILL))
        XCTAssertGreaterThanOrEqual(lineCount, 120, "the child wrote its recording")

        let (lines, problems) = try RecordingReader(path: path).readAll()
        XCTAssertEqual(problems, [], "every line left by the killed writer parses")
        guard case .header? = lines.first else { return XCTFail("no header first") }
        let rounds = lines.compactMap { line -> Int? in
            if case .round(let round) = line { return round.index }
            return nil
        }
        XCTAssertGreaterThanOrEqual(rounds.count, 100)
        XCTAssertEqual(rounds, Array(0..<rounds.count), "every round, in order, no gap")
        let events = lines.filter { if case .event = $0 { true } else { false } }
        XCTAssertGreaterThan(events.count, 0)
    }

    private static let childVariable = "TRACEMAP_TEST_RECORDING_CHILD"

    /// Only does something in the child process of `testRecordingSurvivesKill9`: records until killed.
    func testRecordingChildWriter() async throws {
        guard let path = ProcessInfo.processInfo.environment[Self.childVariable] else { return }
        let writer = try RecordingWriter(path: path)
        var options = MonitorOptions()
        options.interval = .milliseconds(2)
        let monitor = Monitor(prober: Self.flappingPath(), options: options, recording: writer)
        await monitor.run()
    }
}
