import ArgumentParser
import Foundation
import TracemapCLI
import Synchronization
import TracemapImport
import TracemapModel
import TracemapMonitor
import TracemapProbe
import TracemapRemote
import TracemapReport

/// The `watch` options that watch from Globalping probes instead of from this machine.
struct RemoteWatchArguments: ParsableArguments {
    @Option(name: .customLong("from"),
            help: ArgumentHelp("Watch from Globalping probes at these locations (comma-separated magic locations); rounds are repeated measurements on the same probes, no faster than the hourly limit allows.",
                               valueName: "LOC[,LOC…]"))
    var from: String?

    @Option(name: .customLong("limit"), help: "Globalping probes per --from location (1–200).")
    var limit: Int?

    var isRequested: Bool { from != nil }

    mutating func validate() throws {
        if limit != nil && from == nil { throw ValidationError("--limit goes with --from") }
        if let limit, !(1...200).contains(limit) { throw ValidationError("--limit must be 1…200") }
    }
}

/// `watch --from`: the monitor's route-change, spike and loss events per Globalping vantage point. Each round is
/// one measurement on the probes of the first (Globalping's `locations: <id>`), so vantage points stay put; rounds
/// start no faster than the hourly test limit allows (tests per round = probes).
struct RemoteWatch {
    var remote: RemoteWatchArguments
    var probe: ProbeArguments
    var host: String
    var options: MonitorOptions
    var interval: Double
    var json: Bool

    func run() async throws {
        let settings = RemoteSettings(environment: ProcessInfo.processInfo.environment)
        let session = RemoteSession(settings: settings)
        var client = GlobalpingClient(http: session.http, baseURL: settings.globalpingURL, token: settings.globalpingToken)
        if let ms = settings.pollIntervalMs { client.pollInterval = .milliseconds(max(ms, 0)) }
        let locations = (remote.from ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let kind = probe.tcp ? ProbeProtocol.tcp : probe.udp ? .udp : probe.protocolKind ?? .icmp
        var request = GlobalpingRequest(locations: locations, limitPerLocation: remote.limit ?? 1, target: host,
                                        protocolName: kind.rawValue.uppercased(), port: probe.port,
                                        ipVersion: probe.ipv4 ? 4 : probe.ipv6 ? 6 : nil, packets: 1)
        let first: GlobalpingMeasurement
        let traces: [ImportedTrace]
        do {
            try RemoteSettings.validate(settings.globalpingURL, name: "TRACEMAP_GLOBALPING_URL")
            first = try await client.run(request, progress: session.progress)
            traces = try session.parse(first.body, format: .globalping, engine: .globalping,
                                       name: "Globalping measurement \(first.id)")
        } catch {
            throw CommandFailure(message: error.redacted(settings.secrets).description, status: error.exitStatus)
        }
        request.reuseProbesOf = first.id
        // Every round costs one test per probe; the hourly limit (X-RateLimit-Limit, else the documented 250
        // anonymous / 500 with a token) sets the fastest pace that never runs out.
        let hourly = first.rateLimit?.limit ?? (settings.globalpingToken == nil ? 250 : 500)
        let fastest = 3600 * Double(traces.count) / Double(max(1, hourly))
        let effective = max(interval, fastest)
        var monitorOptions = options
        monitorOptions.interval = .milliseconds(Int64((effective * 1000).rounded()))
        let reason = effective > interval
            ? " (\(traces.count) test\(traces.count == 1 ? "" : "s") per round, \(hourly) tests/hour: no faster)" : ""
        let output = RemoteWatchOutput(json: json, secrets: settings.secrets)
        output.line("watching \(RemoteReport.safe(host)) from \(traces.count) Globalping probe"
                    + "\(traces.count == 1 ? "" : "s") every \(effective.formatted(decimals: 1)) s\(reason)")

        let rounds = GlobalpingRounds(client: client, request: request, first: traces, engineOrder: traces.count,
                                      secrets: settings.secrets)
        var monitors: [(Monitor, String, VantagePoint?)] = []
        for (index, trace) in traces.enumerated() {
            var probeOptions = probe.probeOptions
            probeOptions.queries = 1
            let prober = RemoteVantageProber(target: trace.document.meta.target, options: probeOptions,
                                             rounds: rounds, index: index)
            let label = RemoteReport.heading(trace.document.meta.vantage)
            monitors.append((Monitor(prober: prober, options: monitorOptions), label, trace.document.meta.vantage))
            output.line("  \(label)" + (trace.document.hops.isEmpty ? ": no trace (\(trace.notes.joined(separator: "; ")))" : ""))
        }
        let watched = monitors
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await rounds.waitForFailure()
                return true
            }
            group.addTask {
                await withTaskGroup(of: Void.self) { inner in
                    for (monitor, label, vantage) in watched {
                        inner.addTask { await monitor.run() }
                        inner.addTask {
                            for await event in monitor.events { output.event(event, label: label, vantage: vantage) }
                        }
                    }
                }
                return false
            }
            // Either a measurement failed (stop everything) or the monitors are done (--count).
            let failed = await group.next() ?? false
            if !failed { await rounds.release() }
            group.cancelAll()
            await group.waitForAll()
        }
        if let failure = await rounds.failure {
            throw CommandFailure(message: failure.description, status: failure.exitStatus)
        }
    }
}

