/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator that a scenario's `seed` makes repeatable (also the
/// lab's synthetic monitor path).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return Self.mix(state)
    }

    /// The generator's output function, also a good 64-bit finalizer for hashes.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1): the top 53 bits as a double's mantissa.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
