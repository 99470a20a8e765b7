import Foundation
import XCTest
import TracemapModel
@testable import TracemapMonitor

final class AlertHookTests: XCTestCase {
    private func event(_ kind: MonitorEvent.Kind = .loss) -> MonitorEvent {
        MonitorEvent(time: Date(timeIntervalSince1970: 1_700_000_000), round: 12, target: "dest.example",
                     kind: kind, severity: .warning, ttl: 4, message: "loss 30% at the destination",
                     lossPercent: 30)
    }

    func testCommandGetsTheEventJSONOnStdinAndItsKindInTheEnvironment() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out").path
        let hook = AlertHook(command: "cat > '\(output).tmp'; echo \"$TRACEMAP_KIND $TRACEMAP_TTL\" >> '\(output).tmp'; "
                             + "mv '\(output).tmp' '\(output)'")
        let started = Date()
        guard case .success = hook.run(event()) else { return XCTFail("did not start") }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1, "returns at once")
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: output), Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let decoded = try TracemapJSON.decoder().decode(MonitorEvent.self, from: Data(lines[0].utf8))
        XCTAssertEqual(decoded, event())
        XCTAssertEqual(lines[1], "loss 4")
    }

    func testHungCommandsNeverPileUpOrBlock() throws {
        let hook = AlertHook(command: "sleep 5", maxRunning: 2)
        let started = Date()
        XCTAssertNoThrow(try hook.run(event()).get())
        XCTAssertNoThrow(try hook.run(event()).get())
        guard case .failure(.busy(2)) = hook.run(event()) else { return XCTFail("a third command started") }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        XCTAssertEqual(hook.runningCount, 2)
    }

    func testCommandThatIgnoresStdinDoesNotHurt() throws {
        let hook = AlertHook(command: "exit 3")
        for _ in 0..<3 { _ = hook.run(event()) }
        let deadline = Date().addingTimeInterval(10)
        while hook.runningCount > 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(hook.runningCount, 0)
    }

    func testTerminateAllEndsTheCommandAndWhatItStarted() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pidFile = directory.appendingPathComponent("pid").path
        // The shell starts a grandchild (sleep) and waits: killing only the shell would leave the sleep behind.
        let hook = AlertHook(command: "sleep 100 & echo $! > '\(pidFile)'; wait")
        XCTAssertNoThrow(try hook.run(event()).get())
        let deadline = Date().addingTimeInterval(10)
        var sleeper: pid_t = 0
        while sleeper == 0, Date() < deadline {
            sleeper = pid_t((try? String(contentsOfFile: pidFile, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertGreaterThan(sleeper, 0)
        XCTAssertEqual(kill(sleeper, 0), 0, "the grandchild runs")
        hook.terminateAll()
        XCTAssertEqual(hook.runningCount, 0, "the shell was reaped")
        let gone = Date().addingTimeInterval(5)
        while kill(sleeper, 0) == 0, Date() < gone { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertNotEqual(kill(sleeper, 0), 0, "the grandchild was killed with the command's process group")
        guard case .failure(.cannotStart) = hook.run(event()) else { return XCTFail("a command started after the end") }
    }

    func testAFailingCommandIsReported() throws {
        let reports = Reports()
        let hook = AlertHook(command: "exit 3", onFailure: { reports.add($0.description) })
        XCTAssertNoThrow(try hook.run(event()).get())
        let deadline = Date().addingTimeInterval(10)
        while reports.all.isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(reports.all, ["--exec command 'exit 3' exited with status 3"])
        let killed = AlertHook(command: "kill -9 $$", onFailure: { reports.add($0.description) })
        XCTAssertNoThrow(try killed.run(event()).get())
        while reports.all.count < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(reports.all.last, "--exec command 'kill -9 $$' was killed by signal 9")
    }
}

private final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func add(_ text: String) { lock.lock(); stored.append(text); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return stored }
}
