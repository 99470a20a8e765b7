import TracemapModel

/// Reads replies as raw sockets deliver them and finds the probe each one answers. Never traps: anything
/// truncated, malformed or not a reply to a probe gives nil.
public enum ResponseParser {
    /// A whole IPv4 packet as a raw AF_INET socket delivers it (IP header first): ICMP or TCP.
    public static func parseIPv4(_ packet: [UInt8]) -> ParsedResponse? {
        guard let ip = IPHeaderView(packet), ip.family == .v4, !ip.isLaterFragment else { return nil }
        let body = ip.transport(of: packet)
        switch ip.protocolNumber {
        case IPProtocolNumber.icmp: return parseICMP(body, family: .v4, from: ip.source, to: ip.destination)
        case IPProtocolNumber.tcp: return parseTCP(body, from: ip.source, to: ip.destination)
        default: return nil
        }
    }

    /// An ICMPv6 message as a raw ICMPv6 socket delivers it (from the ICMPv6 header); `from` is the sender
    /// (msg_name), `to` our address if known.
    public static func parseICMPv6(_ message: [UInt8], from: IPAddress, to: IPAddress?) -> ParsedResponse? {
        parseICMP(message, family: .v6, from: from, to: to)
    }

    /// A TCP segment as a raw AF_INET6/IPPROTO_TCP socket delivers it (from the TCP header).
    /// Only SYN-ACK and RST answer a SYN probe; anything else gives nil.
    public static func parseTCP(_ segment: [UInt8], from: IPAddress, to: IPAddress) -> ParsedResponse? {
        guard let sourcePort = segment.uint16(at: 0), let destinationPort = segment.uint16(at: 2),
              let acknowledgment = segment.uint32(at: 8), let flags = segment.byte(at: 13), segment.count >= 20
        else { return nil }
        let kind: ParsedResponse.Kind
        if flags & TCPFlag.rst != 0 {
            kind = .tcpReset
        } else if flags & (TCPFlag.syn | TCPFlag.ack) == TCPFlag.syn | TCPFlag.ack {
            kind = .tcpSynAck
        } else {
            return nil
        }
        // RFC 793 §3.4: a SYN-ACK or RST-ACK to a SYN acknowledges its sequence number + 1.
        let probe = ProbeEcho(protocolNumber: IPProtocolNumber.tcp, source: to, destination: from,
                              sourcePort: destinationPort, destinationPort: sourcePort,
                              tcpSequence: acknowledgment &- 1, tcpFlags: TCPFlag.syn)
        return ParsedResponse(responder: from, kind: kind, probe: probe)
    }

    /// A whole IPv4 or IPv6 packet carrying a probe (or the packet quoted in an ICMP error, possibly truncated to
    /// the IP header + 8 bytes).
    public static func parseProbe(_ packet: [UInt8]) -> ProbeEcho? {
        guard let ip = IPHeaderView(packet), !ip.isLaterFragment else { return nil }
        return probe(ip: ip, transport: ip.transport(of: packet))
    }

    /// ICMP and ICMPv6 share their layout: type, code, checksum, 4 type-specific bytes, then the quote or data.
    private static func parseICMP(_ message: [UInt8], family: IPAddress.Family, from responder: IPAddress,
                                  to local: IPAddress?) -> ParsedResponse? {
        guard message.count >= 8, let type = message.byte(at: 0), let code = message.byte(at: 1) else { return nil }
        let kind: ParsedResponse.Kind
        let extensible: Bool
        switch (family, type) {
        case (.v4, ICMPv4Type.echoReply), (.v6, ICMPv6Type.echoReply):
            return echoReply(message, family: family, from: responder, to: local)
        case (.v4, ICMPv4Type.timeExceeded), (.v6, ICMPv6Type.timeExceeded):
            kind = .timeExceeded
            extensible = true
        case (.v4, ICMPv4Type.destinationUnreachable), (.v6, ICMPv6Type.destinationUnreachable):
            kind = .destinationUnreachable(code: code)
            extensible = true
        case (.v4, ICMPv4Type.parameterProblem):
            kind = .other(type: type, code: code)
            extensible = true
        case (.v4, ICMPv4Type.sourceQuench), (.v4, ICMPv4Type.redirect),
             (.v6, ICMPv6Type.packetTooBig), (.v6, ICMPv6Type.parameterProblem):
            kind = .other(type: type, code: code)
            extensible = false
        default:
            return nil
        }
        let (quote, extensionBytes) = extensible ? split(message, family: family) : (message.tail(from: 8), [])
        guard let probe = parseProbe(quote) else { return nil }
        return ParsedResponse(responder: responder, kind: kind, probe: probe,
                              mpls: ICMPExtension.mplsLabels(in: extensionBytes))
    }

