import Foundation
import TracemapModel
import TracemapStats

/// A per-hop summary of a monitor at one moment: `watch --json` prints one every `--summary-every` rounds and a
/// final one on exit (`"type":"summary"`). Column keys match the hop table's (`loss_pct`, `avg_ms`, …).
public struct MonitorSummary: Codable, Sendable {
    public struct Responder: Codable, Sendable, Hashable {
        public var address: IPAddress
        public var replies: Int
        public var sharePercent: Double

        enum CodingKeys: String, CodingKey {
            case address, replies, sharePercent = "share_pct"
        }
    }

    public struct Hop: Codable, Sendable {
        public var ttl: Int
        public var sent: Int
        public var received: Int
        /// Replies that came after their probe's deadline: counted apart from `received`.
        public var late: Int
        /// Since the start (or the last reset), as mtr's Loss%.
        public var lossPercent: Double
        /// Over the rolling window: what the hop does now.
        public var windowLossPercent: Double
        /// Never answered: shown as silent, not as 100 % loss.
        public var silent: Bool
        public var responders: [Responder]
        public var last: Double?
        public var best: Double?
        public var mean: Double?
        public var worst: Double?
        public var standardDeviation: Double?
        /// Median and 95th percentile (nearest rank) over the rolling window.
        public var median: Double?
        public var p95: Double?
        /// mtr's Jttr, Javg, Jmax; `interarrivalJitter` is RFC 3550's J (mtr's Jint ÷ 16).
        public var lastJitter: Double?
        public var meanJitter: Double?
        public var maxJitter: Double?
        public var interarrivalJitter: Double?

        enum CodingKeys: String, CodingKey {
            case ttl, sent, received, late, lossPercent = "loss_pct", windowLossPercent = "window_loss_pct", silent
            case responders, last = "last_ms", best = "best_ms", mean = "avg_ms", worst = "worst_ms"
            case standardDeviation = "stdev_ms", median = "median_ms", p95 = "p95_ms", lastJitter = "jitter_ms"
            case meanJitter = "javg_ms", maxJitter = "jmax_ms", interarrivalJitter = "jint_ms"
        }

        init(_ hop: HopStatistics) {
            let acc = hop.cumulative
            let summary = hop.window.summary
            ttl = hop.ttl
            sent = hop.sent
            received = hop.received
            late = hop.late
            lossPercent = hop.lossPercent
            windowLossPercent = hop.window.lossPercent
            silent = hop.isSilent
            responders = hop.respondersByShare.map {
                Responder(address: $0.address, replies: $0.replies, sharePercent: hop.share(of: $0))
            }
            last = acc.last
            best = acc.bestOrNil
            mean = acc.meanOrNil
            worst = acc.worstOrNil
            standardDeviation = acc.count > 0 ? acc.standardDeviation : nil
            median = summary.median
            p95 = summary.p95
            lastJitter = acc.lastJitter
            meanJitter = acc.count > 1 ? acc.meanJitter : nil
            maxJitter = acc.count > 1 ? acc.maxJitter : nil
            interarrivalJitter = acc.count > 1 ? acc.interarrivalJitter : nil
        }
    }

    public var target: TraceTarget
    public var time: Date
    public var rounds: Int
    /// The last summary of a run (`--count` done, or Ctrl-C).
    public var final: Bool
    /// Whether the newest round reached the destination.
    public var reached: Bool
    /// The kinds of the alerts active now.
    public var activeAlerts: [MonitorEvent.Kind]
    public var totalAlerts: Int
    public var hops: [Hop]

    public init(_ snapshot: MonitorSnapshot, final: Bool = false, time: Date = Date()) {
        target = snapshot.meta.target
        self.time = time
        rounds = snapshot.rounds
        self.final = final
        reached = snapshot.statistics.lastRoundReached
        activeAlerts = snapshot.alerts.map(\.kind)
        totalAlerts = snapshot.totalAlerts
        hops = snapshot.statistics.orderedHops.map(Hop.init)
    }

    enum CodingKeys: String, CodingKey {
        case type, target, time, rounds, final, reached, activeAlerts = "active_alerts"
        case totalAlerts = "total_alerts", hops
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        target = try c.decode(TraceTarget.self, forKey: .target)
        time = try c.decode(Date.self, forKey: .time)
        rounds = try c.decode(Int.self, forKey: .rounds)
        final = try c.decode(Bool.self, forKey: .final)
        reached = try c.decode(Bool.self, forKey: .reached)
        activeAlerts = try c.decode([MonitorEvent.Kind].self, forKey: .activeAlerts)
        totalAlerts = try c.decode(Int.self, forKey: .totalAlerts)
        hops = try c.decode([Hop].self, forKey: .hops)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("summary", forKey: .type)
        try c.encode(target, forKey: .target)
        try c.encode(time, forKey: .time)
        try c.encode(rounds, forKey: .rounds)
        try c.encode(final, forKey: .final)
        try c.encode(reached, forKey: .reached)
        try c.encode(activeAlerts, forKey: .activeAlerts)
        try c.encode(totalAlerts, forKey: .totalAlerts)
        try c.encode(hops, forKey: .hops)
    }
}
