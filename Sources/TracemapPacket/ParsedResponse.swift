import TracemapModel

/// A reply to one of tracemap's probes, with the probe it answers.
public struct ParsedResponse: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case timeExceeded, echoReply, destinationUnreachable(code: UInt8), tcpSynAck, tcpReset
        case other(type: UInt8, code: UInt8)
    }

    public var responder: IPAddress
    public var kind: Kind
    /// The probe this answers: for ICMP errors the quoted packet; for an echo reply the identifier/sequence
    /// (destination = responder, source = the reply's destination); for TCP replies the probe's view:
    /// source/destination and ports swapped back, tcpSequence = acknowledgment − 1.
    public var probe: ProbeEcho
    /// RFC 4884 / RFC 4950 MPLS label stack from the ICMP extension structure (empty when absent or malformed).
    public var mpls: [MPLSLabel]

    public init(responder: IPAddress, kind: Kind, probe: ProbeEcho, mpls: [MPLSLabel] = []) {
        self.responder = responder
        self.kind = kind
        self.probe = probe
        self.mpls = mpls
    }
}
