#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One pass over the path: a probe per TTL (per flow, per query) up to the destination.
public struct Round: Codable, Sendable, Hashable {
    public var index: Int
    public var startedAt: Date
    public var endedAt: Date
    public var probes: [ProbeRecord]
    /// Replies that came after their probe's deadline (probes of this or earlier rounds), as they were noticed
    /// while this round ran: counted as late, never credited as replies.
    public var late: [LateReply]

    public init(index: Int, startedAt: Date, endedAt: Date, probes: [ProbeRecord], late: [LateReply] = []) {
        self.index = index
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.probes = probes
        self.late = late
    }

    /// The lowest TTL at which the destination answered, if it did.
    public var destinationTTL: Int? {
        probes.filter { $0.reply?.kind.isFromDestination == true }.map(\.ttl).min()
    }

    public enum CodingKeys: String, CodingKey {
        case index = "round", startedAt = "start", endedAt = "end", probes, late
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        startedAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .startedAt))
        endedAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .endedAt))
        probes = try c.decode([ProbeRecord].self, forKey: .probes)
        late = try c.decodeIfPresent([LateReply].self, forKey: .late) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(startedAt.timeIntervalSince1970, forKey: .startedAt)
        try c.encode(endedAt.timeIntervalSince1970, forKey: .endedAt)
        try c.encode(probes, forKey: .probes)
        if !late.isEmpty { try c.encode(late, forKey: .late) }
    }
}

/// A reply that arrived after its probe had been given up (its deadline passed, or a one-shot trace ended the
/// wait early): the router answered, but too late to count. mtr and traceroute drop these silently; tracemap
/// counts them so a slow router is told apart from a silent one.
public struct LateReply: Codable, Sendable, Hashable {
    public var ttl: Int
    public var flow: Int
    /// The round the probe was sent in.
    public var round: Int
    public var responder: IPAddress
    /// Milliseconds from the send to the kernel's receive timestamp.
    public var rtt: Double
    public var kind: ReplyKind

    public init(ttl: Int, flow: Int, round: Int, responder: IPAddress, rtt: Double, kind: ReplyKind) {
        self.ttl = ttl
        self.flow = flow
        self.round = round
        self.responder = responder
        self.rtt = rtt
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey {
        case ttl, flow, round, responder = "from", rtt, kind
    }
}

/// What to probe and how: the plain option struct every engine takes (parsing stays in the executable).
public struct ProbeOptions: Codable, Sendable, Hashable {
    public var protocolKind: ProbeProtocol = .icmp
    /// Destination port for UDP/TCP; nil means the protocol default (UDP 33434, TCP 80).
    public var port: UInt16?
    /// Probes per TTL in a one-shot trace.
    public var queries: Int = 3
    /// At most this many probes in flight at once.
    public var parallelRequests: Int = 18
    public var firstTTL: Int = 1
    public var maxHops: Int = 30
    /// Total IP packet size in bytes; nil means the smallest that carries tracemap's probe payload.
    public var packetSize: Int?
    public var tos: UInt8 = 0
    public var source: IPAddress?
    public var device: String?
    /// Milliseconds between two sends.
    public var sendInterval: Double = 0
    /// Milliseconds between the first sends of two consecutive TTLs.
    public var ttlInterval: Double = 0
    /// Milliseconds a probe may wait for its reply at most.
    public var timeout: Double = 1000
    /// Distinct Paris flows per TTL.
    public var flows: Int = 1

    public init() {}

    public var destinationPort: UInt16 {
        port ?? (protocolKind == .tcp ? 80 : 33434)
    }

    enum CodingKeys: String, CodingKey {
        case protocolKind = "protocol", port, queries, parallelRequests = "parallel_requests", firstTTL = "first_ttl"
        case maxHops = "max_hops", packetSize = "packet_size", tos, source, device
        case sendInterval = "send_interval_ms", ttlInterval = "ttl_interval_ms", timeout = "timeout_ms", flows
    }
}

/// A resolved target: the name the user gave and the address probed.
public struct TraceTarget: Codable, Sendable, Hashable {
    public var name: String
    public var address: IPAddress

    public init(name: String, address: IPAddress) {
        self.name = name
        self.address = address
    }
}
