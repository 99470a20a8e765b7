import ArgumentParser
import Foundation
import TracemapStats
import TracemapEnrich
import TracemapModel
import TracemapMonitor
import TracemapProbe
import TracemapReport
import TracemapTUI

/// Terminal options shared by `tui` and `replay`.
struct TUIArguments: ParsableArguments {
    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set).")
    var noColor = false

    @Flag(help: "Plain ASCII: no braille map, no block characters (automatic under a non-UTF-8 locale).")
    var ascii = false

    @Option(parsing: .unconditional, help: "Rounds in the rolling window the `w` key switches to.")
    var window = 60

    @OptionGroup var enrichment: EnrichmentArguments

    @Option(help: ArgumentHelp("Names and places of hosts, as JSON {address: HostInfo} (lab networks, the demo).",
                               valueName: "file"))
    var hosts: String?

    func tuiOptions(showNames: Bool, fields: String = HopField.defaultLetters) -> TUIOptions {
        var options = TUIOptions()
        options.color = TUIOptions.colorAllowed(noColorFlag: noColor)
        options.forceASCII = ascii
        options.showNames = showNames
        options.windowRounds = window
        options.fields = fields
        options.redact = enrichment.profile == .private
        return options
    }

    /// Host names, ASNs and locations for the hops: the `--hosts` file first, then the enricher.
    func enricher(reverseDNS: Bool) throws -> (any HostInfoProvider)? {
        try enrichment.checkDatabases()
        let enricher = enrichment.makeEnricher(noReverseDNS: !reverseDNS)
        guard let hosts else { return enricher }
        do {
            return try StaticHostInfo(path: hosts, fallback: enricher)
        } catch {
            throw CommandFailure(message: Escaping.terminal("cannot read --hosts \(hosts): \(error)", limit: 400),
                                 status: .badInput)
        }
    }

    func validate() throws {
        try OptionCheck.integer(window, "--window", 1...100_000, unit: "rounds")
    }
}

/// The message and exit status when the TUI has no terminal to draw on.
func requireTerminal() throws {
    guard Terminal.isInteractive else {
        throw CommandFailure(message: "the TUI needs a terminal; use `tracemap trace` for one trace or "
                             + "`tracemap watch` to monitor into a pipe or file", status: .terminal)
    }
}

/// Runs a replay in the TUI: shared by `tui --replay` and `replay`.
func runReplay(path: String, arguments: TUIArguments, speed: Double, at position: Int?,
               input: ImportArguments? = nil, trace: String? = nil) async throws {
    try arguments.enrichment.checkDatabases()
    var player = try replayPlayer(path: path, windowRounds: arguments.window, input: input, trace: trace)
    let provider = try arguments.enricher(reverseDNS: true)
    try requireTerminal()
    player.speed = speed
    if let position {
        player.seek(to: position)
        player.playing = false
    }
    let status: ExitStatus
    do {
        status = try await TUIApp.runReplay(player: player, enricher: provider,
                                            options: arguments.tuiOptions(showNames: true))
    } catch {
        throw CommandFailure(message: "\(error)", status: .terminal)
    }
    if status != .success { throw ExitCode(status.rawValue) }
}

struct TUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Monitor the path to one or more hosts in a full-screen terminal view (hop table, map, alerts).",
        discussion: """
            Keys: ↑/k and ↓/J select a hop, Enter details, Esc back, j jitter columns, w rolling window, m map, \
            z zoom, a alerts, n names, p or Space pause, r reset, Tab / Shift-Tab next / previous host, ? help, \
            q quit. With --replay: Space play/pause, \
            +/- speed, ←/→ seek. Exit status: 0 on q, 130 on SIGINT/SIGTERM, 7 without a terminal.
            """)

    @OptionGroup var probe: ProbeArguments
    @OptionGroup var queries: QueryArguments
    @OptionGroup var display: TUIArguments

    @Option(name: [.customShort("i"), .customLong("interval")], parsing: .unconditional,
            help: "Seconds between the starts of two rounds.")
    var interval: Double = 1

    @Option(help: "Also write a JSON Lines recording (as `watch --record`) to this file.")
    var record: String?

    @Option(help: "Replay a `watch --record` / `tui --record` recording instead of probing.")
    var replay: String?

    @Option(parsing: .unconditional, help: "Replay speed (0.25 … 64).")
    var speed: Double = 1

    @Option(name: .customLong("targets"), help: "Read hosts from this file, one per line (# starts a comment).")
    var targetsFile: String?

    @Argument(help: "Host names or addresses to monitor (Tab switches between them).")
    var hosts: [String] = []

    mutating func validate() throws {
        let live = !hosts.isEmpty || targetsFile != nil
        if replay == nil && !live { throw ValidationError("give a host, or --replay FILE") }
        if replay != nil && live { throw ValidationError("give hosts or --replay FILE, not both") }
        if replay != nil && record != nil { throw ValidationError("--record records a live session, not a replay") }
        try OptionCheck.number(interval, "--interval", 0.001...86_400, unit: "s")
        try OptionCheck.number(speed, "--speed", 0.25...64)
    }

    func run() async throws {
        if let replay {
            try await runReplay(path: replay, arguments: display, speed: speed, at: nil)
            return
        }
        try display.enrichment.checkDatabases()
        try requireTerminal()
        let hosts = try TargetArguments(targetsFile: targetsFile, hosts: hosts).all()
        var monitorOptions = MonitorOptions()
        monitorOptions.interval = OptionCheck.seconds(interval)
        monitorOptions.window = display.window
        // The alerts pane and the details pane show this much of each path's past.
        monitorOptions.recentEventCapacity = TUIModel.eventLimit
        if let problem = monitorOptions.problem { throw CommandFailure(message: problem, status: .usage) }
        var options = probe.probeOptions
        queries.apply(to: &options, defaultQueries: 1)
        let probers = try openProbers(hosts, arguments: probe, options: options)
        var writers: [RecordingWriter] = []
        var monitors: [Monitor] = []
        let paths = record.map { WatchCommand.paths($0, for: probers.map(\.target)) } ?? []
        for (index, prober) in probers.enumerated() {
            var writer: RecordingWriter?
            if !paths.isEmpty {
                do {
                    writer = try RecordingWriter(path: paths[index])
                } catch {
                    throw CommandFailure(message: "\(error)", status: .badInput)
                }
            }
            writer.map { writers.append($0) }
            monitors.append(Monitor(prober: prober, options: monitorOptions, historyLimit: TUIModel.historyLimit,
                                    recording: writer))
        }
        defer { writers.forEach { $0.close() } }
        let provider = try display.enricher(reverseDNS: !probe.noReverseDNS)
        let status: ExitStatus
        do {
            status = try await TUIApp.runLive(monitors: monitors, enricher: provider,
                                              options: display.tuiOptions(showNames: !probe.noReverseDNS,
                                                                          fields: queries.fields))
        } catch {
            throw CommandFailure(message: "\(error)", status: .terminal)
        }
        // A recording that could not be written is said after the screen is gone, as `watch` does (exit 74).
        for monitor in monitors {
            if let problem = await monitor.snapshot.recordingError {
                writers.forEach { $0.close() }
                throw CommandFailure(message: problem, status: .outputFailed)
            }
        }
        if status != .success {
            writers.forEach { $0.close() }
            throw ExitCode(status.rawValue)
        }
    }
}
