#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapProbe
import TracemapStats

/// Watches one target: traces its path round after round through a `PathProber`, keeps per-hop statistics,
/// raises events (route change, RTT spike, loss, destination lost) and publishes a snapshot after every round.
///
/// Rounds are started on the clock, every `options.interval`, whatever comes back: a round whose probes still
/// wait for their replies (each has its own timeout) overlaps the next one, as mtr's do. Finished rounds are
/// taken in the order they were started, so statistics and events see the path in order. `run()` goes on until
/// its task is cancelled (or `options.rounds` rounds are done) and then finishes both streams; cancelling ends it
/// at once, rounds in flight included. Several monitors run side by side for several targets, all on the
/// process's one probe reactor.
public actor Monitor {
    /// Every round's snapshot. A slow reader only ever gets the newest one (bounded memory).
    public nonisolated let snapshots: AsyncStream<MonitorSnapshot>
    /// Every event as it is raised. A reader that lags `options.eventBuffer` events behind loses the oldest
    /// unread ones (a recording, written by the monitor itself, never does).
    public nonisolated let events: AsyncStream<MonitorEvent>
    public nonisolated let options: MonitorOptions

    private let snapshotSink: AsyncStream<MonitorSnapshot>.Continuation
    private let eventSink: AsyncStream<MonitorEvent>.Continuation
    private let recording: RecordingWriter?
    private let resolve: (@Sendable () async -> IPAddress?)?
    private let makeProber: (@Sendable (TraceTarget) throws -> any PathProber)?

    private var prober: any PathProber
    private var meta: TraceMeta
    private var planner: RoundPlanner
    /// The one place per-hop state lives; every snapshot carries a copy.
    private var ledger: PathLedger
    private var nextIndex = 0
    private var nextToProcess = 0
    private var recordingError: String?
    private var started = false

    private let clock = ContinuousClock()
    private var lastResolution: ContinuousClock.Instant
    private var resolving = false
    private var resolvedAddress: IPAddress?

    /// - Parameters:
    ///   - prober: probes the target; its `ProbeOptions` give the TTL range, protocol and flows.
    ///   - recording: receives the header, every round and every event, as they happen.
    ///   - resolve: resolves the target's name again; called when the destination is lost and every
    ///     `options.resolveEvery`. Needs `makeProber`.
    ///   - makeProber: opens a prober for the target's new address when `resolve` returns another one.
    ///   - historyLimit: RTT samples kept per TTL for charts (the TUI's); none by default.
    public init(prober: any PathProber, options: MonitorOptions = MonitorOptions(), historyLimit: Int = 0,
                recording: RecordingWriter? = nil,
                resolve: (@Sendable () async -> IPAddress?)? = nil,
                makeProber: (@Sendable (TraceTarget) throws -> any PathProber)? = nil) {
        self.prober = prober
        self.options = options
        self.recording = recording
        self.resolve = resolve
        self.makeProber = makeProber
        (snapshots, snapshotSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        (events, eventSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(max(1, options.eventBuffer)))
        meta = Self.meta(of: prober, options: options)
        planner = RoundPlanner(probe: prober.options, options: options)
        ledger = PathLedger(options: options, historyLimit: historyLimit)
        lastResolution = clock.now
    }

    /// Probes round after round until the task is cancelled or `options.rounds` are done, then finishes the
    /// `snapshots` and `events` streams. A monitor runs once.
    public func run() async {
        guard !started else { return }
        started = true
        record(.header(meta))
        let (finished, sink) = AsyncStream<Round>.makeStream()
        let interval = max(options.interval, .milliseconds(1))
        let launcher = Task { await self.launchRounds(every: interval, into: sink) }
        var waiting: [Int: Round] = [:]
        for await round in finished {
            waiting[round.index] = round
            while let next = waiting.removeValue(forKey: nextToProcess) {
                nextToProcess += 1
                process(next)
            }
            if isDone { break }
        }
        launcher.cancel()
        snapshotSink.finish()
        eventSink.finish()
    }

    /// Starts a round every `interval` on a fixed grid (a late start — the process was stopped — does not cause a
    /// burst) until cancelled or the count is reached; each round reports into `sink` when its probes are done.
    private nonisolated func launchRounds(every interval: Duration, into sink: AsyncStream<Round>.Continuation) async {
        let clock = ContinuousClock()
        var nextStart = clock.now
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled, let (index, plan, prober) = await self.nextLaunch() {
                group.addTask { sink.yield(await prober.trace(round: index, plan: plan)) }
                nextStart = max(nextStart.advanced(by: interval), clock.now)
                do { try await Task.sleep(until: nextStart, clock: clock) } catch { break }
            }
        }
    }

    /// The next round to start: its index, plan and prober; nil once `options.rounds` rounds were started.
    private func nextLaunch() -> (Int, RoundPlan, any PathProber)? {
        if let rounds = options.rounds, nextIndex >= rounds { return nil }
        applyResolution()
        defer { nextIndex += 1 }
        return (nextIndex, planner.plan(ledger), prober)
    }

    /// Clears every statistic and the baselines and loss windows behind the alerts (the TUI's `r`, as mtr's). The
    /// established path, the round count and the event log stay.
    public func reset() {
        ledger.resetStatistics()
        snapshotSink.yield(snapshot)
    }

    /// The state after the newest round.
    public var snapshot: MonitorSnapshot {
        MonitorSnapshot(meta: meta, ledger: ledger, recordingError: recordingError)
    }

    private var isDone: Bool {
        options.rounds.map { ledger.rounds >= $0 } ?? false
    }

    /// Traces one round and processes it before returning (tests drive a monitor round by round with it).
    func performRound() async {
        guard let (index, plan, prober) = nextLaunch() else { return }
        let round = await prober.trace(round: index, plan: plan)
        nextToProcess = index + 1
        process(round)
    }

    /// One finished round: statistics, events, recording and snapshot. Late replies noticed since the last round
    /// are filed with this one.
    func process(_ finished: Round) {
        var round = finished
        round.late += prober.takeLateReplies()
        record(.round(round))
        let raised = ledger.record(round, stamp: EventStamp(time: Date(), round: round.index, target: meta.target.name))
        for event in raised { publish(event) }
        if raised.contains(where: { $0.kind == .destinationLost })
            || clock.now - lastResolution >= options.resolveEvery {
            startResolution()
        }
        snapshotSink.yield(snapshot)
    }

    /// Hands a logged event to the stream and the recording.
    private func publish(_ event: MonitorEvent) {
        eventSink.yield(event)
        record(.event(event))
    }

    /// Writes a recording line; the first failure is kept for the snapshot and the monitor goes on.
    private func record(_ line: RecordingLine) {
        guard let recording else { return }
        do {
            try recording.write(line)
        } catch {
            if recordingError == nil { recordingError = error.description }
        }
    }

    // MARK: Re-resolution

    /// Resolves the name off the round loop: a slow resolver never delays a round.
    private func startResolution() {
        guard let resolve, makeProber != nil, !resolving else { return }
        resolving = true
        lastResolution = clock.now
        Task { [weak self] in
            let address = await resolve()
            await self?.resolved(address)
        }
    }

    private func resolved(_ address: IPAddress?) {
        resolving = false
        resolvedAddress = address
    }

    /// Switches to a new address between rounds: a new prober, and statistics and path learned afresh (the old
    /// ones describe a path to another host).
    private func applyResolution() {
        guard let address = resolvedAddress else { return }
        resolvedAddress = nil
        let old = meta.target
        guard address != old.address, let makeProber else { return }
        let target = TraceTarget(name: old.name, address: address)
        guard let next = try? makeProber(target) else { return }
        prober = next
        meta = Self.meta(of: next, options: options, startedAt: meta.startedAt)
        planner = RoundPlanner(probe: next.options, options: options)
        ledger.learnAfresh()
        let stamp = EventStamp(time: Date(), round: nextIndex, target: old.name)
        let event = stamp.event(.routeChange, .warning, ttl: nil,
                                "\(old.name) now resolves to \(address) (was \(old.address)); the path is learned afresh")
        ledger.append(event)
        publish(event)
    }

    private static func meta(of prober: any PathProber, options: MonitorOptions,
                             startedAt: Date = Date()) -> TraceMeta {
        var probe = prober.options
        probe.queries = 1
        if let maxHops = options.maxHops { probe.maxHops = maxHops }
        return TraceMeta(target: prober.target, source: prober.source, method: prober.method, options: probe,
                         startedAt: startedAt, intervalMs: options.interval.milliseconds)
    }
}
