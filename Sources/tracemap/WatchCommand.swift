import ArgumentParser
import Dispatch
import Foundation
import TracemapMetrics
import TracemapModel
import TracemapMonitor
import TracemapProbe
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

    @Option(name: [.customShort("i"), .customLong("interval")], help: "Seconds between the starts of two rounds.")
    var interval: Double = 1

    @Option(name: .customLong("window"), help: "Rounds in the rolling statistics (median, p95, window loss).")
    var window = 60

    @Option(name: [.customShort("c"), .customLong("count")], help: "Stop after this many rounds.")
    var count: Int?

    @Flag(help: "Print one JSON object per line: a header per host, events, summaries.")
    var json = false

    @Option(name: .customLong("summary-every"), help: "Print a per-hop summary every N rounds.")
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

    @Option(name: .customLong("spike-pct"), help: "RTT spike: percent above the baseline.")
    var spikePercent: Double = 40

    @Option(name: .customLong("spike-ms"), help: "RTT spike: milliseconds above the baseline.")
    var spikeMilliseconds: Double = 5

    @Option(name: .customLong("spike-rounds"), help: "RTT spike: rounds the rise must last.")
    var spikeRounds = 2

    @Option(name: .customLong("route-rounds"), help: "Route change: rounds the new path must hold.")
    var routeRounds = 2

    @Option(name: .customLong("lost-rounds"), help: "Destination lost: rounds without its answer.")
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
        guard interval.isFinite, interval >= 0.01, interval <= 86_400 else {
            throw ValidationError("--interval must be 0.01…86400 seconds")
        }
        if let summaryEvery, summaryEvery < 1 { throw ValidationError("--summary-every must be at least 1") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if !(1...100_000).contains(window) { throw ValidationError("--window must be 1…100000 rounds") }
        for (flag, rounds) in [("--route-rounds", routeRounds), ("--lost-rounds", lostRounds),
                               ("--spike-rounds", spikeRounds)] where !(1...10_000).contains(rounds) {
            throw ValidationError("\(flag) must be 1…10000 rounds")
        }
        guard spikePercent.isFinite, spikePercent >= 0 else { throw ValidationError("--spike-pct must be 0 or more") }
        guard spikeMilliseconds.isFinite, spikeMilliseconds >= 0 else {
            throw ValidationError("--spike-ms must be 0 or more")
        }
        if parsedLossRule == nil { throw ValidationError("--loss must be X/Y with 1 ≤ X ≤ Y, e.g. 3/10") }
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
        options.interval = .milliseconds(Int64((interval * 1000).rounded()))
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
        let hook = command.map { AlertHook(command: $0) }

        var monitors: [Monitor] = []
        var feeds: [MetricsTarget?] = []
        for prober in probers {
            feeds.append(exporter?.target(named: prober.target.name))
            var recording: RecordingWriter?
            if let record {
                do {
                    recording = try RecordingWriter(path: probers.count == 1 ? record : Self.path(record, for: prober.target))
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
        let interrupts = Interrupts()
        let interrupted = await withTaskGroup(of: Bool.self, returning: Bool.self) { group in
            group.addTask {
                for await _ in interrupts.stream { return true }
                return false
            }
            group.addTask {
                await withTaskGroup(of: Void.self) { inner in
                    for (monitor, feed) in watched {
                        inner.addTask { await monitor.run() }
                        inner.addTask {
                            for await event in monitor.events {
                                feed?.record(event)
                                output.event(event)
                                if event.isAlert, let hook, case .failure(let failure) = hook.run(event) {
                                    output.warning(failure.description)
                                }
                            }
                        }
                        inner.addTask {
                            var printed = 0
                            for await snapshot in monitor.snapshots {
                                feed?.update(snapshot)
                                if let error = snapshot.recordingError { output.warningOnce(error) }
                                guard let every = summaryEvery, snapshot.rounds / every > printed else { continue }
                                printed = snapshot.rounds / every
                                output.summary(snapshot, final: false)
                            }
                        }
                    }
                }
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        interrupts.stop()
        server?.stop()

        var alerts = 0
        var unreached = 0
        for monitor in monitors {
            let snapshot = await monitor.snapshot
            alerts += snapshot.totalAlerts
            if snapshot.statistics.destinationTTL == nil { unreached += 1 }
            output.summary(snapshot, final: true)
            if let error = snapshot.recordingError { output.warningOnce(error) }
        }
        // Exit directly: these statuses are not errors and have no line to print.
        if interrupted { Foundation.exit(ExitStatus.interrupted.rawValue) }
        if failOnAlert, alerts > 0 { Foundation.exit(ExitStatus.destinationNotReached.rawValue) }
        if unreached > 0 { Foundation.exit(ExitStatus.destinationNotReached.rawValue) }
    }

    /// Starts the `--metrics` listener; a bind failure exits 5 before any probe is sent.
    static func serveMetrics(_ option: String?, exporter: MetricsExporter?) throws -> MetricsServer? {
        guard let option, let listen = ListenAddress(option), let exporter else { return nil }
        do {
            let server = try MetricsServer.start(listen, exporter: exporter)
            FileHandle.standardError.write(Data("tracemap: serving metrics at http://\(server.address)/metrics\n".utf8))
            return server
        } catch {
            throw CommandFailure(message: error.description, status: .network)
        }
    }

    /// `FILE.EXT` → `FILE.HOST.EXT`: one recording per host.
    static func path(_ path: String, for target: TraceTarget) -> String {
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let stem = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        return "\(stem).\(target.name)" + (ext.isEmpty ? "" : ".\(ext)")
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

/// SIGINT as a stream: the first Ctrl-C ends the watch with a report, a second one exits at once.
private final class Interrupts: @unchecked Sendable {
    let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let source: DispatchSourceSignal
    // Touched only on the signal source's serial queue.
    private var received = 0

    init() {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        // The default action would kill the process before the report: the dispatch source takes SIGINT instead.
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "tracemap.sigint"))
        source.setEventHandler { [weak self] in
            guard let self else { return }
            received += 1
            if received > 1 { _exit(ExitStatus.interrupted.rawValue) }
            continuation.yield()
        }
        source.resume()
    }

    /// Stops listening; SIGINT stays ignored while the final report prints.
    func stop() {
        source.cancel()
        continuation.finish()
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
            if let line = try? TracemapJSON.line(RecordingLine.header(meta)) { write(line + "\n") }
            return
        }
        let flows = prober.options.flows > 1 ? ", \(prober.options.flows) flows" : ""
        write("watching \(prober.target.name) (\(prober.target.address)) from \(prober.source?.description ?? "?"), "
              + "\(prober.options.protocolKind.rawValue.uppercased()) via \(prober.method.rawValue)\(flows), "
              + "a round every \(interval.formatted(decimals: interval < 1 ? 3 : 1)) s\n")
    }

    func event(_ event: MonitorEvent) {
        var text: String
        if json {
            text = ((try? TracemapJSON.line(RecordingLine.event(event))) ?? "{}") + "\n"
        } else {
            // Not DateFormatter: it would load ICU for the life of the watch (README "Memory").
            let time = TimeText.local(event.time)
            text = "\(time)  \(event.target)  \(event.severity.rawValue.uppercased())  \(event.kind.rawValue)  "
                + "\(event.message)\n"
        }
        if bell, event.isAlert {
            // The bell goes where it cannot break a JSON stream.
            if json { FileHandle.standardError.write(Data("\u{07}".utf8)) } else { text = "\u{07}" + text }
        }
        write(text)
    }

    func summary(_ snapshot: MonitorSnapshot, final: Bool) {
        if json {
            if let line = try? TracemapJSON.line(MonitorSummary(snapshot, final: final)) { write(line + "\n") }
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
        FileHandle.standardError.write(Data("tracemap: \(text)\n".utf8))
    }

    func warningOnce(_ text: String) {
        lock.lock()
        let fresh = warned.insert(text).inserted
        lock.unlock()
        if fresh { warning(text) }
    }

    private func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
