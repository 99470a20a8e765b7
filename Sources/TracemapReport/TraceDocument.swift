#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapGeo
import TracemapModel
import TracemapStats

/// The `trace --json` document, schema version `TraceMeta.schemaVersion` (README "JSON schema").
/// Summaries for reading, and every probe, so any statistic can be computed again from the file.
public struct TraceDocument: Codable, Sendable {
    /// One address that answered at a hop: its figures under the hop field table's keys (README "Hop fields"),
    /// the same keys as its hop's.
    public struct Responder: Codable, Sendable {
        public var address: IPAddress
        public var sharePercent: Double
        /// Its replies only: `sent` and `received` are its replies, no loss (loss is the hop's).
        public var figures: StatsView
        public var kind: ReplyKind
        public var mpls: [MPLSLabel]
        public var info: HostInfo?

        public var replies: Int { figures.received }

        public init(address: IPAddress, sharePercent: Double, figures: StatsView, kind: ReplyKind = .timeExceeded,
                    mpls: [MPLSLabel] = [], info: HostInfo? = nil) {
            self.address = address
            self.sharePercent = sharePercent
            self.figures = figures
            self.kind = kind
            self.mpls = mpls
            self.info = info
        }

        /// A responder from a summary (another tool's per-hop statistics), not from probes.
        public init(address: IPAddress, replies: Int, sharePercent: Double, last: Double? = nil,
                    best: Double? = nil, mean: Double? = nil, worst: Double? = nil, standardDeviation: Double? = nil,
                    kind: ReplyKind = .timeExceeded, mpls: [MPLSLabel] = [], info: HostInfo? = nil) {
            self.init(address: address, sharePercent: sharePercent,
                      figures: StatsView(sent: replies, received: replies, last: last, mean: mean, best: best,
                                         worst: worst, standardDeviation: standardDeviation),
                      kind: kind, mpls: mpls, info: info)
        }

        enum CodingKeys: String, CodingKey {
            case address, sharePercent = "share_pct", kind, mpls, info
        }

        /// Schema version 1's names for what are now field keys.
        enum VersionOneKeys: String, CodingKey {
            case replies, minMs = "min_ms", meanMs = "mean_ms", maxMs = "max_ms", stddevMs = "stddev_ms"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            address = try c.decode(IPAddress.self, forKey: .address)
            sharePercent = try c.decode(Double.self, forKey: .sharePercent)
            kind = try c.decode(ReplyKind.self, forKey: .kind)
            mpls = try c.decode([MPLSLabel].self, forKey: .mpls)
            info = try c.decodeIfPresent(HostInfo.self, forKey: .info)
            figures = try StatsView(fieldsFrom: decoder, responder: true)
            let old = try decoder.container(keyedBy: VersionOneKeys.self)
            if let replies = try old.decodeIfPresent(Int.self, forKey: .replies) {
                figures.sent = replies
                figures.received = replies
                figures.best = try old.decodeIfPresent(Double.self, forKey: .minMs)
                figures.mean = try old.decodeIfPresent(Double.self, forKey: .meanMs)
                figures.worst = try old.decodeIfPresent(Double.self, forKey: .maxMs)
                figures.standardDeviation = try old.decodeIfPresent(Double.self, forKey: .stddevMs)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(address, forKey: .address)
            try c.encode(sharePercent, forKey: .sharePercent)
            try c.encode(kind, forKey: .kind)
            try c.encode(mpls, forKey: .mpls)
            try c.encodeIfPresent(info, forKey: .info)
            try figures.encodeFields(to: encoder, responder: true)
        }
    }

    public struct Hop: Codable, Sendable {
        public var ttl: Int
        /// The hop's figures since the start, under the hop field table's keys (README "Hop fields").
        public var figures: StatsView
        public var silent: Bool
        public var responders: [Responder]

        public var sent: Int { figures.sent }
        public var lost: Int { figures.sent - figures.received }
        public var lossPercent: Double { figures.lossPercent ?? 0 }
        /// Replies that came after their probe was given up (counted in `dropped`, shown apart).
        public var late: Int { figures.late ?? 0 }

        public init(ttl: Int, figures: StatsView, silent: Bool, responders: [Responder]) {
            self.ttl = ttl
            self.figures = figures
            self.silent = silent
            self.responders = responders
        }

        /// A hop from a summary (another tool's per-hop statistics, not probes): its figures from its responders'.
        public init(ttl: Int, sent: Int, lost: Int, late: Int = 0, lossPercent: Double, silent: Bool,
                    responders: [Responder]) {
            var figures = StatsView.combining(responders.map(\.figures), sent: sent, lossPercent: lossPercent)
            figures.received = max(0, sent - lost)
            figures.late = late
            self.init(ttl: ttl, figures: figures, silent: silent, responders: responders)
        }

