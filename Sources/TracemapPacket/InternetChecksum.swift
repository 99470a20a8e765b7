import TracemapModel

/// The Internet checksum of IPv4, ICMP, ICMPv6, UDP and TCP.
public enum InternetChecksum {
    /// RFC 1071: the value to put in a checksum field (one's complement of the folded sum). `initial` is a
    /// partial sum (e.g. pseudo-header).
    public static func checksum<C: Collection>(_ bytes: C, initial: UInt32 = 0) -> UInt16 where C.Element == UInt8 {
        ~fold(sum(bytes, initial: initial))
    }

    /// Partial sum of the IPv4/IPv6 pseudo-header (RFC 768 / RFC 8200 §8.1).
    public static func pseudoHeaderSum(source: IPAddress, destination: IPAddress, protocolNumber: UInt8,
                                       length: Int) -> UInt32 {
        var header = source.bytes + destination.bytes
        let length = UInt32(clamping: max(0, length))
        if source.family == .v4 && destination.family == .v4 {
            header += [0, protocolNumber]
            header.append(uint16: UInt16(truncatingIfNeeded: length))
        } else {
            header.append(uint32: length)
            header += [0, 0, 0, protocolNumber]
        }
        return UInt32(fold(sum(header, initial: 0)))
    }

    /// RFC 1071 §4.1: 16-bit big-endian words added with a wide accumulator; an odd last byte is the high half
    /// of a word padded with zero.
    static func sum<C: Collection>(_ bytes: C, initial: UInt32) -> UInt64 where C.Element == UInt8 {
        var total = UInt64(initial)
        var iterator = bytes.makeIterator()
        while let high = iterator.next() {
            let low = iterator.next() ?? 0
            total += UInt64(high) << 8 | UInt64(low)
        }
        return total
    }

    /// Adds the carries back in (end-around carry) until 16 bits remain.
    static func fold(_ sum: UInt64) -> UInt16 {
        var value = sum
        while value > 0xffff { value = (value & 0xffff) + (value >> 16) }
        return UInt16(value)
    }

    /// One's-complement addition of two 16-bit values (RFC 1071 §1).
    static func add(_ a: UInt16, _ b: UInt16) -> UInt16 {
        fold(UInt64(a) + UInt64(b))
    }

    /// Writes `target` into the checksum field at `checksumOffset` and chooses the 16-bit word at `tweakOffset`
    /// so that the message still verifies: the words must sum to 0xffff (one's-complement zero), so the tweak
    /// is the complement of everything else. This is how Paris traceroute keeps the checksum a flow constant.
    static func force(_ target: UInt16, in message: inout [UInt8], checksumOffset: Int, tweakOffset: Int,
                      initial: UInt32) {
        message.set(uint16: target, at: checksumOffset)
        message.set(uint16: 0, at: tweakOffset)
        let rest = fold(sum(message, initial: initial))
        message.set(uint16: ~rest, at: tweakOffset)
    }
}
