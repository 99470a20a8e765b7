import ArgumentParser
import Dispatch
import Foundation
import TracemapStats
import TracemapCLI
import TracemapMetrics
import TracemapModel
import TracemapMonitor
import TracemapProbe
import TracemapProcess
import TracemapReport

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Trace continuously; report route changes, RTT spikes and loss as they happen.",
        discussion: """
            A round sends one probe per TTL (and flow) and starts every --interval seconds, on the clock: each \
            probe waits --timeout for its reply, so a slow round overlaps the next instead of delaying it. Any \
            number of hosts (and --targets FILE) are watched side by side on one probe thread. Events print as \
            lines (or JSON objects with --json); Ctrl-C prints a per-hop \
            report. Alerts: a route change confirmed over --route-rounds rounds, the destination lost for \
            --lost-rounds rounds, loss at the destination over the --loss X/Y rule, an RTT rise above the baseline \
            by --spike-pct and --spike-ms for --spike-rounds rounds. Loss at one intermediate hop only is ICMP \
            rate limiting: a note, never an alert. Exit status: 0 done (--count), 1 a destination never \
            answered, or an alert was raised (--fail-on-alert), 3 unknown host, 4 no permission, 5 no route, 6 recording file, 64 bad option, \
            130 interrupted.
            """)

    @OptionGroup var probe: ProbeArguments

    @Option(name: [.customShort("i"), .customLong("interval")], parsing: .unconditional, help: "Seconds between the starts of two rounds.")
    var interval: Double = 1

    @Option(name: .customLong("window"), parsing: .unconditional, help: "Rounds in the rolling statistics (median, p95, window loss).")
    var window = 60

    @Option(name: [.customShort("c"), .customLong("count")], parsing: .unconditional, help: "Stop after this many rounds.")
    var count: Int?

    @Flag(help: "Print one JSON object per line: a header per host, events, summaries.")
    var json = false

    @Option(name: .customLong("summary-every"), parsing: .unconditional, help: "Print a per-hop summary every N rounds.")
    var summaryEvery: Int?

    @Option(name: .customLong("record"),
            help: "Record the header, every round and every event as JSON Lines (FILE.HOST.EXT with several hosts).")
    var record: String?

    @Option(name: .customLong("exec"), help: "Run `/bin/sh -c CMD` for each alert, with its JSON on stdin.")
    var command: String?

    @Flag(help: "Ring the terminal bell on each alert.")
    var bell = false

    @Flag(name: .customLong("fail-on-alert"), help: "Exit with status 1 when any alert was raised.")
    var failOnAlert = false

    @Option(name: .customLong("spike-pct"), parsing: .unconditional, help: "RTT spike: percent above the baseline.")
    var spikePercent: Double = 40

    @Option(name: .customLong("spike-ms"), parsing: .unconditional, help: "RTT spike: milliseconds above the baseline.")
    var spikeMilliseconds: Double = 5

    @Option(name: .customLong("spike-rounds"), parsing: .unconditional, help: "RTT spike: rounds the rise must last.")
    var spikeRounds = 2

    @Option(name: .customLong("route-rounds"), parsing: .unconditional, help: "Route change: rounds the new path must hold.")
    var routeRounds = 2

    @Option(name: .customLong("lost-rounds"), parsing: .unconditional, help: "Destination lost: rounds without its answer.")
    var lostRounds = 3

    @Option(name: .customLong("loss"), help: "Loss alert: X of the last Y rounds lost at the destination (X/Y).")
    var lossRule = "3/10"

    @OptionGroup(title: "Remote vantage points (need internet access)") var remote: RemoteWatchArguments

    @Option(name: .customLong("metrics"),
            help: "Serve Prometheus metrics at http://[ADDR:]PORT/metrics (and /healthz); loopback without ADDR.")
    var metrics: String?

    @OptionGroup var targets: TargetArguments

    mutating func validate() throws {
        try targets.validate()
        try OptionCheck.number(interval, "--interval", 0.01...86_400, unit: "s")
        if let summaryEvery { try OptionCheck.integer(summaryEvery, "--summary-every", 1...1_000_000, unit: "rounds") }
        if let count { try OptionCheck.integer(count, "--count", 1...1_000_000_000, unit: "rounds") }
        try OptionCheck.integer(window, "--window", 1...100_000, unit: "rounds")
        try OptionCheck.integer(routeRounds, "--route-rounds", 1...10_000, unit: "rounds")
        try OptionCheck.integer(lostRounds, "--lost-rounds", 1...10_000, unit: "rounds")
        try OptionCheck.integer(spikeRounds, "--spike-rounds", 1...10_000, unit: "rounds")
        try OptionCheck.number(spikePercent, "--spike-pct", 0...100_000, unit: "%")
        try OptionCheck.number(spikeMilliseconds, "--spike-ms", 0...60_000, unit: "ms")
        if parsedLossRule == nil { throw ValidationError("--loss must be X/Y with 1 ≤ X ≤ Y ≤ 10000, e.g. 3/10") }
        if let problem = monitorOptions.problem { throw ValidationError(problem) }
        if let command, command.isEmpty { throw ValidationError("--exec needs a command") }
        if let metrics, ListenAddress(metrics) == nil {
            throw ValidationError("--metrics must be [ADDR:]PORT, e.g. 9469, 0.0.0.0:9469 or [::1]:9469")
        }
    }

    private var parsedLossRule: (count: Int, rounds: Int)? {
        let parts = lossRule.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[0]), let rounds = Int(parts[1]),
              count >= 1, count <= rounds, rounds <= 10_000 else { return nil }
        return (count, rounds)
    }

    /// The monitor's settings from the flags (checked in `validate`).
    private var monitorOptions: MonitorOptions {
        var options = MonitorOptions()
        options.interval = OptionCheck.seconds(interval)
        options.window = window
        options.rounds = count
        options.routeChangeRounds = routeRounds
        options.destinationLostRounds = lostRounds
        options.spikeRelative = spikePercent / 100
        options.spikeAbsolute = spikeMilliseconds
        options.spikeRounds = spikeRounds
        if let rule = parsedLossRule {
            options.lossCount = rule.count
            options.lossRounds = rule.rounds
        }
        return options
    }

    func run() async throws {
        if remote.isRequested {
            let hosts = try targets.all()
            guard hosts.count == 1 else {
                throw CommandFailure(message: "watch --from takes one host", status: .usage)
            }
            return try await RemoteWatch(remote: remote, probe: probe, host: hosts[0], options: monitorOptions,
                                         interval: interval, json: json).run()
        }
        let options = monitorOptions
        let probeOptions = {
            var options = probe.probeOptions
            options.queries = 1
            return options
        }()
        // Bound before the probers drop privileges, so that a port below 1024 works as root.
        let exporter = metrics == nil ? nil : MetricsExporter()
        let server = try Self.serveMetrics(metrics, exporter: exporter)
        let probers = try openProbers(try targets.all(), arguments: probe, options: probeOptions)
        let output = WatchOutput(json: json, bell: bell)
        let hook = command.map { AlertHook(command: $0, onFailure: { output.warning($0.description) }) }

        var monitors: [Monitor] = []
        var feeds: [MetricsTarget?] = []
        let paths = record.map { Self.paths($0, for: probers.map(\.target)) } ?? []
        for (index, prober) in probers.enumerated() {
            feeds.append(exporter?.target(named: prober.target.name))
            var recording: RecordingWriter?
            if !paths.isEmpty {
                do {
                    recording = try RecordingWriter(path: paths[index])
                } catch {
                    throw CommandFailure(message: error.description, status: error.exitStatus)
                }
            }
            monitors.append(Monitor(prober: prober, options: options, recording: recording,
                                    resolve: Self.resolver(for: prober.target),
                                    makeProber: { target in
                                        try ProbeEngine.open(target: target, options: probeOptions,
                                                             dropPrivileges: false)
                                    }))
            output.started(prober, interval: interval)
        }

        let summaryEvery = summaryEvery
        let watched = Array(zip(monitors, feeds))
        // The first SIGINT or SIGTERM ends the watch with its final report (exit 130 or 143); a second one, also
        // during that report, exits at once.
        let signals = SignalTrap([SIGINT, SIGTERM], exitOnRepeat: true)
        let stopSignals = signals.stream()
        let end = await withTaskGroup(of: WatchEnd.self, returning: WatchEnd.self) { group in
            group.addTask {
                for await number in stopSignals { return .signal(number) }
                return .finished
            }
            group.addTask {
                await withTaskGroup(of: WatchEnd.self, returning: WatchEnd.self) { inner in
                    for (monitor, feed) in watched {
                        inner.addTask {
                            await monitor.run()
                            return .finished
                        }
                        inner.addTask {
                            for await event in monitor.events {
                                feed?.record(event)
                                output.event(event)
                                if event.isAlert, let hook, case .failure(let failure) = hook.run(event) {
                                    output.warning(failure.description)
                                }
                            }
                            return .finished
                        }
                        inner.addTask {
                            var printed = 0
                            for await snapshot in monitor.snapshots {
                                feed?.update(snapshot)
                                // A recording that cannot be written ends the watch: it would be incomplete.
                                if let error = snapshot.recordingError { return .recordingFailed(error) }
                                guard let every = summaryEvery, snapshot.rounds / every > printed else { continue }
                                printed = snapshot.rounds / every
                                output.summary(snapshot, final: false)
                            }
                            return .finished
                        }
                    }
                    var end = WatchEnd.finished
                    while let next = await inner.next() {
                        if case .recordingFailed = next {
                            end = next
                            inner.cancelAll()
                        }
                    }
                    return end
                }
            }
            let first = await group.next() ?? .finished
            group.cancelAll()
            return first
        }
        signals.finish()
        hook?.terminateAll()
        server?.stop()

        var alerts = 0
        var unreached = 0
        var recordingError: String?
        if case .recordingFailed(let error) = end { recordingError = error }
        for monitor in monitors {
            let snapshot = await monitor.snapshot
            alerts += snapshot.totalAlerts
            if snapshot.statistics.destinationTTL == nil { unreached += 1 }
            output.summary(snapshot, final: true)
            if recordingError == nil { recordingError = snapshot.recordingError }
        }
        if let recordingError {
            throw CommandFailure(message: recordingError, status: .outputFailed)
        }
        // Exit directly: these statuses are not errors and have no line to print.
        if case .signal(let number) = end {
            Foundation.exit((number == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted).rawValue)
        }
        if failOnAlert, alerts > 0 { Foundation.exit(ExitStatus.destinationNotReached.rawValue) }
        if unreached > 0 { Foundation.exit(ExitStatus.destinationNotReached.rawValue) }
    }

    /// Starts the `--metrics` listener; a bind failure exits 5 before any probe is sent.
    static func serveMetrics(_ option: String?, exporter: MetricsExporter?) throws -> MetricsServer? {
        guard let option, let listen = ListenAddress(option), let exporter else { return nil }
        do {
            let server = try MetricsServer.start(listen, exporter: exporter)
            Output.error("serving metrics at http://\(server.address)/metrics")
            return server
        } catch {
            throw CommandFailure(message: error.description, status: .network)
        }
    }

    /// How a watch ended.
    private enum WatchEnd: Sendable {
        case finished
        case signal(Int32)
        case recordingFailed(String)
    }

    /// One recording per host: `FILE.EXT` itself for one host, else `FILE.HOST.EXT` with the host name made safe
    /// for a file name (an IPv6 address's colons become `_`, as do `/` and anything outside letters, digits, `.`,
    /// `-`) and a `-2`, `-3` … suffix when two hosts would share a name.
    static func paths(_ path: String, for targets: [TraceTarget]) -> [String] {
        guard targets.count > 1 else { return [path] }
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let stem = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        var used: Set<String> = []
        return targets.map { target in
            let safe = String(target.name.unicodeScalars.map { scalar -> Character in
                let allowed = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "." || scalar == "-")
                return allowed ? Character(scalar) : "_"
            }.prefix(100))
            var name = safe.hasPrefix(".") ? "_" + safe.dropFirst() : safe
            var suffix = 2
            while used.contains(name) {
                name = "\(safe)-\(suffix)"
                suffix += 1
            }
            used.insert(name)
            return "\(stem).\(name)" + (ext.isEmpty ? "" : ".\(ext)")
        }
    }

    /// Resolves a host name again off the caller's thread (getaddrinfo blocks); nil for an address literal.
    static func resolver(for target: TraceTarget) -> (@Sendable () async -> IPAddress?)? {
        guard IPAddress(target.name) == nil else { return nil }
        let name = target.name
        let family = target.address.family
        return {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: try? ProbeEngine.resolve(name, family: family).address)
                }
            }
        }
    }
}

