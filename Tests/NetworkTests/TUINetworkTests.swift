import Foundation
import TracemapModel
import XCTest

/// A tmux server of the test's own (its own socket, so no user's sessions are touched) with one session.
final class TmuxSession {
    let socket: String
    let name: String

    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
    }

    /// Starts `command` (a shell command line) in a detached session of the given size. The command is followed
    /// by an `echo` of its exit status and a pause, so the pane stays readable after it ends.
    init(command: String, width: Int = 160, height: Int = 50) throws {
        socket = "tracemap-tui-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        name = "tui"
        let line = "\(command); echo TRACEMAP-EXIT=$?; sleep 120"
        // Neither Shell.run nor Process: Foundation notices a child's exit when a descriptor the child inherited
        // closes, and the tmux server this starts keeps it open for as long as it lives. system() waits with
        // waitpid.
        let arguments = ["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "\(width)",
                         "-y", "\(height)", "-s", name, line]
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let status = system(quoted.joined(separator: " ") + " </dev/null >/dev/null 2>&1")
        guard status == 0 else { throw NamespaceError(message: "tmux new-session failed (\(status))") }
    }

    func tmux(_ arguments: String...) -> ProcessResult {
        Shell.run(["tmux", "-L", socket] + arguments)
    }

    /// Types keys as tmux names them (`Down`, `Enter`, `Escape`, `C-c`, or literal text).
    func send(_ keys: String...) {
        for key in keys { tmux("send-keys", "-t", name, key) }
        usleep(150_000)
    }

    /// The visible screen as text.
    var screen: String { tmux("capture-pane", "-p", "-t", name).stdout }

    /// Whether the pane is in the alternate screen (curses mode).
    var alternateScreen: Bool { tmux("display-message", "-p", "-t", name, "#{alternate_on}").stdout.hasPrefix("1") }

    func resize(width: Int, height: Int) {
        tmux("resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)")
    }

    /// Polls the screen until `predicate` holds or `timeout` passes; returns the last screen either way.
    @discardableResult
    func wait(timeout: TimeInterval = 15, until predicate: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = screen
        while !predicate(text) && Date() < deadline {
            usleep(200_000)
            text = screen
        }
        return text
    }

    func wait(for needle: String, timeout: TimeInterval = 15) -> String {
        wait(timeout: timeout) { $0.contains(needle) }
    }

    /// Ends the server and everything in it (its panes get SIGHUP) and removes its socket file.
    func kill() {
        tmux("kill-server")
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(directory)/tmux-\(getuid())/\(socket)")
    }

    deinit { kill() }
}