/// One measurement per round for every vantage point: the first monitor to ask for round N starts it, the others
/// wait for the same answer.
actor GlobalpingRounds {
    private let client: GlobalpingClient
    private let request: GlobalpingRequest
    private let secrets: Secrets
    private let count: Int
    private var pending: [Int: Task<[Round?], Never>] = [:]
    private(set) var failure: RemoteError?
    private var failureWaiters: [CheckedContinuation<Void, Never>] = []
    private var released = false

    init(client: GlobalpingClient, request: GlobalpingRequest, first: [ImportedTrace], engineOrder: Int,
         secrets: Secrets) {
        self.client = client
        self.request = request
        self.secrets = secrets
        count = engineOrder
        let rounds = first.map { Self.round($0, index: 0) }
        pending[0] = Task { rounds }
    }

    func round(_ index: Int, vantage: Int) async -> Round? {
        if let task = pending[index] { return await task.value[safe: vantage] ?? nil }
        let client = client, request = request, count = count
        let task = Task { () -> [Round?] in
            do {
                let measurement = try await client.run(request)
                let traces = try TraceImporter.parse(Data(measurement.body), format: .globalping,
                                                     name: "Globalping measurement \(measurement.id)").traces
                guard traces.count == count else {
                    self.fail(.malformed(engine: .globalping, detail: "measurement \(measurement.id) has "
                                               + "\(traces.count) results for \(count) probes"))
                    return []
                }
                return traces.map { Self.round($0, index: index) }
            } catch let error as RemoteError {
                self.fail(error.redacted(self.secrets))
            } catch {
                self.fail(.malformed(engine: .globalping, detail: "\(error)"))
            }
            return []
        }
        pending[index] = task
        pending[index - 2] = nil
        return await task.value[safe: vantage] ?? nil
    }

    private func fail(_ error: RemoteError) {
        guard failure == nil else { return }
        failure = error
        failureWaiters.forEach { $0.resume() }
        failureWaiters.removeAll()
    }

    /// Lets `waitForFailure` return: the monitors are done.
    func release() {
        failureWaiters.forEach { $0.resume() }
        failureWaiters.removeAll()
        released = true
    }

    /// Returns once a measurement failed, or when `release` is called.
    func waitForFailure() async {
        if released { return }
        if failure != nil { return }
        await withCheckedContinuation { failureWaiters.append($0) }
    }

    static func round(_ trace: ImportedTrace, index: Int) -> Round? {
        guard !trace.document.hops.isEmpty || !trace.document.probes.isEmpty else { return nil }
        let meta = trace.document.meta
        return Round(index: index, startedAt: meta.startedAt, endedAt: meta.endedAt ?? meta.startedAt,
                     probes: trace.document.probes)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// One Globalping probe as the monitor's prober: a round is that probe's part of the round's measurement.
struct RemoteVantageProber: PathProber {
    let target: TraceTarget
    let options: ProbeOptions
    let rounds: GlobalpingRounds
    let index: Int
    var method: ProbeMethod { .imported }
    var source: IPAddress? { nil }

    func trace(round index: Int, plan: RoundPlan) async -> Round {
        let now = Date()
        if let round = await rounds.round(index, vantage: self.index) {
            var round = round
            round.index = index
            return round
        }
        // A probe that failed this round, or a measurement that failed: a round with no answer at all.
        return Round(index: index, startedAt: now, endedAt: Date(), probes: [])
    }
}

/// Event lines, each headed by the vantage point it happened at; or JSON objects with a `vantage` key.
final class RemoteWatchOutput: Sendable {
    let json: Bool
    let secrets: Secrets
    private let lock = Mutex(())

    init(json: Bool, secrets: Secrets) {
        self.json = json
        self.secrets = secrets
    }

    func line(_ text: String) {
        guard !json else { return }
        write(text + "\n")
    }

    func event(_ event: MonitorEvent, label: String, vantage: VantagePoint?) {
        if json {
            guard let data = try? TracemapJSON.encoder(pretty: false).encode(event),
                  var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return }
            if let vantage, let encoded = try? TracemapJSON.encoder(pretty: false).encode(vantage) {
                object["vantage"] = try? JSONSerialization.jsonObject(with: encoded)
            }
            guard let line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
            write(String(decoding: line, as: UTF8.self) + "\n")
            return
        }
        let time = ISO8601DateFormatter.string(from: event.time, timeZone: .current,
                                               formatOptions: [.withTime, .withColonSeparatorInTime])
        write("\(time) [\(label)] \(event.severity.rawValue) \(event.kind.rawValue): \(RemoteReport.safe(event.message))\n")
    }

    private func write(_ text: String) {
        lock.withLock { _ in Output.write(secrets.scrub(text)) }
    }
}
