/// Bounds-checked big-endian reads: every parser goes through these, so no input can index past the end.
extension Array where Element == UInt8 {
    package func byte(at offset: Int) -> UInt8? {
        offset >= 0 && offset < count ? self[offset] : nil
    }

    package func uint16(at offset: Int) -> UInt16? {
        guard offset >= 0, offset <= count - 2 else { return nil }
        return UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    package func uint32(at offset: Int) -> UInt32? {
        guard offset >= 0, offset <= count - 4 else { return nil }
        return UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16
            | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    /// `length` bytes from `offset`, or nil when they are not all there.
    func bytes(at offset: Int, length: Int) -> [UInt8]? {
        guard offset >= 0, length >= 0, offset <= count - length else { return nil }
        return Array(self[offset ..< offset + length])
    }

    /// The bytes from `offset` to `end` (clamped to the array), empty when `offset` is past them.
    func tail(from offset: Int, to end: Int? = nil) -> [UInt8] {
        let stop = Swift.min(end ?? count, count)
        guard offset >= 0, offset < stop else { return [] }
        return Array(self[offset ..< stop])
    }
}