/// `tracemap tui` and `tracemap replay` driven through a real terminal (tmux): what a user sees, on the path
/// simulator for live runs, on a recording the test writes for replays.
final class TUINetworkTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(TmuxSession.available, "TUI tests need tmux")
    }

    private var environment: String { "env LANG=C.UTF-8 TERM=xterm-256color" }

    private func liveSession(_ path: SimulatedPath, extra: String = "") throws -> TmuxSession {
        try TmuxSession(command: "timeout --foreground 300 ip netns exec \(path.namespace.name) \(environment) \(Shell.tracemapBinary) tui "
                        + "--interval 0.3 \(extra) \(SimulatedPath.target4)")
    }

    /// The rows of the hop table, by TTL, as the screen shows them.
    private func hopRow(_ screen: String, ttl: Int) -> String? {
        screen.split(separator: "\n").map(String.init).first { $0.hasPrefix(String(format: "%2d. ", ttl)) }
    }

    /// Several hosts in one TUI: the header says which of N is shown, Tab and Shift-Tab switch between them,
    /// each with its own hop table.
    func testTabSwitchesBetweenSeveralTargets() throws {
        try XCTSkipUnless(Shell.canBuildNamespaces, "live TUI tests need root and iproute2")
        let path = try SimulatedPath(scenarioNamed: "six-hops-silent-4")
        defer { path.destroy() }
        let tmux = try liveSession(path, extra: "203.0.113.77")   // hosts: 203.0.113.77, then 203.0.113.10
        defer { tmux.kill() }
        var screen = tmux.wait(timeout: 30) { self.hopRow($0, ttl: 7)?.contains("203.0.113.77") == true }
        XCTAssertTrue(screen.contains("[1/2] 192.0.2.1 → 203.0.113.77"), screen)
        tmux.send("Tab")
        screen = tmux.wait(timeout: 20) { self.hopRow($0, ttl: 7)?.contains("203.0.113.10") == true }
        XCTAssertTrue(screen.contains("[2/2] 192.0.2.1 → 203.0.113.10"), screen)
        tmux.send("BTab")
        screen = tmux.wait(timeout: 20) { $0.contains("[1/2] 192.0.2.1 → 203.0.113.77") }
        XCTAssertTrue(hopRow(screen, ttl: 7)?.contains("203.0.113.77") == true, screen)
        tmux.send("q")
    }

    func testLiveHopTableDetailsRouteChangeResizeAndQuit() throws {
        try XCTSkipUnless(Shell.canBuildNamespaces, "live TUI tests need root and iproute2")
        let path = try SimulatedPath(scenarioNamed: "six-hops-silent-4")
        defer { path.destroy() }
        let tmux = try liveSession(path)
        defer { tmux.kill() }

        var screen = tmux.wait(timeout: 30) { self.hopRow($0, ttl: 7)?.contains("203.0.113.10") == true }
        for ttl in [1, 2, 3, 5, 6] {
            XCTAssertTrue(hopRow(screen, ttl: ttl)?.contains("198.51.100.\(ttl) ") == true, "TTL \(ttl):\n\(screen)")
        }
        XCTAssertTrue(hopRow(screen, ttl: 4)?.contains("??? (silent)") == true, screen)
        XCTAssertTrue(screen.contains("tracemap 192.0.2.1 → 203.0.113.10  ICMP raw"), screen)
        XCTAssertTrue(tmux.alternateScreen)

        // Down twice (J is down: j is mtr's jitter toggle), Enter: the details of hop 3.
        tmux.send("Down", "J", "Enter")
        screen = tmux.wait(for: "── Hop 3 of 7")
        XCTAssertTrue(screen.contains("198.51.100.3  (no reverse name)  100% of replies"), screen)
        XCTAssertTrue(screen.contains("window (60 rounds)"), screen)
        XCTAssertTrue(screen.contains("RTT history"), screen)
        tmux.send("Escape")
        screen = tmux.wait(for: " #  Host")
        XCTAssertFalse(screen.contains("── Hop 3 of 7"), screen)

        // The simulator's hop 3 becomes another router: the monitor's route change reaches the alerts pane.
        let scenario = try SimulatedPath.scenario(named: "six-hops-silent-4")
            .replacingOccurrences(of: "\"198.51.100.3\"", with: "\"198.51.100.33\"")
        try path.update(scenario)
        // The row follows the responder of most of the last five rounds, so it may lag the event by a round.
        screen = tmux.wait(timeout: 20) {
            $0.contains("route-change") && self.hopRow($0, ttl: 3)?.contains("198.51.100.33") == true
        }
        XCTAssertTrue(screen.contains("hop 3  route-change"), screen)
        XCTAssertTrue(hopRow(screen, ttl: 3)?.contains("198.51.100.33") == true, screen)

        // Pause freezes the display while probing goes on; resume shows the rounds done meanwhile; r resets.
        tmux.send("p")
        screen = tmux.wait(for: " PAUSED ")
        let frozen = screen.split(separator: "\n").first.map(String.init) ?? ""
        usleep(1_200_000)
        XCTAssertTrue(tmux.screen.hasPrefix(frozen.components(separatedBy: "  round")[0]), frozen)
        XCTAssertEqual(roundNumber(tmux.screen), roundNumber(frozen), "the paused frame does not move")
        tmux.send("p")
        screen = tmux.wait(for: " LIVE ")
        XCTAssertGreaterThan(roundNumber(screen) ?? 0, roundNumber(frozen) ?? 0)
        let sentBefore = sent(hopRow(screen, ttl: 1))
        tmux.send("r")
        screen = tmux.wait { (self.sent(self.hopRow($0, ttl: 1)) ?? 99_999) < (sentBefore ?? 0) }
        XCTAssertLessThan(sent(hopRow(screen, ttl: 1)) ?? 99_999, sentBefore ?? 0, screen)

        // Resize: smaller redraws to the new width, too small says so, larger comes back.
        tmux.resize(width: 100, height: 30)
        // tmux keeps the bottom of the old screen when it shrinks one: wait for the TUI's own redraw.
        screen = tmux.wait { text in
            text.hasPrefix("tracemap 192.0.2.1") && text.contains(" #  Host")
                && text.split(separator: "\n").contains { $0.hasPrefix(" q quit") }
                && !text.split(separator: "\n").contains { $0.count > 100 }
        }
        XCTAssertTrue(screen.contains(" #  Host"), screen)
        tmux.resize(width: 40, height: 10)
        screen = tmux.wait(for: "Terminal too small")
        XCTAssertTrue(screen.contains("(now 40x10)"), screen)
        tmux.resize(width: 160, height: 50)
        screen = tmux.wait {
            $0.hasPrefix("tracemap 192.0.2.1") && self.hopRow($0, ttl: 7) != nil && $0.contains("── Map: world")
        }
        XCTAssertTrue(screen.hasPrefix("tracemap 192.0.2.1"), screen)
        XCTAssertTrue(screen.contains("── Map: world"), screen)

        tmux.send("q")
        screen = tmux.wait(for: "TRACEMAP-EXIT=")
        XCTAssertTrue(screen.contains("TRACEMAP-EXIT=0"), screen)
        XCTAssertFalse(tmux.alternateScreen, "q leaves the alternate screen")
        XCTAssertFalse(screen.contains(" #  Host"), "no TUI left on the restored screen:\n\(screen)")
    }

    /// "round N" in the header.
    private func roundNumber(_ screen: String) -> Int? {
        guard let range = screen.range(of: "round ") else { return nil }
        return Int(screen[range.upperBound...].prefix { $0.isNumber })
    }

    /// The Snt column of a hop row (the number after the loss percentage).
    private func sent(_ row: String?) -> Int? {
        guard let row, let percent = row.range(of: "% ") else { return nil }
        return Int(row[percent.upperBound...].trimmingCharacters(in: .whitespaces).prefix { $0.isNumber })
    }

    func testInterruptRestoresTheTerminalAndExits130() throws {
        try XCTSkipUnless(Shell.canBuildNamespaces, "live TUI tests need root and iproute2")
        let path = try SimulatedPath(scenarioNamed: "seven-hops")
        defer { path.destroy() }
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("tui-record-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: record) }
        let tmux = try liveSession(path, extra: "--record \(record.path)")
        defer { tmux.kill() }
        tmux.wait(timeout: 30) { $0.contains("203.0.113.10") && $0.contains("round 3") }
        tmux.send("C-c")
        let screen = tmux.wait(for: "TRACEMAP-EXIT=")
        XCTAssertTrue(screen.contains("TRACEMAP-EXIT=130"), screen)
        XCTAssertFalse(tmux.alternateScreen)
        // The recording made while watching holds the header and the rounds seen.
        let lines = (try? String(contentsOf: record, encoding: .utf8))?.split(separator: "\n") ?? []
        XCTAssertTrue(lines.first?.contains("\"type\":\"header\"") == true)
        XCTAssertGreaterThanOrEqual(lines.filter { $0.contains("\"type\":\"round\"") }.count, 3)
    }

    /// A recording of 20 rounds over 3 hops with a route change at round 12, written as `watch --record` does.
    private func writeRecording() throws -> URL {
        let start = Date(timeIntervalSince1970: 1_763_884_800)
        let meta = TraceMeta(target: TraceTarget(name: "203.0.113.10", address: IPAddress("203.0.113.10")!),
                             source: IPAddress("192.0.2.1"), method: .raw, options: ProbeOptions(), startedAt: start,
                             intervalMs: 1000)
        var lines: [RecordingLine] = [.header(meta)]
        for index in 0..<20 {
            let began = start.addingTimeInterval(Double(index))
            let second = index < 12 ? "198.51.100.2" : "198.51.100.22"
            let hops = [("198.51.100.1", 1.5), (second, 8.0), ("203.0.113.10", 20.0)]
            let probes = hops.enumerated().map { offset, hop in
                ProbeRecord(ttl: offset + 1, flow: 0, sequence: UInt16(index * 3 + offset), sentAt: began,
                            outcome: .reply(ProbeReply(responder: IPAddress(hop.0)!, rtt: hop.1 + Double(index % 3),
                                                       kind: offset == 2 ? .echoReply : .timeExceeded)))
            }
            lines.append(.round(Round(index: index, startedAt: began, endedAt: began.addingTimeInterval(0.03),
                                      probes: probes)))
            if index == 13 {
                lines.append(.event(MonitorEvent(
                    time: began, round: index, target: "203.0.113.10", kind: .routeChange, severity: .warning, ttl: 2,
                    message: "route changed at hop 2: 198.51.100.2 → 198.51.100.22",
                    oldPath: [["198.51.100.1"], ["198.51.100.2"], ["203.0.113.10"]].map { $0.compactMap(IPAddress.init) },
                    newPath: [["198.51.100.1"], ["198.51.100.22"], ["203.0.113.10"]].map { $0.compactMap(IPAddress.init) })))
            }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tui-replay-\(getpid()).jsonl")
        let text = try lines.map { try TracemapJSON.line($0) }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: url)
        return url
    }

    func testReplayShowsTheRecordedRoundsAndSeeks() throws {
        let recording = try writeRecording()
        defer { try? FileManager.default.removeItem(at: recording) }
        let tmux = try TmuxSession(command: "timeout --foreground 120 \(environment) \(Shell.tracemapBinary) replay --at 99 \(recording.path)")
        defer { tmux.kill() }
        var screen = tmux.wait(for: "REPLAY PAUSED 1× 20/20")
        XCTAssertTrue(screen.contains("REPLAY PAUSED 1× 20/20"), screen)
        XCTAssertTrue(screen.contains("round 20"), screen)
        XCTAssertTrue(hopRow(screen, ttl: 1)?.contains("198.51.100.1") == true, screen)
        XCTAssertTrue(hopRow(screen, ttl: 2)?.contains("198.51.100.22") == true, screen)
        XCTAssertTrue(screen.contains("└ 198.51.100.2  60%"), screen)
        XCTAssertTrue(hopRow(screen, ttl: 3)?.contains("203.0.113.10") == true, screen)
        XCTAssertTrue(screen.contains("hop 2  route-change route changed at hop 2"), screen)

        // Back ten rounds: before the route change, so neither the new router nor the event is there yet.
        tmux.send("Left")
        screen = tmux.wait(for: "10/20")
        XCTAssertTrue(hopRow(screen, ttl: 2)?.contains("198.51.100.2 ") == true, screen)
        XCTAssertFalse(screen.contains("198.51.100.22"), screen)
        XCTAssertFalse(screen.contains("route-change"), screen)

        // Play faster: it runs to the end again.
        tmux.send("+", "+", "+", "Space")
        screen = tmux.wait(for: "20/20")
        XCTAssertTrue(screen.contains("8× 20/20"), screen)
        tmux.send("q")
        screen = tmux.wait(for: "TRACEMAP-EXIT=")
        XCTAssertTrue(screen.contains("TRACEMAP-EXIT=0"), screen)

        // NO_COLOR: attributes (reverse, bold) but no colour at all.
        let plain = try TmuxSession(command: "NO_COLOR=1 \(environment) \(Shell.tracemapBinary) replay --at 99 "
                                    + recording.path)
        defer { plain.kill() }
        plain.wait(for: "REPLAY PAUSED")
        let styled = plain.tmux("capture-pane", "-e", "-p", "-t", plain.name).stdout
        XCTAssertTrue(styled.contains("\u{1b}[7m") || styled.contains(";7m"), "reverse video stays")
        XCTAssertNil(styled.range(of: "\u{1b}\\[[0-9;]*(3[1-7]|38;5;[0-9]+)m", options: .regularExpression),
                     "no foreground colour under NO_COLOR")
    }

    func testDemoPlaysItsIncidentAndRemovesItsNamespace() throws {
        try XCTSkipUnless(Shell.canBuildNamespaces, "the demo needs root and iproute2")
        let tmux = try TmuxSession(command: "timeout --foreground 120 \(environment) \(Shell.tracemapBinary) demo --phase 4")
        defer { tmux.kill() }
        var screen = tmux.wait(timeout: 20) { self.hopRow($0, ttl: 8)?.contains("www.sfo.example") == true }
        XCTAssertTrue(hopRow(screen, ttl: 1)?.contains("gw.par.example") == true, screen)
        XCTAssertTrue(hopRow(screen, ttl: 4)?.contains("??? (silent)") == true, screen)
        let namespaces = { Shell.run(["ip", "netns", "list"]).stdout.split(separator: "\n").filter {
            $0.hasPrefix("tracemap-demo-") } }
        XCTAssertEqual(namespaces().count, 1)
        // The incident's first phase: hop 3 moves from London to Amsterdam.
        // The row follows the responder of most of the last five rounds, so it may lag the event by a round.
        screen = tmux.wait(timeout: 20) {
            $0.contains("route-change") && self.hopRow($0, ttl: 3)?.contains("198.51.100.33") == true
        }
        XCTAssertTrue(screen.contains("hop 3  route-change"), screen)
        tmux.send("q")
        screen = tmux.wait(for: "TRACEMAP-EXIT=")
        XCTAssertTrue(screen.contains("TRACEMAP-EXIT=0"), screen)
        XCTAssertEqual(namespaces().count, 0, "the demo removes its namespace")
    }

    func testWithoutATerminalItSaysWhatToUse() throws {
        let result = Shell.run([Shell.tracemapBinary, "tui", "203.0.113.10"])
        XCTAssertEqual(result.status, ExitStatus.terminal.rawValue)
        XCTAssertTrue(result.stderr.contains("tracemap watch"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1)
    }
}
