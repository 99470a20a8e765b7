#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The transport a probe uses.
public enum ProbeProtocol: String, Codable, Sendable, CaseIterable {
    case icmp, udp, tcp
}

/// How probes are sent and replies received; printed in every output so a reader knows what ran.
public enum ProbeMethod: String, Codable, Sendable, CaseIterable {
    /// Raw sockets (root or CAP_NET_RAW): full control of every header, Paris flows for all protocols.
    case raw
    /// Unprivileged ICMP "ping" sockets (net.ipv4.ping_group_range), errors from IP_RECVERR.
    case pingSocket = "ping-socket"
    /// Unprivileged UDP sockets with IP_RECVERR/IPV6_RECVERR.
    case udpRecvErr = "udp-recverr"
    /// Unprivileged non-blocking TCP connect with IP_RECVERR/IPV6_RECVERR (one source port per probe).
    case tcpConnect = "tcp-connect"
    /// Not probed by this process: read from another tool's file or a remote engine's results
    /// (`TraceMeta.vantage` says where it was taken).
    case imported
}

/// What answered a probe.
public enum ReplyKind: String, Codable, Sendable {
    /// ICMP time exceeded in transit: an intermediate hop.
    case timeExceeded = "time-exceeded"
    /// ICMP echo reply from the target.
    case echoReply = "echo-reply"
    /// ICMP port unreachable from the target (the UDP destination answer).
    case portUnreachable = "port-unreachable"
    /// Any other destination unreachable (host, net, prohibited…); ends the path at that hop.
    case unreachable
    /// TCP SYN-ACK from the target.
    case tcpSynAck = "tcp-syn-ack"
    /// TCP RST from the target (closed port; still the destination).
    case tcpReset = "tcp-reset"

    /// Whether this reply comes from the probed destination itself.
    public var isFromDestination: Bool {
        switch self {
        case .echoReply, .portUnreachable, .tcpSynAck, .tcpReset: true
        case .timeExceeded, .unreachable: false
        }
    }
}

/// One MPLS label stack entry quoted in an ICMP extension (RFC 4950).
public struct MPLSLabel: Codable, Sendable, Hashable {
    public var label: UInt32
    public var trafficClass: UInt8
    public var bottomOfStack: Bool
    public var ttl: UInt8

    public init(label: UInt32, trafficClass: UInt8, bottomOfStack: Bool, ttl: UInt8) {
        self.label = label
        self.trafficClass = trafficClass
        self.bottomOfStack = bottomOfStack
        self.ttl = ttl
    }
}

/// A reply matched to a probe.
public struct ProbeReply: Codable, Sendable, Hashable {
    public var responder: IPAddress
    /// Round-trip time in milliseconds, from the send time to the kernel's receive timestamp.
    public var rtt: Double
    public var kind: ReplyKind
    /// ICMP code for unreachable replies (RFC 792 / RFC 4443), nil otherwise.
    public var code: UInt8?
    public var mpls: [MPLSLabel]

    public init(responder: IPAddress, rtt: Double, kind: ReplyKind, code: UInt8? = nil, mpls: [MPLSLabel] = []) {
        self.responder = responder
        self.rtt = rtt
        self.kind = kind
        self.code = code
        self.mpls = mpls
    }
}

/// How one probe ended.
public enum ProbeOutcome: Sendable, Hashable {
    case reply(ProbeReply)
    case timeout
    /// The kernel refused to send it (ENETUNREACH, EHOSTUNREACH, EPERM…): a failed probe, never a crash.
    case sendFailed(String)
}

/// One probe and its outcome: the unit every statistic, recording and view is built from.
public struct ProbeRecord: Sendable, Hashable {
    public var ttl: Int
    /// Which Paris flow (0 ..< flows) carried it.
    public var flow: Int
    public var sequence: UInt16
    /// Wall-clock send time.
    public var sentAt: Date
    public var outcome: ProbeOutcome

    public init(ttl: Int, flow: Int, sequence: UInt16, sentAt: Date, outcome: ProbeOutcome) {
        self.ttl = ttl
        self.flow = flow
        self.sequence = sequence
        self.sentAt = sentAt
        self.outcome = outcome
    }

    public var reply: ProbeReply? {
        if case .reply(let reply) = outcome { return reply }
        return nil
    }
}

extension ProbeRecord: Codable {
    // Flat, stable JSON: {"ttl":3,"flow":0,"seq":12,"sent":…,"result":"reply","from":"…","rtt":1.2,…}
    enum CodingKeys: String, CodingKey {
        case ttl, flow, seq, sent, result, from, rtt, kind, code, mpls, error
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ttl = try c.decode(Int.self, forKey: .ttl)
        flow = try c.decodeIfPresent(Int.self, forKey: .flow) ?? 0
        sequence = try c.decodeIfPresent(UInt16.self, forKey: .seq) ?? 0
        sentAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .sent))
        switch try c.decode(String.self, forKey: .result) {
        case "reply":
            outcome = .reply(ProbeReply(
                responder: try c.decode(IPAddress.self, forKey: .from),
                rtt: try c.decode(Double.self, forKey: .rtt),
                kind: try c.decode(ReplyKind.self, forKey: .kind),
                code: try c.decodeIfPresent(UInt8.self, forKey: .code),
                mpls: try c.decodeIfPresent([MPLSLabel].self, forKey: .mpls) ?? []))
        case "timeout":
            outcome = .timeout
        case "send-failed":
            outcome = .sendFailed(try c.decodeIfPresent(String.self, forKey: .error) ?? "unknown")
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .result, in: c, debugDescription: "unknown result \(other)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ttl, forKey: .ttl)
        try c.encode(flow, forKey: .flow)
        try c.encode(sequence, forKey: .seq)
        try c.encode((sentAt.timeIntervalSince1970 * 1e6).rounded() / 1e6, forKey: .sent)
        switch outcome {
        case .reply(let reply):
            try c.encode("reply", forKey: .result)
            try c.encode(reply.responder, forKey: .from)
            try c.encode((reply.rtt * 1000).rounded() / 1000, forKey: .rtt)
            try c.encode(reply.kind, forKey: .kind)
            try c.encodeIfPresent(reply.code, forKey: .code)
            if !reply.mpls.isEmpty { try c.encode(reply.mpls, forKey: .mpls) }
        case .timeout:
            try c.encode("timeout", forKey: .result)
        case .sendFailed(let error):
            try c.encode("send-failed", forKey: .result)
            try c.encode(error, forKey: .error)
        }
    }
}
