extension Double {
    /// Fixed-point text without Foundation's locale machinery (fast enough for every frame).
    public func formatted(decimals: Int) -> String {
        guard isFinite else { return "-" }
        // Beyond this the fixed-point digits would not fit an Int (a hostile file's 1e308 ms): plain notation.
        guard abs(self) < 1e12 else { return "\(self)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(self) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled) - whole * Int(scale)
        let sign = self < 0 && scaled > 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - digits.count) + digits
    }
}
