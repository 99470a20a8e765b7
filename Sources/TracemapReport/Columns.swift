import TracemapModel
import TracemapStats

/// The numbers one row of a hop table shows, read from cumulative or windowed statistics of a hop or of one
/// of its responders. Every view (TUI, `trace` table, CSV, JSON) reads rows through this.
public struct StatsView: Sendable, Hashable {
    public var sent: Int
    public var received: Int
    public var lossPercent: Double?
    public var last: Double?
    public var mean: Double?
    public var best: Double?
    public var worst: Double?
    public var standardDeviation: Double?
    public var lastJitter: Double?
    public var meanJitter: Double?
    public var maxJitter: Double?
    public var interarrivalJitter: Double?
    public var median: Double?
    public var p95: Double?

    /// Since the start (mtr's view).
    public static func cumulative(_ hop: HopStatistics) -> StatsView {
        let acc = hop.cumulative
        let summary = hop.window.summary
        return StatsView(sent: hop.sent, received: hop.received, lossPercent: hop.lossPercent,
                         last: acc.last, mean: acc.meanOrNil, best: acc.bestOrNil, worst: acc.worstOrNil,
                         standardDeviation: acc.count > 0 ? acc.standardDeviation : nil,
                         lastJitter: acc.lastJitter, meanJitter: acc.count > 1 ? acc.meanJitter : nil,
                         maxJitter: acc.count > 1 ? acc.maxJitter : nil,
                         interarrivalJitter: acc.count > 1 ? acc.interarrivalJitter : nil,
                         median: summary.median, p95: summary.p95)
    }

    /// Over the rolling window of the last rounds: what the path does now.
    public static func window(_ hop: HopStatistics) -> StatsView {
        let window = hop.window
        let summary = window.summary
        return StatsView(sent: window.sent, received: window.received, lossPercent: window.lossPercent,
                         last: window.rtts.last, mean: summary.mean, best: summary.best, worst: summary.worst,
                         standardDeviation: summary.count > 0 ? summary.standardDeviation : nil,
                         lastJitter: lastJitter(window.rtts), meanJitter: summary.count > 1 ? summary.meanJitter : nil,
                         maxJitter: maxJitter(window.rtts), interarrivalJitter: nil,
                         median: summary.median, p95: summary.p95)
    }

    /// One responder of a hop: its replies only (loss belongs to the hop, never to one ECMP branch).
    public static func responder(_ responder: ResponderStatistics, windowed: Bool) -> StatsView {
        if windowed {
            let summary = responder.window.summary
            return StatsView(sent: responder.window.sent, received: responder.window.received, lossPercent: nil,
                             last: responder.window.rtts.last, mean: summary.mean, best: summary.best,
                             worst: summary.worst, standardDeviation: summary.count > 0 ? summary.standardDeviation : nil,
                             lastJitter: lastJitter(responder.window.rtts), meanJitter: summary.meanJitter,
                             maxJitter: maxJitter(responder.window.rtts), interarrivalJitter: nil,
                             median: summary.median, p95: summary.p95)
        }
        let acc = responder.cumulative
        let summary = responder.window.summary
        return StatsView(sent: responder.replies, received: responder.replies, lossPercent: nil, last: acc.last,
                         mean: acc.meanOrNil, best: acc.bestOrNil, worst: acc.worstOrNil,
                         standardDeviation: acc.count > 0 ? acc.standardDeviation : nil, lastJitter: acc.lastJitter,
                         meanJitter: acc.count > 1 ? acc.meanJitter : nil, maxJitter: acc.count > 1 ? acc.maxJitter : nil,
                         interarrivalJitter: acc.count > 1 ? acc.interarrivalJitter : nil,
                         median: summary.median, p95: summary.p95)
    }

    private static func lastJitter(_ rtts: [Double]) -> Double? {
        rtts.count > 1 ? abs(rtts[rtts.count - 1] - rtts[rtts.count - 2]) : nil
    }

    private static func maxJitter(_ rtts: [Double]) -> Double? {
        rtts.count > 1 ? zip(rtts, rtts.dropFirst()).map { abs($1 - $0) }.max() : nil
    }
}

/// One statistics column: mtr's key letter (`ui/mtr.c` data_fields), its title, width, machine key for CSV and
/// JSON, and how to read it. Adding a column is adding one entry to `all`.
public struct HopColumn: Sendable {
    public let letter: Character
    public let key: String
    public let title: String
    public let width: Int
    /// Digits after the decimal point (0 for counts).
    public let decimals: Int
    public let value: @Sendable (StatsView) -> Double?

    /// The column's cell text, right-aligned to its width; "" when there is no value.
    public func cell(_ view: StatsView) -> String {
        let text = value(view).map { format($0) } ?? ""
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    public func format(_ number: Double) -> String {
        decimals == 0 ? number.formatted(decimals: 0) : number.formatted(decimals: decimals)
            + (key == "loss_pct" ? "%" : "")
    }

    public var header: String { String(repeating: " ", count: max(0, width - title.count)) + title }

    public static let all: [HopColumn] = [
        HopColumn(letter: "L", key: "loss_pct", title: "Loss%", width: 6, decimals: 1) { $0.lossPercent },
        HopColumn(letter: "D", key: "dropped", title: "Drop", width: 5, decimals: 0) { Double($0.sent - $0.received) },
        HopColumn(letter: "R", key: "received", title: "Rcv", width: 5, decimals: 0) { Double($0.received) },
        HopColumn(letter: "S", key: "sent", title: "Snt", width: 5, decimals: 0) { Double($0.sent) },
        HopColumn(letter: "N", key: "last_ms", title: "Last", width: 7, decimals: 2) { $0.last },
        HopColumn(letter: "B", key: "best_ms", title: "Best", width: 7, decimals: 2) { $0.best },
        HopColumn(letter: "A", key: "avg_ms", title: "Avg", width: 7, decimals: 2) { $0.mean },
        HopColumn(letter: "W", key: "worst_ms", title: "Wrst", width: 7, decimals: 2) { $0.worst },
        HopColumn(letter: "V", key: "stdev_ms", title: "StDev", width: 7, decimals: 2) { $0.standardDeviation },
        HopColumn(letter: "E", key: "median_ms", title: "Med", width: 7, decimals: 2) { $0.median },
        HopColumn(letter: "P", key: "p95_ms", title: "P95", width: 7, decimals: 2) { $0.p95 },
        HopColumn(letter: "J", key: "jitter_ms", title: "Jttr", width: 6, decimals: 1) { $0.lastJitter },
        HopColumn(letter: "M", key: "javg_ms", title: "Javg", width: 6, decimals: 1) { $0.meanJitter },
        HopColumn(letter: "X", key: "jmax_ms", title: "Jmax", width: 6, decimals: 1) { $0.maxJitter },
        HopColumn(letter: "I", key: "jint_ms", title: "Jint", width: 6, decimals: 1) { $0.interarrivalJitter },
    ]

    /// mtr's default field order.
    public static let defaultLetters = "LSNABWV"
    /// What mtr's `j` key shows.
    public static let jitterLetters = "LSNJMXI"

    /// Columns for a string of letters (mtr's `-o FIELDS`); nil if a letter is unknown.
    public static func columns(_ letters: String) -> [HopColumn]? {
        var result: [HopColumn] = []
        for letter in letters {
            guard let column = all.first(where: { $0.letter == letter }) else { return nil }
            result.append(column)
        }
        return result
    }
}

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
