import ArgumentParser
import Dispatch
import Foundation
import TracemapModel
import TracemapMonitor
import TracemapProbe
import TracemapReport

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Trace continuously; report route changes, RTT spikes and loss as they happen.",
        discussion: """
            A round sends one probe per TTL (and flow) and starts every --interval seconds; several hosts are \
            watched side by side. Events print as lines (or JSON objects with --json); Ctrl-C prints a per-hop \
            report. Alerts: a route change confirmed over --route-rounds rounds, the destination lost for \
            --lost-rounds rounds, loss at the destination over the --loss X/Y rule, an RTT rise above the baseline \
            by --spike-pct and --spike-ms for --spike-rounds rounds. Loss at one intermediate hop only is ICMP \
            rate limiting: a note, never an alert. Exit status: 0 done (--count), 1 an alert was raised \
            (--fail-on-alert), 3 unknown host, 4 no permission, 5 no route, 6 recording file, 64 bad option, \
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
    var lostRounds = 5

    @Option(name: .customLong("loss"), help: "Loss alert: X of the last Y rounds lost at the destination (X/Y).")
    var lossRule = "3/10"

    @Option(name: .customLong("grace"), parsing: .unconditional, help: "Milliseconds a round waits after the destination answered.")
    var grace: Double = 50

    @Option(name: .customLong("max-round"), parsing: .unconditional, help: "Seconds a round may last at most (default: 3, or the timeout).")
    var maxRound: Double?

    @Argument(help: "Host names or addresses (up to 16).")
    var hosts: [String]

    mutating func validate() throws {
        if hosts.isEmpty || hosts.count > 16 { throw ValidationError("give 1 to 16 hosts") }
        try OptionCheck.number(interval, "--interval", 0.001...86_400, unit: "s")
        try OptionCheck.number(grace, "--grace", 0...60_000, unit: "ms")
        if let maxRound { try OptionCheck.number(maxRound, "--max-round", 0.001...3600, unit: "s") }
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
        options.grace = OptionCheck.milliseconds(grace)
        // A round must at least outlast one probe's timeout, or a slow hop would never be heard.
        let timeout = probe.timeout.isFinite ? min(60_000, max(0, probe.timeout)) : 1000
        options.maxRoundDuration = OptionCheck.seconds(maxRound ?? max(3, timeout / 1000 + 0.1))
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
        let options = monitorOptions
        let probeOptions = {
            var options = probe.probeOptions
            options.queries = 1
            return options
        }()
        let probers = try openProbers(hosts, arguments: probe, options: probeOptions)
        let output = WatchOutput(json: json, bell: bell)
        let hook = command.map { AlertHook(command: $0, onFailure: { output.warning($0.description) }) }

        var monitors: [Monitor] = []
        let paths = record.map { Self.paths($0, for: probers.map(\.target)) } ?? []
        for (index, prober) in probers.enumerated() {
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
        let watched = monitors
        let signals = TerminationSignals()
        let end = await withTaskGroup(of: WatchEnd.self, returning: WatchEnd.self) { group in
            group.addTask {
                for await number in signals.stream { return .signal(number) }
                return .finished
            }
            group.addTask {
                await withTaskGroup(of: WatchEnd.self, returning: WatchEnd.self) { inner in
                    for monitor in watched {
                        inner.addTask {
                            await monitor.run()
                            return .finished
                        }
                        inner.addTask {
                            for await event in monitor.events {
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
        signals.stop()
        hook?.terminateAll()

        var alerts = 0
        var recordingError: String?
        if case .recordingFailed(let error) = end { recordingError = error }
        for monitor in monitors {
            let snapshot = await monitor.snapshot
            alerts += snapshot.totalAlerts
            output.summary(snapshot, final: true)
            if recordingError == nil { recordingError = snapshot.recordingError }
        }
        if let recordingError {
            throw CommandFailure(message: recordingError, status: .outputFailed)
        }
        // Exit directly: these statuses are not errors and have no line to print.
        if case .signal(let number) = end { Foundation.exit(TerminationSignals.status(for: number).rawValue) }
        if failOnAlert, alerts > 0 { Foundation.exit(ExitStatus.destinationNotReached.rawValue) }
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
    // Keeps lines from several monitors whole and guards `warned` and the formatter.
    private let lock = NSLock()
    private var warned: Set<String> = []
    private let clock: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }()

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
            lock.lock()
            let time = clock.string(from: event.time)
            lock.unlock()
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
        let columns = HopColumn.columns("LSNABWVEP") ?? []
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
