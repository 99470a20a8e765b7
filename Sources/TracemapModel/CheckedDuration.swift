/// Seconds and milliseconds from the command line or a file, turned into a `Duration` only when they are finite
/// and in range. `Duration.milliseconds(Int64(x))` traps for `inf`, `nan` or `1e300`; every conversion from a
/// user's number goes through here instead.
extension Duration {
    /// The longest span tracemap accepts anywhere (a day), far below where nanoseconds overflow an `Int64`.
    public static let longestAccepted: Double = 86_400

    /// `seconds` as a duration, or nil when it is not finite, negative, or above `limit` seconds.
    public static func checked(seconds: Double, limit: Double = longestAccepted) -> Duration? {
        guard seconds.isFinite, seconds >= 0, seconds <= min(limit, longestAccepted) else { return nil }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// `milliseconds` as a duration, or nil when it is not finite, negative, or above `limit` milliseconds.
    public static func checked(milliseconds: Double, limit: Double = longestAccepted * 1000) -> Duration? {
        guard milliseconds.isFinite else { return nil }
        return checked(seconds: milliseconds / 1000, limit: limit / 1000)
    }

    /// The duration in (fractional) seconds.
    public var secondsValue: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
