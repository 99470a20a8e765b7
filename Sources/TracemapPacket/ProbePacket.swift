import TracemapModel

/// Builders for the probes tracemap sends: transport headers with their payload, and IP headers for raw sends.
public enum ProbePacket {
    /// ICMP (v4) or ICMPv6 echo request: header + payload, checksum filled (v6 needs source/destination for the
    /// pseudo-header; if nil leave 0 — the kernel fills it on raw ICMPv6 sockets).
    /// Paris traceroute: if `flowChecksum` is given, two payload bytes (at payload offset 0-1) are chosen so the
    /// checksum field equals it whatever identifier/sequence are; per-flow load balancers hash the first 4 bytes
    /// (type, code, checksum) so the flow stays on one path. For ICMPv6 without addresses the tweak cannot be
    /// computed (the pseudo-header is unknown): the bytes stay 0 and the kernel's checksum is whatever it is.
    /// `payload` is copied after the tweak bytes (tracemap puts a magic tag + sequence there). `payloadLength` is
    /// the total payload size (>= 2 + payload.count; a smaller value is raised to that).
    public static func icmpEcho(family: IPAddress.Family, identifier: UInt16, sequence: UInt16, payload: [UInt8],
                                payloadLength: Int, flowChecksum: UInt16?, source: IPAddress?,
                                destination: IPAddress?) -> [UInt8] {
        var message: [UInt8] = [family == .v4 ? ICMPv4Type.echoRequest : ICMPv6Type.echoRequest, 0, 0, 0]
        message.append(uint16: identifier)
        message.append(uint16: sequence)
        message += paddedPayload(payload, length: payloadLength)

        let initial: UInt32
        switch family {
        case .v4:
            initial = 0
        case .v6:
            // RFC 4443 §2.3: the ICMPv6 checksum covers the pseudo-header.
            guard let source, let destination else { return message }
            initial = InternetChecksum.pseudoHeaderSum(source: source, destination: destination,
                                                       protocolNumber: IPProtocolNumber.icmpv6,
                                                       length: message.count)
        }
        if let flowChecksum {
            InternetChecksum.force(flowChecksum, in: &message, checksumOffset: 2, tweakOffset: 8, initial: initial)
        } else {
            message.set(uint16: InternetChecksum.checksum(message, initial: initial), at: 2)
        }
        return message
    }

    /// UDP header + payload whose checksum field is forced to `checksum` (Paris: sequence in the checksum, ports
    /// fixed) by choosing payload bytes 0-1. `checksum` is never 0: RFC 768 reserves 0 for "no checksum", so 0 is
    /// sent as its one's-complement twin 0xffff.
    public static func udp(source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                           checksum: UInt16, payload: [UInt8], payloadLength: Int) -> [UInt8] {
        let body = paddedPayload(payload, length: payloadLength)
        var datagram: [UInt8] = []
        datagram.append(uint16: sourcePort)
        datagram.append(uint16: destinationPort)
        datagram.append(uint16: UInt16(truncatingIfNeeded: 8 + body.count))
        datagram.append(uint16: 0)
        datagram += body
        let initial = InternetChecksum.pseudoHeaderSum(source: source, destination: destination,
                                                       protocolNumber: IPProtocolNumber.udp, length: datagram.count)
        InternetChecksum.force(checksum == 0 ? 0xffff : checksum, in: &datagram, checksumOffset: 6, tweakOffset: 8,
                               initial: initial)
        return datagram
    }

    /// TCP SYN: a 20-byte header without options (what traceroute -T and tcptraceroute send; a SYN-ACK or RST
    /// comes back either way), window 65535, checksum computed.
    public static func tcpSyn(source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                              sequenceNumber: UInt32) -> [UInt8] {
        tcpSegment(source: source, destination: destination, sourcePort: sourcePort,
                   destinationPort: destinationPort, sequence: sequenceNumber, acknowledgment: 0,
                   flags: TCPFlag.syn, window: 65535)
    }

    /// IPv4 header for IP_HDRINCL sends, header checksum filled; total length = 20 + payloadLength.
    /// No options and no DF: a probe must be forwarded, not answered with "fragmentation needed".
    public static func ipv4Header(source: IPAddress, destination: IPAddress, ttl: UInt8, tos: UInt8,
                                  identification: UInt16, protocolNumber: UInt8, payloadLength: Int) -> [UInt8] {
        var header: [UInt8] = [0x45, tos]
        header.append(uint16: UInt16(clamping: 20 + max(0, payloadLength)))
        header.append(uint16: identification)
        header.append(uint16: 0)
        header += [ttl, protocolNumber, 0, 0]
        header += source.family == .v4 ? source.bytes : [0, 0, 0, 0]
        header += destination.family == .v4 ? destination.bytes : [0, 0, 0, 0]
        header.set(uint16: InternetChecksum.checksum(header), at: 10)
        return header
    }

    /// RFC 8200 §3 fixed header; `flowLabel` keeps its low 20 bits.
    public static func ipv6Header(source: IPAddress, destination: IPAddress, hopLimit: UInt8, trafficClass: UInt8,
                                  flowLabel: UInt32, nextHeader: UInt8, payloadLength: Int) -> [UInt8] {
        var header: [UInt8] = []
        header.append(uint32: 6 << 28 | UInt32(trafficClass) << 20 | flowLabel & 0xfffff)
        header.append(uint16: UInt16(clamping: max(0, payloadLength)))
        header += [nextHeader, hopLimit]
        header += source.family == .v6 ? source.bytes : [UInt8](repeating: 0, count: 16)
        header += destination.family == .v6 ? destination.bytes : [UInt8](repeating: 0, count: 16)
        return header
    }

    /// The IP header of the right family for a packet from `source` to `destination`.
    package static func ipHeader(source: IPAddress, destination: IPAddress, ttl: UInt8, protocolNumber: UInt8,
                         payloadLength: Int) -> [UInt8] {
        source.family == .v4
            ? ipv4Header(source: source, destination: destination, ttl: ttl, tos: 0, identification: 0,
                         protocolNumber: protocolNumber, payloadLength: payloadLength)
            : ipv6Header(source: source, destination: destination, hopLimit: ttl, trafficClass: 0, flowLabel: 0,
                         nextHeader: protocolNumber, payloadLength: payloadLength)
    }

    /// A TCP segment without options or data, checksum computed over the pseudo-header (RFC 793 §3.1).
    package static func tcpSegment(source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
                           sequence: UInt32, acknowledgment: UInt32, flags: UInt8, window: UInt16) -> [UInt8] {
        var segment: [UInt8] = []
        segment.append(uint16: sourcePort)
        segment.append(uint16: destinationPort)
        segment.append(uint32: sequence)
        segment.append(uint32: acknowledgment)
        segment += [5 << 4, flags]
        segment.append(uint16: window)
        segment += [0, 0, 0, 0]
        let initial = InternetChecksum.pseudoHeaderSum(source: source, destination: destination,
                                                       protocolNumber: IPProtocolNumber.tcp, length: segment.count)
        segment.set(uint16: InternetChecksum.checksum(segment, initial: initial), at: 16)
        return segment
    }

    /// Two tweak bytes, then `payload`, then zeros up to `length`.
    private static func paddedPayload(_ payload: [UInt8], length: Int) -> [UInt8] {
        let total = max(length, 2 + payload.count)
        return [0, 0] + payload + [UInt8](repeating: 0, count: total - 2 - payload.count)
    }
}
