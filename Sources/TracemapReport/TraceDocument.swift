#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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

        enum CodingKeys: String, CodingKey {
            case address, replies, sharePercent = "share_pct", minMs = "min_ms", meanMs = "mean_ms"
            case maxMs = "max_ms", stddevMs = "stddev_ms", kind, mpls, info
        }
    }

    public struct Hop: Codable, Sendable {
        public var ttl: Int
        public var sent: Int
        public var lost: Int
        public var lossPercent: Double
        public var silent: Bool
        public var responders: [Responder]

        enum CodingKeys: String, CodingKey {
            case ttl, sent, lost, lossPercent = "loss_pct", silent, responders
        }
    }

    public var meta: TraceMeta
    public var reached: Bool
    public var hops: [Hop]
    public var probes: [ProbeRecord]

    public init(meta: TraceMeta, statistics: PathStatistics, probes: [ProbeRecord], info: [IPAddress: HostInfo]) {
        self.meta = meta
        self.reached = statistics.lastRoundReached
        self.probes = probes
        hops = statistics.orderedHops.map { hop in
            Hop(ttl: hop.ttl, sent: hop.sent, lost: hop.lost, lossPercent: hop.lossPercent, silent: hop.isSilent,
                responders: hop.respondersByShare.map { responder in
                    let acc = responder.cumulative
                    return Responder(address: responder.address, replies: responder.replies,
                                     sharePercent: hop.share(of: responder), minMs: acc.bestOrNil,
                                     meanMs: acc.meanOrNil, maxMs: acc.worstOrNil,
                                     stddevMs: acc.count > 0 ? acc.standardDeviation : nil, kind: responder.kind,
                                     mpls: responder.mpls, info: info[responder.address])
                })
        }
    }
}
