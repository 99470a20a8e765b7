import TracemapModel

/// The RFC 4884 ICMP extension structure, and the one object tracemap reads from it: the RFC 4950 MPLS label
/// stack (class 1, c-type 1) that MPLS routers attach to time exceeded messages.
package enum ICMPExtension {
    static let version: UInt8 = 2
    static let mplsClass: UInt8 = 1
    static let mplsIncomingStack: UInt8 = 1
    /// RFC 4884 §4.1/§4.2: with an extension, the original datagram field is zero-padded to at least 128 bytes.
    package static let minimumQuote = 128

    /// Extension header (version 2, checksum over the whole structure) and one MPLS object.
    package static func mplsStructure(_ labels: [MPLSLabel]) -> [UInt8] {
        var structure: [UInt8] = [version << 4, 0, 0, 0]
        structure.append(uint16: UInt16(truncatingIfNeeded: 4 + 4 * labels.count))
        structure += [mplsClass, mplsIncomingStack]
        for entry in labels {
            // RFC 3032 §2.1: label 20 bits, traffic class 3 bits, bottom of stack 1 bit, TTL 8 bits.
            structure.append(uint32: (entry.label & 0xfffff) << 12 | UInt32(entry.trafficClass & 0x7) << 9
                | (entry.bottomOfStack ? 1 << 8 : 0) | UInt32(entry.ttl))
        }
        structure.set(uint16: InternetChecksum.checksum(structure), at: 2)
        return structure
    }

    /// Whether `bytes` is a well-formed extension structure: RFC 4884 §5 calls it valid when it has version 2 and
    /// a checksum that verifies over the whole structure.
    static func isValid(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.byte(at: 0), first >> 4 == version, bytes.count >= 4 else { return false }
        return InternetChecksum.checksum(bytes) == 0
    }

    /// The MPLS labels in an extension structure; empty when there is none or anything is malformed.
    static func mplsLabels(in bytes: [UInt8]) -> [MPLSLabel] {
        guard isValid(bytes) else { return [] }
        var labels: [MPLSLabel] = []
        var offset = 4
        while offset < bytes.count {
            guard let length = bytes.uint16(at: offset).map(Int.init), length >= 4,
                  let classNumber = bytes.byte(at: offset + 2), let classType = bytes.byte(at: offset + 3),
                  offset + length <= bytes.count
            else { return [] }
            if classNumber == mplsClass && classType == mplsIncomingStack {
                guard (length - 4) % 4 == 0 else { return [] }
                var entryOffset = offset + 4
                while entryOffset < offset + length, let entry = bytes.uint32(at: entryOffset) {
                    labels.append(MPLSLabel(label: entry >> 12, trafficClass: UInt8(entry >> 9 & 0x7),
                                            bottomOfStack: entry >> 8 & 1 == 1, ttl: UInt8(entry & 0xff)))
                    entryOffset += 4
                }
            }
            offset += length
        }
        return labels
    }
}
