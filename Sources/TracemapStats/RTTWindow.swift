import DequeModule

/// The samples of the last `capacity` rounds (a ring buffer: memory stays bounded however long a monitor runs).
/// A sample is an RTT in milliseconds, or nil for a probe that got no reply.
public struct RTTWindow: Sendable, Hashable {
    public struct Sample: Sendable, Hashable {
        public var round: Int
        public var rtt: Double?
    }

    public let capacity: Int
    public private(set) var samples: Deque<Sample> = []

    public init(rounds capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public mutating func add(round: Int, rtt: Double?) {
        samples.append(Sample(round: round, rtt: rtt))
        evict(before: round - capacity + 1)
    }

    /// Drops samples of rounds older than `round` (called as rounds pass, even for a hop that got no probe).
    public mutating func evict(before round: Int) {
        while let first = samples.first, first.round < round { samples.removeFirst() }
    }

    public var rtts: [Double] { samples.compactMap(\.rtt) }
    public var sent: Int { samples.count }
    public var received: Int { samples.reduce(0) { $0 + ($1.rtt == nil ? 0 : 1) } }

    public var lossPercent: Double {
        sent == 0 ? 0 : Double(sent - received) / Double(sent) * 100
    }

    public var summary: RTTSummary { RTTSummary(rtts) }
}

/// Order statistics and moments of a finite set of RTTs.
public struct RTTSummary: Sendable, Hashable {
    public var count: Int
    public var mean: Double?
    public var best: Double?
    public var worst: Double?
    public var median: Double?
    /// 95th percentile, nearest-rank method (the smallest sample with at least 95% of samples at or below it).
    public var p95: Double?
    public var standardDeviation: Double
    /// Mean of |RTTᵢ − RTTᵢ₋₁| in arrival order.
    public var meanJitter: Double

    public init(_ rtts: [Double]) {
        count = rtts.count
        guard !rtts.isEmpty else {
            mean = nil; best = nil; worst = nil; median = nil; p95 = nil; standardDeviation = 0; meanJitter = 0
            return
        }
        var accumulator = RTTAccumulator()
        rtts.forEach { accumulator.add($0) }
        mean = accumulator.mean
        best = accumulator.best
        worst = accumulator.worst
        standardDeviation = accumulator.standardDeviation
        meanJitter = accumulator.meanJitter
        let sorted = rtts.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        let rank = Int((0.95 * Double(sorted.count)).rounded(.up))
        p95 = sorted[max(0, rank - 1)]
    }
}
