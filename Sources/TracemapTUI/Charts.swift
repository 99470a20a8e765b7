/// Small text charts: the hop table's sparkline, and the details pane's RTT history and histogram.
public enum Charts {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiLevels: [Character] = ["_", ".", "-", "-", "=", "=", "^", "^"]

    /// One character per sample, the newest `width` samples, scaled between their own lowest and highest RTT
    /// (as mtr's histogram display does), so a hop's variation shows whatever its distance. No reply prints as
    /// `×` (ASCII `x`); a flat series prints at the lowest level.
    public static func sparkline(_ samples: [Double?], width: Int, unicode: Bool = true) -> String {
        guard width > 0 else { return "" }
        let shown = samples.suffix(width)
        let values = shown.compactMap { $0 }
        let low = values.min() ?? 0, high = values.max() ?? 0
        let levels = unicode ? blocks : asciiLevels
        return String(shown.map { sample -> Character in
            guard let sample else { return unicode ? "×" : "x" }
            return levels[level(sample, low: low, high: high, steps: levels.count)]
        })
    }

    /// The step (0 ..< steps) of a value between low and high, rounded to nearest.
    static func level(_ value: Double, low: Double, high: Double, steps: Int) -> Int {
        guard high - low > 1e-9 else { return 0 }
        let fraction = (value - low) / (high - low)
        guard fraction.isFinite else { return 0 }
        return min(steps - 1, max(0, Int((min(1, max(0, fraction)) * Double(steps - 1)).rounded())))
    }

    /// A bar chart `height` rows tall of the newest `width` samples; each row of a bar holds eight levels
    /// (U+2581…U+2588), so the chart resolves height × 8 steps. Bars rise from `floor` (see `chartFloor`) to
    /// the highest sample. Returns rows top to bottom; a lost probe is a `×` on the bottom row.
    public static func history(_ samples: [Double?], width: Int, height: Int, unicode: Bool = true) -> [String] {
        guard width > 0, height > 0 else { return [] }
        let shown = Array(samples.suffix(width))
        let values = shown.compactMap { $0 }
        let high = values.max() ?? 0, floor = chartFloor(values)
        var rows = Array(repeating: [Character](repeating: " ", count: shown.count), count: height)
        for (column, sample) in shown.enumerated() {
            guard let sample else {
                rows[height - 1][column] = unicode ? "×" : "x"
                continue
            }
            let span = high - floor
            let scaled = span > 0 ? (sample - floor) / span * Double(height * 8) : 1
            let eighths = scaled.isFinite ? max(1, Int(min(scaled, Double(height * 8)).rounded())) : 1
            for row in 0..<height {
                let filled = eighths - row * 8
                guard filled > 0 else { break }
                let character: Character = unicode ? (filled >= 8 ? "█" : blocks[filled - 1]) : (filled >= 4 ? "#" : ".")
                rows[height - 1 - row][column] = character
            }
        }
        return rows.map { String($0) }
    }

    /// Where the history chart's bars start: 0 ms when the samples vary by more than they are far from 0,
    /// else a little below the lowest sample, so 0.5 ms of jitter on a 40 ms hop still shows.
    public static func chartFloor(_ values: [Double]) -> Double {
        guard let low = values.min(), let high = values.max() else { return 0 }
        let span = high - low
        return low <= span ? 0 : max(0, low - span / 4)
    }

    /// A histogram of the samples in `buckets` equal ranges from the lowest to the highest: one
    /// `(low, high, count)` per bucket, each sample counted once (the top bucket includes its upper bound).
    public static func histogram(_ values: [Double], buckets: Int) -> [(low: Double, high: Double, count: Int)] {
        guard let low = values.min(), let high = values.max(), buckets > 0 else { return [] }
        let count = high - low < 1e-9 ? 1 : buckets
        let step = count == 1 ? max(high - low, 1e-9) : (high - low) / Double(count)
        var counts = Array(repeating: 0, count: count)
        for value in values {
            let index = (value - low) / step
            counts[index.isFinite ? min(count - 1, max(0, Int(min(index, Double(count))))) : 0] += 1
        }
        return counts.enumerated().map { (low + Double($0.offset) * step, low + Double($0.offset + 1) * step, $0.element) }
    }

    /// A horizontal bar `width` columns at full scale, in eighths (U+2589…U+258F, U+2588).
    public static func bar(_ fraction: Double, width: Int, unicode: Bool = true) -> String {
        guard width > 0 else { return "" }
        let eighths = fraction.isFinite ? Int((min(1, max(0, fraction)) * Double(width * 8)).rounded()) : 0
        if !unicode { return String(repeating: "#", count: (eighths + 4) / 8) }
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var text = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { text.append(partials[eighths % 8 - 1]) }
        return text
    }
}
