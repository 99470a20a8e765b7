/// Big-endian (network order) writes for the packet builders.
extension Array where Element == UInt8 {
    package mutating func append(uint16 value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func append(uint32 value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Overwrites two bytes; a write past the end is ignored (builders only write inside what they made).
    package mutating func set(uint16 value: UInt16, at offset: Int) {
        guard offset >= 0, offset <= count - 2 else { return }
        self[offset] = UInt8(value >> 8)
        self[offset + 1] = UInt8(truncatingIfNeeded: value)
    }
}
