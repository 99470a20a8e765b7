import Foundation
import TracemapStats
import TracemapEnrich
import TracemapModel
import TracemapMonitor
import TracemapReport

/// Where host names, ASNs and locations come from: the `Enricher` in the real program, a table in tests.
/// An implementation must answer at once with what it knows (a frame never waits for DNS).
public protocol HostInfoProvider: Sendable {
    func info(for address: IPAddress, rtt: Double?) async -> HostInfo
    /// One line per problem met (a database missing, DNS silent), each once.
    var warnings: [String] { get async }
}

/// How the TUI looks, from the command line.
public struct TUIOptions: Sendable, Hashable {
    /// False for `--no-color` or when `NO_COLOR` is set (https://no-color.org).
    public var color = true
    /// Plain ASCII even under a UTF-8 locale.
    public var forceASCII = false
    /// Host names (true) or addresses first.
    public var showNames = true
    /// Rounds in the rolling window (`w`).
    public var windowRounds = 60
    /// The statistics columns by mtr letter (`-o`).
    public var fields = HopField.defaultLetters
    /// `--profile private`: addresses and names on screen replaced by per-run tokens, as in `trace`.
    public var redact = false

    public init() {}

    /// Colour unless `--no-color` was given or `NO_COLOR` is set to anything non-empty.
    public static func colorAllowed(noColorFlag: Bool) -> Bool {
        !noColorFlag && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    }
}

/// The interactive session: reads keys, takes in monitor snapshots or replayed rounds, and draws a frame from
/// the pure render core whenever something changed. Everything runs on the main actor, as curses must. Between
/// frames the loop sleeps until a key, a signal, a resize, a snapshot or its next deadline (`Wakeups`), so an
/// idle screen costs one wake-up a second.
@MainActor
public final class TUIApp {
    private enum Source {
        /// One monitor per target; Tab switches which one the screen shows.
        case live([Monitor])
        case replay(ReplayPlayer)
    }

    private var source: Source
    private let enricher: (any HostInfoProvider)?
    private let options: TUIOptions
    private var state = ViewState()
    /// One model per target (one for a replay); `current` is the one on screen.
    private var models: [TUIModel]
    private var current = 0
    private var model: TUIModel {
        get { models[current] }
        set { models[current] = newValue }
    }
    private var hostInfo: [IPAddress: HostInfo] = [:]
    private var notes: [String] = []
    /// The frame shown while the live display is paused.
    private var frozen: Frame?
    private var dirty = true
    private var forceRedraw = true
    private var enriching = false
    private var lastEnrichment = Date.distantPast
    private var lastSecond = 0
    private var tasks: [Task<Void, Never>] = []
    private let wakeups = Wakeups()
    /// One redactor for the session, so a token stays the same from frame to frame.
    private let redactor: Redactor?

    private init(source: Source, models: [TUIModel], enricher: (any HostInfoProvider)?, options: TUIOptions) {
        self.source = source
        self.models = models
        self.enricher = enricher
        self.options = options
        redactor = options.redact ? Redactor() : nil
        state.showNames = options.showNames
        state.fields = options.fields
    }

    /// Runs the TUI over live monitors (which it starts), one per target, until `q` or a signal. A monitor's
    /// recording, if any, is the monitor's own: the TUI only reads snapshots and events.
    public static func runLive(monitors: [Monitor], enricher: (any HostInfoProvider)?,
                               options: TUIOptions) async throws -> ExitStatus {
        var models: [TUIModel] = []
        for monitor in monitors {
            var model = TUIModel(meta: await monitor.snapshot.meta, windowRounds: options.windowRounds)
            model.apply(await monitor.snapshot)
            models.append(model)
        }
        let app = TUIApp(source: .live(monitors), models: models, enricher: enricher, options: options)
        return try await app.run()
    }

    /// Runs the TUI over a recording.
    public static func runReplay(player: ReplayPlayer, enricher: (any HostInfoProvider)?, options: TUIOptions) async throws -> ExitStatus {
        let app = TUIApp(source: .replay(player), models: [player.model], enricher: enricher, options: options)
        return try await app.run()
    }

    private func run() async throws -> ExitStatus {
        // The stop signals are trapped before curses starts (initscr installs its own SIGINT and SIGTERM
        // handlers, which exit(1), only where it finds the default action), and stay trapped until the process
        // ends: a second Ctrl-C that arrives while the command finishes (a shell's `timeout` forwards one) is
        // the same interrupt. Restored, it ran curses' handler (exit 1) or the default action (killed by
        // SIGINT, and `timeout` and the shell around it with it).
        let signals = wakeups.trapStopSignals()
        defer { signals.finish() }
        let terminal = try Terminal(color: options.color, forceASCII: options.forceASCII)
        state.unicode = terminal.unicode
        defer {
            for task in tasks { task.cancel() }
            terminal.stop()
        }
        wakeups.watchInput()
        startLive()
        var last = ContinuousClock.now
        while true {
            if signals.pending != nil { return .interrupted }
            while let key = terminal.readKey() {
                if handle(key) == .quit { return .success }
            }
            wakeups.keysRead()
            let now = ContinuousClock.now
            advanceReplay(by: now - last)
            last = now
            enrichIfDue()
            let second = Int(Date().timeIntervalSince1970)
            if second != lastSecond { lastSecond = second; dirty = true }
            if dirty {
                let size = terminal.size
                terminal.draw(ScreenRenderer.render(currentFrame(), state: state, width: size.width,
                                                    height: size.height), force: forceRedraw)
                dirty = false
                forceRedraw = false
            }
            await wakeups.wait(upTo: nextDeadline())
        }
    }

