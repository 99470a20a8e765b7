import TracemapModel
import TracemapPacket

/// Replies a path would send, for the simulator and the packet round-trip tests (the product never sends one, so
/// this lives in the lab, not in TracemapPacket). Each takes and returns whole IP packets, and every checksum is
/// filled.
public enum ReplyPacket {
    /// The TTL / hop limit of every reply: what Linux routers use (net.ipv4.ip_default_ttl).
    static let replyTTL: UInt8 = 64
    /// RFC 4443 §2.4(c): an ICMPv6 error must fit the IPv6 minimum MTU.
    static let minimumMTU6 = 1280

    /// ICMP time exceeded (v4 type 11 / v6 type 3) from `router` about `original` (a whole IP packet), quoting
    /// `quoteLength` bytes of it (v4: RFC 4884 pads the quote to 128 bytes when an extension follows; v6
    /// likewise), with an MPLS extension object (class 1, c-type 1) when `mpls` is non-empty. Returns a whole IP
    /// packet (TTL 64) to the probe's source; empty when `original` is not an IP packet of `router`'s family.
    public static func timeExceeded(from router: IPAddress, original: [UInt8], quoteLength: Int = 128,
                                    mpls: [MPLSLabel] = []) -> [UInt8] {
        icmpError(from: router, v4Type: ICMPv4Type.timeExceeded, v6Type: ICMPv6Type.timeExceeded, code: 0,
                  original: original, quoteLength: quoteLength, mpls: mpls)
    }

    /// Destination unreachable with `code` (v4 type 3, v6 type 1; port unreachable is v4 code 3 / v6 code 4).
    /// Empty when `original` is not an IP packet of `from`'s family.
    public static func destinationUnreachable(from: IPAddress, code: UInt8, original: [UInt8],
                                              quoteLength: Int = 128) -> [UInt8] {
        icmpError(from: from, v4Type: ICMPv4Type.destinationUnreachable, v6Type: ICMPv6Type.destinationUnreachable,
                  code: code, original: original, quoteLength: quoteLength, mpls: [])
    }

    /// Echo reply to an echo request packet (whole IP packet in, whole IP packet out): same identifier,
    /// sequence and data (RFC 792, RFC 4443 §4.2). Nil for anything but an echo request.
    public static func echoReply(to original: [UInt8]) -> [UInt8]? {
        guard let ip = IPHeaderView(original), !ip.isLaterFragment else { return nil }
        var message = ip.transport(of: original)
        let (protocolNumber, request, reply) = ip.family == .v4
            ? (IPProtocolNumber.icmp, ICMPv4Type.echoRequest, ICMPv4Type.echoReply)
            : (IPProtocolNumber.icmpv6, ICMPv6Type.echoRequest, ICMPv6Type.echoReply)
        guard ip.protocolNumber == protocolNumber, message.count >= 8, message[0] == request else { return nil }
        message[0] = reply
        message.set(uint16: 0, at: 2)
        let initial = ip.family == .v4 ? 0 : InternetChecksum.pseudoHeaderSum(
            source: ip.destination, destination: ip.source, protocolNumber: protocolNumber, length: message.count)
        message.set(uint16: InternetChecksum.checksum(message, initial: initial), at: 2)
        return ProbePacket.ipHeader(source: ip.destination, destination: ip.source, ttl: replyTTL,
                                    protocolNumber: protocolNumber, payloadLength: message.count) + message
    }

    /// SYN-ACK (open) or RST-ACK (closed) to a TCP SYN packet, acknowledging its sequence number + 1
    /// (RFC 793 §3.4). Nil for anything but a SYN without ACK.
    public static func tcpReply(to original: [UInt8], open: Bool) -> [UInt8]? {
        guard let ip = IPHeaderView(original), !ip.isLaterFragment, ip.protocolNumber == IPProtocolNumber.tcp
        else { return nil }
        let segment = ip.transport(of: original)
        guard let sourcePort = segment.uint16(at: 0), let destinationPort = segment.uint16(at: 2),
              let sequence = segment.uint32(at: 4), let flags = segment.byte(at: 13),
              flags & (TCPFlag.syn | TCPFlag.ack | TCPFlag.rst) == TCPFlag.syn
        else { return nil }
        // Any initial sequence number will do; derive it from the probe's so the function stays pure.
        let initialSequence = open ? (sequence &* 2_654_435_761) ^ 0x7472_6d70 : 0
        let reply = ProbePacket.tcpSegment(
            source: ip.destination, destination: ip.source, sourcePort: destinationPort, destinationPort: sourcePort,
            sequence: initialSequence, acknowledgment: sequence &+ 1,
            flags: open ? TCPFlag.syn | TCPFlag.ack : TCPFlag.rst | TCPFlag.ack, window: open ? 65535 : 0)
        return ProbePacket.ipHeader(source: ip.destination, destination: ip.source, ttl: replyTTL,
                                    protocolNumber: IPProtocolNumber.tcp, payloadLength: reply.count) + reply
    }

    /// The common shape of ICMP errors: type, code, checksum, 4 bytes (RFC 4884 length attribute at octet 5 in
    /// ICMPv4, octet 4 in ICMPv6), the quoted datagram, and the optional extension structure.
    private static func icmpError(from router: IPAddress, v4Type: UInt8, v6Type: UInt8, code: UInt8,
                                  original: [UInt8], quoteLength: Int, mpls: [MPLSLabel]) -> [UInt8] {
        guard let ip = IPHeaderView(original), ip.family == router.family else { return [] }
        let family = ip.family
        let extensionBytes = mpls.isEmpty ? [] : ICMPExtension.mplsStructure(mpls)
        var quoteLimit = max(0, quoteLength)
        if family == .v6 {
            quoteLimit = min(quoteLimit, minimumMTU6 - 40 - 8 - extensionBytes.count)
        }
        var quote = Array(original.prefix(quoteLimit))
        var header: [UInt8] = [family == .v4 ? v4Type : v6Type, code, 0, 0, 0, 0, 0, 0]
        if !extensionBytes.isEmpty {
            // RFC 4884 §4: zero-pad the quote to 128 bytes and a whole number of length units, which the
            // 8-bit length attribute must be able to count.
            let unit = family == .v4 ? 4 : 8
            quote = Array(quote.prefix(255 * unit))
            let padded = max(ICMPExtension.minimumQuote, (quote.count + unit - 1) / unit * unit)
            quote += [UInt8](repeating: 0, count: padded - quote.count)
            header[family == .v4 ? 5 : 4] = UInt8(quote.count / unit)
        }
        var message = header + quote + extensionBytes
        let protocolNumber = family == .v4 ? IPProtocolNumber.icmp : IPProtocolNumber.icmpv6
        let initial = family == .v4 ? 0 : InternetChecksum.pseudoHeaderSum(
            source: router, destination: ip.source, protocolNumber: protocolNumber, length: message.count)
        message.set(uint16: InternetChecksum.checksum(message, initial: initial), at: 2)
        return ProbePacket.ipHeader(source: router, destination: ip.source, ttl: replyTTL,
                                    protocolNumber: protocolNumber, payloadLength: message.count) + message
    }
}
