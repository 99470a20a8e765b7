#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapStats

/// Everything known about one path, kept in one place and updated once per round: per-hop statistics, windows
/// and responders (`PathStatistics`), each TTL's RTT history, the destination's TTL, the established path, the
/// alert detectors' state, and the event log with its sequence numbers. The monitor owns one; every snapshot
/// carries a copy (a value: views read it and never see it change), numbered by `version`.
///
/// It is pure — no clock, no I/O — so a recording replays through the same code the live monitor runs.
public struct PathLedger: Sendable {
    /// Goes up with every change (a round, an event, a reset): two snapshots with one version hold the same.
    public private(set) var version = 0
    /// Rounds recorded so far (a reset does not rewind it).
    public private(set) var rounds = 0
    public private(set) var lastRound: Round?
    /// Wall-clock time of the first round since start or reset, and of the newest (recording time in a replay).
    public private(set) var firstRoundAt: Date?
    public private(set) var lastRoundAt: Date?
    public private(set) var statistics: PathStatistics
    public private(set) var history: HopHistory
    /// The TTL of the destination's newest answer, kept while it is silent and forgotten when a router answers
    /// time-exceeded at or past it (the path goes on): how far the next round must probe. It can run ahead of
    /// `destinationTTL` while a longer or shorter path waits for its confirmation.
    public private(set) var reachedTTL: Int?

    private let options: MonitorOptions
    private var routes: RouteTracker
    private var losses: LossDetector
    private var spikes: SpikeDetector
    private var log: EventLog

    /// - Parameter historyLimit: RTT samples kept per TTL for charts (0 for none: a headless `watch`).
    public init(options: MonitorOptions, historyLimit: Int = 0) {
        self.options = options
        statistics = PathStatistics(windowRounds: options.window)
        history = HopHistory(limit: historyLimit)
        routes = RouteTracker(confirmRounds: options.routeChangeRounds, lostRounds: options.destinationLostRounds)
        losses = LossDetector(options)
        spikes = SpikeDetector(options)
        log = EventLog(capacity: options.recentEventCapacity)
    }

    // MARK: The facts views read

    /// The destination's TTL on the established path: where rows end, what loss and spikes are judged at, what
    /// `path_length` reports. It changes only on proof (`RouteTracker`); nil until the destination answered.
    public var destinationTTL: Int? { routes.length }
    /// The established path: index 0 is TTL 1, an empty list a silent hop, several addresses ECMP alternatives.
    public var path: [[IPAddress]] { routes.path }
    /// Whether the destination stopped answering (a `destination-lost` or `-unreachable` alert is open).
    public var destinationLost: Bool { routes.destinationLost }
    /// The newest events, oldest first, at most `MonitorOptions.recentEventCapacity`.
    public var events: [MonitorEvent] { Array(log.events) }
    /// The sequence number of the newest event: events ever logged, dropped ones included.
    public var eventSequence: Int { log.total }
    /// Alerts ever raised.
    public var totalAlerts: Int { log.alerts }
    /// Alerts raised and not yet recovered, in the order raised.
    public var alerts: [MonitorEvent] { log.open }

    /// The events numbered after `sequence` (what a reader that saw up to `sequence` has not seen yet).
    public func events(after sequence: Int) -> ArraySlice<MonitorEvent> { log.events(after: sequence) }

    /// Each hop's condition (healthy, rate-limited, loss behind, …) by the one rule, since start or over the
    /// rolling window.
    public func conditions(rolling: Bool) -> [Int: HopCondition] {
        HopCondition.classify(statistics.orderedHops, rolling: rolling, destinationReached: statistics.lastRoundReached)
    }

    // MARK: Updates

    /// Takes in one finished round: statistics, history, the destination, and the detectors' judgement. Returns
    /// the events it raised, already logged.
    mutating func record(_ round: Round, stamp: EventStamp) -> [MonitorEvent] {
        let observation = PathObservation(round)
        var raised = routes.observe(observation, stamp)
        raised += losses.observe(observation, destinationTTL: routes.length, stamp)
        raised += spikes.observe(observation, destinationTTL: routes.length, stamp)
        apply(round)
        for event in raised { log.append(event) }
        return raised
    }

    /// Takes in a round of a recording: statistics, history and the destination as live, but no detection —
    /// the recording's own events come through `replay(_:)` as they were raised.
    public mutating func replay(_ round: Round) {
        let stamp = EventStamp(time: round.startedAt, round: round.index, target: "")
        _ = routes.observe(PathObservation(round), stamp)
        apply(round)
    }

    /// Logs an event of a recording, or one the monitor raised outside a round (a new address).
    public mutating func append(_ event: MonitorEvent) {
        log.append(event)
        version += 1
    }

    /// Forgets every statistic, the history and the detectors' baselines and loss windows (the TUI's `r`, as
    /// mtr's): the alerts judged on them close without a recovery. The established path, the round count and
    /// the event log stay.
    public mutating func resetStatistics() {
        statistics = PathStatistics(windowRounds: options.window)
        history = HopHistory(limit: history.limit)
        spikes = SpikeDetector(options)
        losses = LossDetector(options)
        log.close([.rttSpike, .loss])
        firstRoundAt = nil
        version += 1
    }

    /// Starts over for a new address of the target: the path, the destination and every statistic are learned
    /// afresh (the old ones describe a path to another host), and every open alert closes. The round count and
    /// the event log stay.
    mutating func learnAfresh() {
        resetStatistics()
        routes = RouteTracker(confirmRounds: options.routeChangeRounds, lostRounds: options.destinationLostRounds)
        reachedTTL = nil
        log.close([.destinationLost, .destinationUnreachable])
    }

    private mutating func apply(_ round: Round) {
        rounds += 1
        lastRound = round
        firstRoundAt = firstRoundAt ?? round.startedAt
        lastRoundAt = round.endedAt
        statistics.record(round, destinationTTL: routes.length)
        history.record(round, destinationTTL: routes.length)
        if let reached = round.destinationTTL {
            reachedTTL = reached
        } else if let known = reachedTTL,
                  round.probes.contains(where: { $0.ttl >= known && $0.reply?.kind == .timeExceeded }) {
            reachedTTL = nil
        }
        version += 1
    }
}