    /// Separates the original datagram from an RFC 4884 extension structure. The length attribute is octet 5
    /// (32-bit words) in ICMPv4 and octet 4 (64-bit words) in ICMPv6. Without it, RFC 4884 §5 lets an ICMPv4
    /// receiver look for a valid extension header after a 128-byte quote, as pre-RFC MPLS routers send.
    private static func split(_ message: [UInt8], family: IPAddress.Family) -> (quote: [UInt8], ext: [UInt8]) {
        let lengthWords = Int(message.byte(at: family == .v4 ? 5 : 4) ?? 0)
        let unit = family == .v4 ? 4 : 8
        if lengthWords > 0 {
            let quoteEnd = 8 + lengthWords * unit
            guard quoteEnd <= message.count else { return (message.tail(from: 8), []) }
            return (message.tail(from: 8, to: quoteEnd), message.tail(from: quoteEnd))
        }
        let legacyEnd = 8 + ICMPExtension.minimumQuote
        if family == .v4, message.count > legacyEnd, ICMPExtension.isValid(message.tail(from: legacyEnd)) {
            return (message.tail(from: 8, to: legacyEnd), message.tail(from: legacyEnd))
        }
        return (message.tail(from: 8), [])
    }

    /// An echo reply carries the request's identifier, sequence and data (RFC 792, RFC 4443 §4.2). The request's
    /// checksum follows from the reply's: only the type word differs (0x0800 vs 0x0000, 0x8000 vs 0x8100) and
    /// the ICMPv6 pseudo-header sum is the same with the addresses swapped. One's-complement zero is given as
    /// 0x0000, as a computed checksum is; a Paris flow checksum of 0xffff comes back as 0x0000.
    private static func echoReply(_ message: [UInt8], family: IPAddress.Family, from responder: IPAddress,
                                  to local: IPAddress?) -> ParsedResponse? {
        guard let checksum = message.uint16(at: 2), let identifier = message.uint16(at: 4),
              let sequence = message.uint16(at: 6) else { return nil }
        let derived = family == .v4
            ? InternetChecksum.add(checksum, ~UInt16(0x0800))
            : InternetChecksum.add(checksum, 0x0100)
        let requestChecksum = derived == 0xffff ? 0 : derived
        let unspecified = IPAddress(bytes: [UInt8](repeating: 0, count: family == .v4 ? 4 : 16)) ?? responder
        let probe = ProbeEcho(protocolNumber: family == .v4 ? IPProtocolNumber.icmp : IPProtocolNumber.icmpv6,
                              source: local ?? unspecified, destination: responder,
                              icmpType: family == .v4 ? ICMPv4Type.echoRequest : ICMPv6Type.echoRequest,
                              icmpIdentifier: identifier, icmpSequence: sequence, icmpChecksum: requestChecksum,
                              payload: message.tail(from: 8))
        return ParsedResponse(responder: responder, kind: .echoReply, probe: probe)
    }

    /// The transport fields of a probe. RFC 792 guarantees only 8 transport bytes in a quote: enough for ports
    /// and the UDP checksum, ICMP type/checksum/identifier/sequence, TCP ports and sequence number.
    private static func probe(ip: IPHeaderView, transport: [UInt8]) -> ProbeEcho? {
        var echo = ProbeEcho(protocolNumber: ip.protocolNumber, source: ip.source, destination: ip.destination,
                             ttl: ip.ttl, tos: ip.tos, ipIdentification: ip.identification)
        switch ip.protocolNumber {
        case IPProtocolNumber.icmp where ip.family == .v4, IPProtocolNumber.icmpv6 where ip.family == .v6:
            guard let type = transport.byte(at: 0), let checksum = transport.uint16(at: 2),
                  let identifier = transport.uint16(at: 4), let sequence = transport.uint16(at: 6) else { return nil }
            echo.icmpType = type
            echo.icmpChecksum = checksum
            let isEcho = ip.family == .v4
                ? type == ICMPv4Type.echoRequest || type == ICMPv4Type.echoReply
                : type == ICMPv6Type.echoRequest || type == ICMPv6Type.echoReply
            if isEcho {
                echo.icmpIdentifier = identifier
                echo.icmpSequence = sequence
            }
            echo.payload = transport.tail(from: 8)
        case IPProtocolNumber.udp:
            guard let sourcePort = transport.uint16(at: 0), let destinationPort = transport.uint16(at: 2),
                  let checksum = transport.uint16(at: 6) else { return nil }
            echo.sourcePort = sourcePort
            echo.destinationPort = destinationPort
            echo.udpChecksum = checksum
            echo.payload = transport.tail(from: 8)
        case IPProtocolNumber.tcp:
            guard let sourcePort = transport.uint16(at: 0), let destinationPort = transport.uint16(at: 2),
                  let sequence = transport.uint32(at: 4) else { return nil }
            echo.sourcePort = sourcePort
            echo.destinationPort = destinationPort
            echo.tcpSequence = sequence
            echo.tcpFlags = transport.byte(at: 13)
            if let dataOffset = transport.byte(at: 12).map({ Int($0 >> 4) * 4 }), dataOffset >= 20 {
                echo.payload = transport.tail(from: dataOffset)
            }
        default:
            echo.payload = transport
        }
        return echo
    }
}
