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
    public struct Responder: Codable, Sendable {
        public var address: IPAddress
        public var replies: Int
        public var sharePercent: Double
        public var minMs: Double?
        public var meanMs: Double?
        public var maxMs: Double?
        public var stddevMs: Double?
        public var kind: ReplyKind
        public var mpls: [MPLSLabel]
        public var info: HostInfo?

        /// A responder from a summary (another tool's per-hop statistics), not from probes.
        public init(address: IPAddress, replies: Int, sharePercent: Double, minMs: Double? = nil,
                    meanMs: Double? = nil, maxMs: Double? = nil, stddevMs: Double? = nil,
                    kind: ReplyKind = .timeExceeded, mpls: [MPLSLabel] = [], info: HostInfo? = nil) {
            self.address = address
            self.replies = replies
            self.sharePercent = sharePercent
            self.minMs = minMs
            self.meanMs = meanMs
            self.maxMs = maxMs
            self.stddevMs = stddevMs
            self.kind = kind
            self.mpls = mpls
            self.info = info
        }

        enum CodingKeys: String, CodingKey {
            case address, replies, sharePercent = "share_pct", minMs = "min_ms", meanMs = "mean_ms"
            case maxMs = "max_ms", stddevMs = "stddev_ms", kind, mpls, info
        }
    }

    public struct Hop: Codable, Sendable {
        public var ttl: Int
        public var sent: Int
        public var lost: Int
        /// Replies that came after their probe was given up (counted in `lost`, shown apart).
        public var late: Int
        public var lossPercent: Double
        public var silent: Bool
        public var responders: [Responder]

        /// A hop from statistics, or from a summary (another tool's per-hop statistics, not probes).
        public init(ttl: Int, sent: Int, lost: Int, late: Int = 0, lossPercent: Double, silent: Bool,
                    responders: [Responder]) {
            self.ttl = ttl
            self.sent = sent
            self.lost = lost
            self.late = late
            self.lossPercent = lossPercent
            self.silent = silent
            self.responders = responders
        }

        enum CodingKeys: String, CodingKey {
            case ttl, sent, lost, late, lossPercent = "loss_pct", silent, responders
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ttl = try c.decode(Int.self, forKey: .ttl)
            sent = try c.decode(Int.self, forKey: .sent)
            lost = try c.decode(Int.self, forKey: .lost)
            late = try c.decodeIfPresent(Int.self, forKey: .late) ?? 0
            lossPercent = try c.decode(Double.self, forKey: .lossPercent)
            silent = try c.decode(Bool.self, forKey: .silent)
            responders = try c.decode([Responder].self, forKey: .responders)
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
        hops = statistics.orderedHops.map { hop in
            Hop(ttl: hop.ttl, sent: hop.sent, lost: hop.lost, late: hop.late, lossPercent: hop.lossPercent,
                silent: hop.isSilent,
                responders: hop.respondersByShare.map { responder in
                    let acc = responder.cumulative
                    return Responder(address: responder.address, replies: responder.replies,
                                     sharePercent: hop.share(of: responder), minMs: acc.bestOrNil,
                                     meanMs: acc.meanOrNil, maxMs: acc.worstOrNil,
                                     stddevMs: acc.count > 0 ? acc.standardDeviation : nil, kind: responder.kind,
                                     mpls: responder.mpls, info: info[responder.address])
                })
        }
        applyGeography(origin: origin)
    }
}
