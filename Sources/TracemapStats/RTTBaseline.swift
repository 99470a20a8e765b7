import DequeModule

/// A responder's normal RTT and its recent RTT, for spike detection: the baseline is the median of earlier
/// samples, the recent value the median of the last few (a median, so one slow reply moves neither).
///
/// A sample enters the baseline only after it has left the recent set, and not while the recent value is
/// raised (`freeze()`), nor for the samples that were recent when a spike ended (`thaw()`): the baseline is made
/// of rounds before a spike and never of the spike itself.
public struct RTTBaseline: Sendable, Hashable {
    public let recentCapacity: Int
    public let baselineCapacity: Int
    public private(set) var recent: Deque<Double> = []
    public private(set) var reference: Deque<Double> = []
    public private(set) var isFrozen = false
    /// Samples still to drop on their way from `recent` to `reference` after a thaw.
    private var quarantine = 0

    public init(recent: Int = 3, baseline: Int = 60) {
        recentCapacity = max(1, recent)
        baselineCapacity = max(1, baseline)
    }

    public mutating func add(_ rtt: Double) {
        recent.append(rtt)
        guard recent.count > recentCapacity else { return }
        let leaving = recent.removeFirst()
        if isFrozen { return }
        if quarantine > 0 {
            quarantine -= 1
            return
        }
        reference.append(leaving)
        if reference.count > baselineCapacity { reference.removeFirst() }
    }

    /// Stops samples from entering the baseline (while the recent value is above it).
    public mutating func freeze() { isFrozen = true }

    /// Lets samples into the baseline again, except those recent now: they belong to the spike that ended.
    public mutating func thaw() {
        guard isFrozen else { return }
        isFrozen = false
        quarantine = recent.count
    }

    /// Median of the last `recentCapacity` samples, once there are that many.
    public var recentMedian: Double? {
        recent.count == recentCapacity ? Self.median(recent) : nil
    }

    /// Median of the baseline samples, nil while there are fewer than `minimumSamples`.
    public func baselineMedian(minimumSamples: Int = 1) -> Double? {
        reference.count >= max(1, minimumSamples) ? Self.median(reference) : nil
    }

    static func median(_ values: Deque<Double>) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
