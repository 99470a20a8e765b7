import TracemapModel

/// A probe as seen inside a packet: parsed from a whole IP packet (the simulator reads probes this way) or from
/// the packet quoted in an ICMP error.
public struct ProbeEcho: Sendable, Hashable {
    /// 1 ICMP, 58 ICMPv6, 17 UDP, 6 TCP.
    public var protocolNumber: UInt8
    public var source: IPAddress
    public var destination: IPAddress
    /// TTL / hop limit as quoted (routers quote it as received: often 1); 0 when no IP header was quoted.
    public var ttl: UInt8
    public var tos: UInt8
    /// IPv4 only.
    public var ipIdentification: UInt16?
    public var icmpType: UInt8?
    public var icmpIdentifier: UInt16?
    public var icmpSequence: UInt16?
    public var icmpChecksum: UInt16?
    public var sourcePort: UInt16?
    public var destinationPort: UInt16?
    public var udpChecksum: UInt16?
    public var tcpSequence: UInt32?
    public var tcpFlags: UInt8?
    /// Quoted bytes after the transport header (may be empty or truncated).
    public var payload: [UInt8]

    public init(protocolNumber: UInt8, source: IPAddress, destination: IPAddress, ttl: UInt8 = 0, tos: UInt8 = 0,
                ipIdentification: UInt16? = nil, icmpType: UInt8? = nil, icmpIdentifier: UInt16? = nil,
                icmpSequence: UInt16? = nil, icmpChecksum: UInt16? = nil, sourcePort: UInt16? = nil,
                destinationPort: UInt16? = nil, udpChecksum: UInt16? = nil, tcpSequence: UInt32? = nil,
                tcpFlags: UInt8? = nil, payload: [UInt8] = []) {
        self.protocolNumber = protocolNumber
        self.source = source
        self.destination = destination
        self.ttl = ttl
        self.tos = tos
        self.ipIdentification = ipIdentification
        self.icmpType = icmpType
        self.icmpIdentifier = icmpIdentifier
        self.icmpSequence = icmpSequence
        self.icmpChecksum = icmpChecksum
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.udpChecksum = udpChecksum
        self.tcpSequence = tcpSequence
        self.tcpFlags = tcpFlags
        self.payload = payload
    }

    /// The first four transport bytes, as per-flow load balancers hash them (RFC 2992 §4: ports, or ICMP
    /// type, code and checksum); nil when this probe's protocol has none of these fields.
    public var flowBytes: [UInt8]? {
        if let sourcePort, let destinationPort {
            return [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xff),
                    UInt8(destinationPort >> 8), UInt8(destinationPort & 0xff)]
        }
        if let icmpType, let icmpChecksum {
            // Echo requests are code 0 (RFC 792, RFC 4443 §4.1).
            return [icmpType, 0, UInt8(icmpChecksum >> 8), UInt8(icmpChecksum & 0xff)]
        }
        return nil
    }
}
