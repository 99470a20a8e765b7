#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapStats

/// A per-hop summary of a monitor at one moment: `watch --json` prints one every `--summary-every` rounds and a
/// final one on exit (`"type":"summary"`). Hops and responders carry the hop field table's keys (README "Hop
/// fields"), as `trace --json` does.
public struct MonitorSummary: Codable, Sendable {
    public struct Responder: Codable, Sendable, Hashable {
        public var address: IPAddress
        public var sharePercent: Double
        /// Its replies only, since the start (loss is the hop's).
        public var figures: StatsView

        public var replies: Int { figures.received }

        enum CodingKeys: String, CodingKey {
            case address, sharePercent = "share_pct"
        }

        init(address: IPAddress, sharePercent: Double, figures: StatsView) {
            self.address = address
            self.sharePercent = sharePercent
            self.figures = figures
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            address = try c.decode(IPAddress.self, forKey: .address)
            sharePercent = try c.decode(Double.self, forKey: .sharePercent)
            figures = try StatsView(fieldsFrom: decoder, responder: true)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(address, forKey: .address)
            try c.encode(sharePercent, forKey: .sharePercent)
            try figures.encodeFields(to: encoder, responder: true)
        }
    }

    public struct Hop: Codable, Sendable {
        public var ttl: Int
        /// Since the start (or the last reset), as mtr's.
        public var figures: StatsView
        /// Over the rolling window: what the hop does now.
        public var windowLossPercent: Double
        /// Never answered: shown as silent, not as 100 % loss.
        public var silent: Bool
        public var responders: [Responder]
        /// Replies that came after their probe's deadline: counted apart from `received`.
        public var late: Int { figures.late ?? 0 }

        enum CodingKeys: String, CodingKey {
            case ttl, windowLossPercent = "window_loss_pct", silent, responders
        }

        init(_ hop: HopStatistics) {
            ttl = hop.ttl
            figures = .cumulative(hop)
            windowLossPercent = hop.window.lossPercent
            silent = hop.isSilent
            responders = hop.respondersByShare.map {
                Responder(address: $0.address, sharePercent: hop.share(of: $0),
                          figures: .responder($0, windowed: false))
            }
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ttl = try c.decode(Int.self, forKey: .ttl)
            windowLossPercent = try c.decode(Double.self, forKey: .windowLossPercent)
            silent = try c.decode(Bool.self, forKey: .silent)
            responders = try c.decode([Responder].self, forKey: .responders)
            figures = try StatsView(fieldsFrom: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(ttl, forKey: .ttl)
            try c.encode(windowLossPercent, forKey: .windowLossPercent)
            try c.encode(silent, forKey: .silent)
            try c.encode(responders, forKey: .responders)
            try figures.encodeFields(to: encoder)
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