    /// How long the loop may sleep: to the next replay frame while one plays, to the enrichment pass while one is
    /// due, else to the next second (the header's clock).
    private func nextDeadline() -> Duration {
        if case .replay(let player) = source, player.playing { return .milliseconds(50) }
        let now = Date().timeIntervalSince1970
        var seconds = (now.rounded(.down) + 1) - now
        if enricher != nil { seconds = min(seconds, max(0.01, 1 - Date().timeIntervalSince(lastEnrichment))) }
        return .milliseconds(Int64(max(10, seconds * 1000)))
    }

    /// What to draw now: the frozen frame while paused (live), else the newest data.
    private func currentFrame() -> Frame {
        if let frozen { return frozen }
        switch source {
        case .live(let monitors):
            var frame = Frame(model: model, hostInfo: hostInfo, now: Date())
            frame.notes = notes
            frame.target = (current + 1, monitors.count)
            frame.redactor = redactor
            return frame
        case .replay(let player):
            var frame = Frame(model: model, hostInfo: hostInfo, now: player.model.lastRoundAt ?? Date(),
                              playback: player.playback)
            frame.notes = notes
            frame.redactor = redactor
            return frame
        }
    }

    // MARK: Keys

    private enum Outcome { case quit, handled }

    private func handle(_ key: Key) -> Outcome {
        if key == .resize { forceRedraw = true }
        guard let action = KeyMap.action(for: key) else { return .handled }
        dirty = true
        if action == .redraw { forceRedraw = true }
        if action == .quit { return .quit }
        let ttls = (frozen?.model ?? model).statistics.orderedHops.map(\.ttl)
        switch (action, source) {
        case (.pause, .replay(var player)):
            player.playing.toggle()
            if player.isAtEnd && player.playing { player.seek(to: 0) ; model = player.model }
            state.paused = !player.playing
            source = .replay(player)
        case (.pause, .live):
            state.paused.toggle()
            frozen = nil
            frozen = state.paused ? currentFrame() : nil
        case (.reset, .live(let monitors)):
            // The monitor's ledger is the one truth: its next snapshot comes at once, cleared.
            frozen = nil
            state.paused = false
            let monitor = monitors[current]
            Task { await monitor.reset() }
        case (.nextTarget, .live(let monitors)), (.previousTarget, .live(let monitors)):
            current = (current + (action == .nextTarget ? 1 : monitors.count - 1)) % monitors.count
            frozen = state.paused ? currentFrame() : nil
            state.selectedTTL = nil
        case (.faster, .replay(var player)):
            player.faster()
            source = .replay(player)
        case (.slower, .replay(var player)):
            player.slower()
            source = .replay(player)
        case (.seekBack, .replay(var player)), (.seekForward, .replay(var player)):
            player.seek(to: player.position + (action == .seekBack ? -10 : 10))
            model = player.model
            source = .replay(player)
        default:
            _ = state.apply(action, ttls: ttls)
        }
        return .handled
    }

    // MARK: Data

    private func advanceReplay(by elapsed: Duration) {
        guard case .replay(var player) = source else { return }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if player.advance(by: seconds) {
            model = player.model
            dirty = true
        }
        source = .replay(player)
    }

    /// Starts the monitors and the readers of their snapshots (a no-op for a replay). Events come inside the
    /// snapshots (the ledger's log), so the event stream is left to other readers.
    private func startLive() {
        guard case .live(let monitors) = source else { return }
        for (index, monitor) in monitors.enumerated() {
            tasks.append(Task.detached { await monitor.run() })
            tasks.append(Task { [weak self] in
                for await snapshot in monitor.snapshots { self?.receive(snapshot, target: index) }
            })
        }
    }

    private func receive(_ snapshot: MonitorSnapshot, target: Int) {
        models[target].apply(snapshot)
        // A recording that fails shows at once, with the enrichment notes (and again after the screen is gone).
        if let problem = snapshot.recordingError, !notes.contains(problem) { notes.append(problem) }
        if target == current { dirty = true; wakeups.wake() }
    }

    /// Asks the enricher about every responder once a second. `info(for:)` never waits for DNS or whois, so a
    /// name that arrives later shows a second later; the frame loop never waits for any of it.
    private func enrichIfDue() {
        guard let enricher, !enriching, Date().timeIntervalSince(lastEnrichment) >= 1 else { return }
        enriching = true
        lastEnrichment = Date()
        let hops = model.statistics.orderedHops
        let wanted = hops.flatMap { hop in hop.responders.values.map { ($0.address, $0.cumulative.meanOrNil) } }
        Task { [weak self] in
            var found: [IPAddress: HostInfo] = [:]
            for (address, rtt) in wanted { found[address] = await enricher.info(for: address, rtt: rtt) }
            let warnings = await enricher.warnings
            guard let self else { return }
            let kept = self.notes.filter { $0.hasPrefix("cannot write recording") }
            if warnings + kept != self.notes { self.notes = warnings + kept; self.dirty = true }
            if found != self.hostInfo.filter({ found[$0.key] != nil }) { self.dirty = true }
            if self.dirty { self.wakeups.wake() }
            self.hostInfo.merge(found) { $1 }
            self.enriching = false
        }
    }
}
