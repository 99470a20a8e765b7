import Foundation
import TracemapProcess
import XCTest

/// `tracemap watch --json -i 0.1` on the packet-level path simulator, the scenario changed while it runs: the
/// monitor's rules on real probes, real sockets and real timing.
final class MonitorNetworkTests: XCTestCase {
    private var path: SimulatedPath?

    override func setUpWithError() throws {
        try XCTSkipUnless(Shell.canBuildNamespaces, "needs root and iproute2 to build namespaces")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Shell.tracemapBinary),
                          "tracemap is not built at \(Shell.tracemapBinary)")
    }

    override func tearDown() {
        path?.destroy()
        path = nil
    }

    /// Seven hops (seven-hops.json), every delay and address changeable.
    private struct Path {
        var addresses = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.41", "198.51.100.51",
                         "198.51.100.61", "198.51.100.71"]
        var delays: [Double] = [1, 5, 11, 16, 24, 31, 38]
        var destinationDelay: Double = 45
        var replyLoss: [Int: Double] = [:]
        var forwardLoss: [Int: Double] = [:]
        var destinationLoss: Double = 0

        var json: String {
            let hops = addresses.indices.map { index in
                var hop = "{\"address\": \"\(addresses[index])\", \"delay_ms\": \(delays[index]), \"jitter_ms\": 0.3"
                if let loss = replyLoss[index + 1] { hop += ", \"reply_loss\": \(loss)" }
                if let loss = forwardLoss[index + 1] { hop += ", \"forward_loss\": \(loss)" }
                return hop + "}"
            }
            return "{\"seed\": 11, \"hops\": [\(hops.joined(separator: ", "))], "
                + "\"destination\": {\"delay_ms\": \(destinationDelay), \"jitter_ms\": 0.3, \"loss\": \(destinationLoss)}}"
        }
    }

    /// Runs `watch --json -i 0.1 -c ROUNDS` on `start`, switching to each later scenario after its delay, and
    /// returns every JSON line it printed.
    private func watch(_ start: Path, rounds: Int, interval: String = "0.1",
                       timeline: [(seconds: Double, path: Path)] = [],
                       arguments: [String] = []) throws -> [[String: Any]] {
        let simulated = try SimulatedPath(scenario: start.json)
        path = simulated
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        let process = try simulated.namespace.spawn(
            [Shell.tracemapBinary, "watch", "--json", "-i", interval, "-c", "\(rounds)"] + arguments
                + [SimulatedPath.target4], stdout: handle)
        try handle.close()
        let started = Date()
        for step in timeline {
            let wait = step.seconds - Date().timeIntervalSince(started)
            if wait > 0 { usleep(useconds_t(wait * 1_000_000)) }
            try simulated.update(step.path.json)
        }
        let deadline = Date().addingTimeInterval(Double(rounds) * (Double(interval) ?? 0.5) * 2 + 30)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { process.signal(SIGTERM) }
        XCTAssertEqual(process.wait(), .exited(0), simulated.simulatorLog)
        let text = try String(contentsOf: output, encoding: .utf8)
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    private func events(_ lines: [[String: Any]], _ kind: String? = nil) -> [[String: Any]] {
        lines.filter { $0["type"] as? String == "event" && (kind == nil || $0["kind"] as? String == kind) }
    }

    private func alerts(_ lines: [[String: Any]]) -> [[String: Any]] {
        events(lines).filter { $0["severity"] as? String != "info" }
    }

    private func hop(_ ttl: Int, of event: [String: Any], _ key: String) -> [String] {
        let path = event[key] as? [[String]] ?? []
        return ttl <= path.count ? path[ttl - 1] : []
    }

    func testRouteChangeAndChangeBackAreReportedAtTheHop() throws {
        var detour = Path()
        detour.addresses[2] = "198.51.100.133"
        detour.addresses[3] = "198.51.100.144"
        let lines = try watch(Path(), rounds: 90, timeline: [(3, detour), (6, Path())])
        let changes = events(lines, "route-change")
        XCTAssertEqual(changes.count, 2, "\(changes.map { $0["message"] ?? "" })")
        guard changes.count == 2 else { return }
        XCTAssertEqual(changes[0]["ttl"] as? Int, 3)
        XCTAssertEqual(hop(3, of: changes[0], "old_path"), ["198.51.100.3"])
        XCTAssertEqual(hop(3, of: changes[0], "new_path"), ["198.51.100.133"])
        XCTAssertEqual(hop(4, of: changes[0], "new_path"), ["198.51.100.144"])
        XCTAssertEqual(changes[1]["ttl"] as? Int, 3)
        XCTAssertEqual(hop(3, of: changes[1], "new_path"), ["198.51.100.3"])
        XCTAssertTrue((changes[1]["message"] as? String ?? "").contains("back to the previous path"))
        XCTAssertEqual(alerts(lines).count, 2, "\(alerts(lines).map { $0["message"] ?? "" })")
        let summary = lines.last { $0["type"] as? String == "summary" }
        XCTAssertEqual(summary?["final"] as? Bool, true)
        XCTAssertEqual(summary?["rounds"] as? Int, 90)
    }

    func testRTTSpikeOnTheLastHopsIsReportedOnceAndRecovers() throws {
        var slow = Path()
        for index in 4..<7 { slow.delays[index] += 60 }
        slow.destinationDelay += 60
        let lines = try watch(Path(), rounds: 90, timeline: [(3.5, slow), (6.5, Path())])
        let spikes = events(lines, "rtt-spike")
        XCTAssertEqual(spikes.count, 1, "\(spikes.map { $0["message"] ?? "" })")
        XCTAssertEqual(spikes.first?["ttl"] as? Int, 5, "where it starts, not one event per hop behind it")
        XCTAssertTrue((spikes.first?["message"] as? String ?? "").contains("hops 5–8"))
        XCTAssertEqual(spikes.first?["baseline_rtt_ms"] as? Double ?? 0, 24, accuracy: 2)
        XCTAssertEqual(spikes.first?["current_rtt_ms"] as? Double ?? 0, 84, accuracy: 3)
        XCTAssertEqual(events(lines, "rtt-recovery").count, 1)
        XCTAssertEqual(alerts(lines).map { $0["kind"] as? String }, ["rtt-spike"])
    }

    func testLossBehindAHopRaisesALossAlertWhereItStarts() throws {
        var lossy = Path()
        lossy.forwardLoss[4] = 50
        let lines = try watch(Path(), rounds: 70, timeline: [(2, lossy)])
        let losses = events(lines, "loss")
        XCTAssertGreaterThanOrEqual(losses.count, 1)
        XCTAssertEqual(losses.first?["ttl"] as? Int, 5, "hop 4 drops what it forwards: loss starts at hop 5")
        XCTAssertEqual(events(lines, "route-change").count, 0)
        XCTAssertEqual(events(lines, "rate-limited").count, 0)
    }

    func testLossAtTheDestinationRaisesALossAlert() throws {
        var lossy = Path()
        lossy.destinationLoss = 50
        let lines = try watch(Path(), rounds: 60, timeline: [(2, lossy)])
        let losses = events(lines, "loss")
        XCTAssertEqual(losses.count, 1)
        XCTAssertEqual(losses.first?["ttl"] as? Int, 8)
        XCTAssertEqual(events(lines, "route-change").count, 0)
    }

    /// One router answering half its probes (reply loss only): rate limiting, never an alert.
    func testLossAtOneIntermediateHopIsAtMostARateLimitNote() throws {
        var limited = Path()
        limited.replyLoss[3] = 50
        let lines = try watch(limited, rounds: 80)
        XCTAssertEqual(alerts(lines).count, 0, "\(alerts(lines).map { $0["message"] ?? "" })")
        let notes = events(lines, "rate-limited")
        XCTAssertLessThanOrEqual(notes.count, 1)
        if let note = notes.first { XCTAssertEqual(note["ttl"] as? Int, 3) }
    }

    /// The clock holds while the destination is dark: rounds start every second, `destination-lost` comes about
    /// three rounds after the destination went silent, and its return is reported within two rounds.
    func testDestinationGoingDarkIsAlertedOnTheClockAndItsReturnWithinTwoRounds() throws {
        var dark = Path()
        dark.destinationLoss = 100
        let recording = FileManager.default.temporaryDirectory.appendingPathComponent("dark-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: recording) }
        let lines = try watch(Path(), rounds: 16, interval: "1",
                              timeline: [(3.5, dark), (10.5, Path())],
                              arguments: ["--record", recording.path])
        let lost = events(lines, "destination-lost")
        XCTAssertEqual(lost.count, 1, "\(events(lines).map { $0["message"] ?? "" })")
        // Silent from 3.5 s: rounds 4, 5, 6 (started at 4, 5, 6 s) miss it; round 6 ends at 7 s.
        XCTAssertEqual(lost.first?["round"] as? Int ?? 0, 6, accuracy: 1)
        let back = events(lines, "destination-reached")
        XCTAssertEqual(back.count, 1)
        // Answering again from 10.5 s: rounds 11 and 12 answer.
        XCTAssertLessThanOrEqual(back.first?["round"] as? Int ?? 99, 12)
        XCTAssertEqual(events(lines, "route-change").count, 0, "a dark destination is no route change")
        XCTAssertEqual(events(lines, "destination-unreachable").count, 0)
        // Rounds started on a one-second grid the whole time, dark or not.
        let starts = try String(contentsOf: recording, encoding: .utf8).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]).flatMap { line in
                line["type"] as? String == "round" ? line["start"] as? Double : nil
            }
        }
        XCTAssertEqual(starts.count, 16)
        // On a fixed grid: round k starts k seconds after round 0 (a start delayed by a loaded machine does not
        // shift the ones after it), dark destination or not.
        for (index, start) in starts.enumerated() {
            XCTAssertEqual(start - starts[0], Double(index), accuracy: 0.3, "round \(index) keeps the clock")
        }
    }

    /// A hop whose replies come after the timeout is shown as late, not as silent loss hidden from view.
    func testRepliesAfterTheTimeoutAreCountedLate() throws {
        var slow = Path()
        slow.delays[2] = 700
        let lines = try watch(slow, rounds: 8, interval: "0.5", arguments: ["--timeout", "400"])
        guard let summary = lines.last(where: { $0["type"] as? String == "summary" }),
              let hops = summary["hops"] as? [[String: Any]], hops.count >= 3 else {
            return XCTFail("no final summary")
        }
        XCTAssertEqual(hops[2]["received"] as? Int, 0)
        XCTAssertGreaterThanOrEqual(hops[2]["late"] as? Int ?? 0, 6, "the late replies were noticed")
        XCTAssertEqual(hops[1]["late"] as? Int, 0)
    }
}