        enum CodingKeys: String, CodingKey {
            case ttl, silent, responders
        }

        /// Schema version 1 gave a hop `lost` and no RTT figures.
        enum VersionOneKeys: String, CodingKey {
            case lost
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ttl = try c.decode(Int.self, forKey: .ttl)
            silent = try c.decode(Bool.self, forKey: .silent)
            responders = try c.decode([Responder].self, forKey: .responders)
            figures = try StatsView(fieldsFrom: decoder)
            let old = try decoder.container(keyedBy: VersionOneKeys.self)
            if let lost = try old.decodeIfPresent(Int.self, forKey: .lost) {
                let loss = figures.lossPercent
                figures = StatsView.combining(responders.map(\.figures), sent: figures.sent, lossPercent: loss)
                figures.received = max(0, figures.sent - lost)
                figures.late = try StatsView(fieldsFrom: decoder).late
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(ttl, forKey: .ttl)
            try c.encode(silent, forKey: .silent)
            try c.encode(responders, forKey: .responders)
            try figures.encodeFields(to: encoder)
        }
    }

    public var meta: TraceMeta
    public var reached: Bool
    public var hops: [Hop]
    public var probes: [ProbeRecord]
    /// Hop locations checked against the RTTs (`checkGeography`); absent when no responder has coordinates.
    public var geography: GeoAssessment?

    /// A document from summaries (mtr, trippy, Cloudflare give per-hop statistics, not probes): `probes` may be
    /// empty.
    public init(meta: TraceMeta, reached: Bool, hops: [Hop], probes: [ProbeRecord] = []) {
        self.meta = meta
        self.reached = reached
        self.hops = hops
        self.probes = probes
    }

    /// `origin` is `--origin LAT,LON`, used when the trace has no vantage point of its own.
    public init(meta: TraceMeta, statistics: PathStatistics, probes: [ProbeRecord], info: [IPAddress: HostInfo],
                origin: GeoLocation? = nil) {
        self.meta = meta
        self.reached = statistics.lastRoundReached
        self.probes = probes
        hops = Self.hops(statistics, info: info)
        applyGeography(origin: origin)
    }

    static func hops(_ statistics: PathStatistics, info: [IPAddress: HostInfo]) -> [Hop] {
        statistics.orderedHops.map { hop in
            Hop(ttl: hop.ttl, figures: .cumulative(hop), silent: hop.isSilent,
                responders: hop.respondersByShare.map { responder in
                    Responder(address: responder.address, sharePercent: hop.share(of: responder),
                              figures: .responder(responder, windowed: false), kind: responder.kind,
                              mpls: responder.mpls, info: info[responder.address])
                })
        }
    }

    enum CodingKeys: String, CodingKey {
        case meta, reached, hops, probes, geography
    }

    /// Always the current schema: a document read from an older file is held in today's shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var meta = meta
        meta.schemaVersion = TraceMeta.schemaVersion
        try c.encode(meta, forKey: .meta)
        try c.encode(reached, forKey: .reached)
        try c.encode(hops, forKey: .hops)
        try c.encode(probes, forKey: .probes)
        try c.encodeIfPresent(geography, forKey: .geography)
    }

    /// A version 1 document's hops had no figures of their own: they are computed again from its probes, as
    /// `trace` computed them (else combined from its responders'). Its responders keep the figures the file
    /// states (from RTTs more precise than the probes' three decimals) and take the others from the probes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        meta = try c.decode(TraceMeta.self, forKey: .meta)
        reached = try c.decode(Bool.self, forKey: .reached)
        hops = try c.decode([Hop].self, forKey: .hops)
        probes = try c.decode([ProbeRecord].self, forKey: .probes)
        geography = try c.decodeIfPresent(GeoAssessment.self, forKey: .geography)
        guard meta.schemaVersion < 2, !probes.isEmpty else { return }
        var statistics = PathStatistics(windowRounds: 1)
        let start = probes.map(\.sentAt).min() ?? meta.startedAt
        statistics.record(Round(index: 0, startedAt: start, endedAt: meta.endedAt ?? start, probes: probes))
        for index in hops.indices {
            guard let hop = statistics.hops[hops[index].ttl] else { continue }
            hops[index].figures = .cumulative(hop)
            for position in hops[index].responders.indices {
                if let responder = hop.responders[hops[index].responders[position].address] {
                    hops[index].responders[position].figures.fill(from: .responder(responder, windowed: false))
                }
            }
        }
    }
}