/// Everything `watch` prints: whole lines, one write each, from any task.
private final class WatchOutput: @unchecked Sendable {
    let json: Bool
    let bell: Bool
    // Keeps lines from several monitors whole and guards `warned`.
    private let lock = NSLock()
    private var warned: Set<String> = []

    init(json: Bool, bell: Bool) {
        self.json = json
        self.bell = bell
    }

    func started(_ prober: any PathProber, interval: Double) {
        let meta = TraceMeta(target: prober.target, source: prober.source, method: prober.method,
                             options: prober.options, startedAt: Date(), intervalMs: interval * 1000)
        if json {
            if let line = try? TracemapJSON.line(RecordingLine.header(meta)) { write(Escaping.json(line) + "\n") }
            return
        }
        let flows = prober.options.flows > 1 ? ", \(prober.options.flows) flows" : ""
        write("watching \(Escaping.terminal(prober.target.name)) (\(prober.target.address)) from \(prober.source?.description ?? "?"), "
              + "\(prober.options.protocolKind.rawValue.uppercased()) via \(prober.method.rawValue)\(flows), "
              + "a round every \(interval.formatted(decimals: interval < 1 ? 3 : 1)) s\n")
    }

    func event(_ event: MonitorEvent) {
        var text: String
        if json {
            text = Escaping.json((try? TracemapJSON.line(RecordingLine.event(event))) ?? "{}") + "\n"
        } else {
            // Not DateFormatter: it would load ICU for the life of the watch (README "Memory").
            let time = TimeText.local(event.time)
            text = "\(time)  \(Escaping.terminal(event.target))  \(event.severity.rawValue.uppercased())  \(event.kind.rawValue)  "
                + "\(Escaping.terminal(event.message, limit: 1000))\n"
        }
        if bell, event.isAlert {
            // The bell goes where it cannot break a JSON stream.
            if json { Output.writeStandardError("\u{07}") } else { text = "\u{07}" + text }
        }
        write(text)
    }

    func summary(_ snapshot: MonitorSnapshot, final: Bool) {
        if json {
            if let line = try? TracemapJSON.line(MonitorSummary(snapshot, final: final)) { write(Escaping.json(line) + "\n") }
            return
        }
        let columns = HopField.columns("LSNABWVEP") ?? []
        let table = TraceRenderer.table(meta: snapshot.meta, statistics: snapshot.statistics, columns: columns,
                                        naming: TraceRenderer.Naming(showNames: false))
        let active = snapshot.alerts.map(\.kind.rawValue).joined(separator: ", ")
        let footer = "\(snapshot.rounds) rounds, \(snapshot.totalAlerts) alerts"
            + (active.isEmpty ? "" : " (active: \(active))") + (final ? "" : " so far")
        write("\n" + table + footer + "\n")
    }

    func warning(_ text: String) {
        Output.error(text)
    }

    func warningOnce(_ text: String) {
        lock.lock()
        let fresh = warned.insert(text).inserted
        lock.unlock()
        if fresh { warning(text) }
    }

    private func write(_ text: String) {
        Output.write(text)
    }
}
