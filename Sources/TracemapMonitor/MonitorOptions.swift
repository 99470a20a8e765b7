#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// How a monitor paces its rounds and when it raises an event. TTL range, protocol and flows come from the
/// prober's `ProbeOptions`; these are the monitor's own settings. Parsing stays in the executable.
public struct MonitorOptions: Sendable, Hashable {
    /// Rounds start this far apart, on the clock: a round whose probes still wait for replies overlaps the next.
    public var interval: Duration = .seconds(1)
    /// Rounds kept in the rolling statistics (median, p95, window loss).
    public var window: Int = 60
    /// Stop after this many rounds (`watch --count`); nil runs until the task is cancelled.
    public var rounds: Int?
    /// A round ends this long after the destination answered (once every lower TTL is answered or timed out).
    public var grace: Duration = .zero
    /// Overrides the prober's `maxHops` for the rounds that probe the whole path.
    public var maxHops: Int?

    /// Route change: the responders must differ from the established path for this many rounds in a row.
    public var routeChangeRounds: Int = 2
    /// Destination lost: no answer from the destination for this many rounds in a row. With 1 s rounds and a
    /// 1 s timeout the alert comes about 3–4 s after the destination went dark; a destination that drops one
    /// reply in ten raises it about once in a thousand rounds' worth of three-in-a-row.
    public var destinationLostRounds: Int = 3

    /// RTT spike: the recent median must exceed the baseline by this fraction (0.4 = +40 %)…
    public var spikeRelative: Double = 0.4
    /// …and by this many milliseconds, so a 1 ms hop going to 1.5 ms is no spike…
    public var spikeAbsolute: Double = 5
    /// …for this many rounds in a row; it recovers after as many rounds below half the margins.
    public var spikeRounds: Int = 2
    /// The recent value is the median of this many replies.
    public var spikeRecentRounds: Int = 3
    /// The baseline is the median of up to this many replies before the recent ones.
    public var baselineRounds: Int = 60
    /// No spike is judged before the baseline holds this many replies.
    public var baselineMinimumSamples: Int = 10

    /// Loss alert: at least `lossCount` of the last `lossRounds` rounds lost at the destination.
    public var lossCount: Int = 3
    public var lossRounds: Int = 10

    /// How often the target name is resolved again (also whenever the destination is lost).
    public var resolveEvery: Duration = .seconds(300)
    /// Events kept in the ledger's log (and so in every snapshot).
    public var recentEventCapacity: Int = 100
    /// Events an `events` consumer may lag behind before the oldest unread ones are dropped.
    public var eventBuffer: Int = 256

    public init() {}

    /// The first setting out of range, as one line naming the option; nil when all are valid.
    public var problem: String? {
        if interval <= .zero { return "interval must be above 0" }
        if window < 1 { return "window must be at least 1 round" }
        if let rounds, rounds < 1 { return "count must be at least 1 round" }
        if grace < .zero { return "grace must not be negative" }
        if let maxHops, !(1...255).contains(maxHops) { return "max hops must be 1…255" }
        if routeChangeRounds < 1 { return "route-change rounds must be at least 1" }
        if destinationLostRounds < 1 { return "destination-lost rounds must be at least 1" }
        if !(spikeRelative >= 0) || !spikeRelative.isFinite { return "spike percentage must be 0 or more" }
        if !(spikeAbsolute >= 0) || !spikeAbsolute.isFinite { return "spike milliseconds must be 0 or more" }
        if spikeRounds < 1 { return "spike rounds must be at least 1" }
        if spikeRecentRounds < 1 { return "spike recent rounds must be at least 1" }
        if baselineRounds < 1 || baselineMinimumSamples < 1 { return "baseline rounds must be at least 1" }
        if lossRounds < 1 || !(1...lossRounds).contains(lossCount) {
            return "loss rule must be X/Y with 1 ≤ X ≤ Y"
        }
        if resolveEvery <= .zero { return "re-resolution interval must be above 0" }
        if recentEventCapacity < 1 || eventBuffer < 1 { return "event buffers must hold at least 1 event" }
        return nil
    }
}

extension Duration {
    /// The duration in (fractional) milliseconds.
    var milliseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }
}
