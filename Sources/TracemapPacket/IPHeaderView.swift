import TracemapModel

/// The IP layer of a packet: addresses, TTL, and where the transport header starts and the packet ends.
/// Works on whole packets and on truncated quotes inside ICMP errors alike.
package struct IPHeaderView {
    package var family: IPAddress.Family
    package var source: IPAddress
    package var destination: IPAddress
    var ttl: UInt8
    var tos: UInt8
    var identification: UInt16?
    /// The transport protocol, after any IPv6 extension headers.
    package var protocolNumber: UInt8
    /// Offset of the transport header.
    var transportOffset: Int
    /// End of the packet: the length its header states, cut to the bytes that are really there.
    var end: Int
    /// A fragment other than the first: it carries no transport header.
    package var isLaterFragment: Bool

    package init?(_ packet: [UInt8]) {
        guard let first = packet.byte(at: 0) else { return nil }
        switch first >> 4 {
        case 4: self.init(v4: packet)
        case 6: self.init(v6: packet)
        default: return nil
        }
    }

    /// RFC 791: IHL counts 32-bit words, so options (IHL > 5) move the transport header.
    private init?(v4 packet: [UInt8]) {
        guard let versionIHL = packet.byte(at: 0), let tos = packet.byte(at: 1),
              let totalLength = packet.uint16(at: 2), let identification = packet.uint16(at: 4),
              let fragment = packet.uint16(at: 6), let ttl = packet.byte(at: 8), let proto = packet.byte(at: 9),
              let source = packet.bytes(at: 12, length: 4).flatMap(IPAddress.init(bytes:)),
              let destination = packet.bytes(at: 16, length: 4).flatMap(IPAddress.init(bytes:))
        else { return nil }
        let headerLength = Int(versionIHL & 0x0f) * 4
        guard headerLength >= 20, headerLength <= packet.count else { return nil }
        family = .v4
        self.source = source
        self.destination = destination
        self.ttl = ttl
        self.tos = tos
        self.identification = identification
        protocolNumber = proto
        transportOffset = headerLength
        // A quote is often shorter than the length it states; a nonsense length falls back to what is there.
        end = Int(totalLength) >= headerLength ? min(Int(totalLength), packet.count) : packet.count
        isLaterFragment = fragment & 0x1fff != 0
    }

    /// RFC 8200 §4: walks hop-by-hop, routing, fragment, destination-options and AH headers to the transport.
    private init?(v6 packet: [UInt8]) {
        guard let word = packet.uint32(at: 0), let payloadLength = packet.uint16(at: 4),
              let nextHeader = packet.byte(at: 6), let hopLimit = packet.byte(at: 7),
              let source = packet.bytes(at: 8, length: 16).flatMap(IPAddress.init(bytes:)),
              let destination = packet.bytes(at: 24, length: 16).flatMap(IPAddress.init(bytes:))
        else { return nil }
        family = .v6
        self.source = source
        self.destination = destination
        ttl = hopLimit
        tos = UInt8(truncatingIfNeeded: word >> 20)
        identification = nil
        // Payload length 0 is a jumbogram (RFC 2675): take what is there.
        end = payloadLength == 0 ? packet.count : min(40 + Int(payloadLength), packet.count)
        isLaterFragment = false
        var next = nextHeader
        var offset = 40
        extensionWalk: for _ in 0 ..< 8 {
            switch next {
            case 0, 43, 60:
                guard let following = packet.byte(at: offset), let length = packet.byte(at: offset + 1) else {
                    return nil
                }
                next = following
                offset += (Int(length) + 1) * 8
            case 44:
                guard let following = packet.byte(at: offset), let fragment = packet.uint16(at: offset + 2) else {
                    return nil
                }
                next = following
                isLaterFragment = fragment >> 3 != 0
                offset += 8
            case 51:
                // RFC 4302 §2.2: the AH length counts 32-bit words minus 2.
                guard let following = packet.byte(at: offset), let length = packet.byte(at: offset + 1) else {
                    return nil
                }
                next = following
                offset += (Int(length) + 2) * 4
            default:
                break extensionWalk
            }
        }
        guard offset <= end else { return nil }
        protocolNumber = next
        transportOffset = offset
    }

    /// The transport header and what follows, up to the packet's end.
    package func transport(of packet: [UInt8]) -> [UInt8] {
        packet.tail(from: transportOffset, to: end)
    }
}
