/// The numbers one hop (or one responder of a hop) shows, read from cumulative or windowed statistics. Every view
/// reads them through `HopField.all`: the TUI hop table, `trace` tables and CSV, the JSON of `trace --json` and
/// `watch --json`, the exports and the Prometheus per-hop families.
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
    /// Replies after their probe's deadline (counted as dropped, shown apart); known for a hop since start only.
    public var late: Int?

    /// Figures a file of another tool gives (mtr, trippy, Cloudflare: summaries, not probes) leave the rest nil.
    public init(sent: Int = 0, received: Int = 0, lossPercent: Double? = nil, last: Double? = nil,
                mean: Double? = nil, best: Double? = nil, worst: Double? = nil, standardDeviation: Double? = nil,
                lastJitter: Double? = nil, meanJitter: Double? = nil, maxJitter: Double? = nil,
                interarrivalJitter: Double? = nil, median: Double? = nil, p95: Double? = nil, late: Int? = nil) {
        self.sent = sent
        self.received = received
        self.lossPercent = lossPercent
        self.last = last
        self.mean = mean
        self.best = best
        self.worst = worst
        self.standardDeviation = standardDeviation
        self.lastJitter = lastJitter
        self.meanJitter = meanJitter
        self.maxJitter = maxJitter
        self.interarrivalJitter = interarrivalJitter
        self.median = median
        self.p95 = p95
        self.late = late
    }

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
                         median: summary.median, p95: summary.p95, late: hop.late)
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

    /// A hop's figures from its responders' summaries (a file of another tool, or an old file without hop
    /// figures): replies add up, the mean is weighted by replies, best and worst are the extremes; last, σ and
    /// the rest are the first responder's (no summary lets them be combined).
    public static func combining(_ responders: [StatsView], sent: Int, lossPercent: Double?) -> StatsView {
        let received = responders.reduce(0) { $0 + $1.received }
        var view = StatsView(sent: sent, received: received, lossPercent: lossPercent)
        guard received > 0, let first = responders.first else { return view }
        let weighted = responders.compactMap { r in r.mean.map { ($0 * Double(r.received), r.received) } }
        let counted = weighted.reduce(0) { $0 + $1.1 }
        view.mean = counted == 0 ? nil : weighted.reduce(0) { $0 + $1.0 } / Double(counted)
        view.best = responders.compactMap(\.best).min()
        view.worst = responders.compactMap(\.worst).max()
        view.last = first.last ?? first.mean
        view.standardDeviation = first.standardDeviation
        view.lastJitter = first.lastJitter
        view.meanJitter = first.meanJitter
        view.maxJitter = first.maxJitter
        view.interarrivalJitter = first.interarrivalJitter
        view.median = first.median
        view.p95 = first.p95
        return view
    }

    private static func lastJitter(_ rtts: [Double]) -> Double? {
        rtts.count > 1 ? abs(rtts[rtts.count - 1] - rtts[rtts.count - 2]) : nil
    }

    private static func maxJitter(_ rtts: [Double]) -> Double? {
        rtts.count > 1 ? zip(rtts, rtts.dropFirst()).map { abs($1 - $0) }.max() : nil
    }
}

/// One hop field, as mtr's `data_fields[]` (`ui/mtr.c`): its key letter (`--fields`, the TUI's `-o`), title and
/// width for tables, the machine key every CSV header and JSON object uses, its unit and meaning (README "Hop
/// fields" is written from these), how to read it from a `StatsView`, and the Prometheus family that exports it
/// per hop, if any. Adding a field is adding one entry to `all`.
public struct HopField: Sendable {
    public enum Unit: String, Sendable {
        case count, percent, milliseconds = "ms"
    }

    /// A per-hop Prometheus family of the field (labels `target`, `ttl`): its name and help next to the field,
    /// so a field and its metric are one edit. `scale` turns the field's unit into the metric's base unit
    /// (Prometheus naming: seconds and ratios).
    public struct Metric: Sendable, Hashable {
        public enum Kind: String, Sendable { case counter, gauge }
        public let name: String
        public let kind: Kind
        public let help: String
        public let scale: Double
    }

    /// Where the number lives in a `StatsView`: a stored count or measurement (read back from JSON), or derived.
    enum Reading: Sendable {
        case count(WritableKeyPath<StatsView, Int> & Sendable)
        case measure(WritableKeyPath<StatsView, Double?> & Sendable)
        /// A count not every view knows (nil: not known there, blank rather than 0).
        case partialCount(WritableKeyPath<StatsView, Int?> & Sendable)
        case derived(@Sendable (StatsView) -> Double?)
    }

    public let letter: Character
    public let key: String
    public let title: String
    public let width: Int
    /// Digits after the decimal point in tables (0 for counts).
    public let decimals: Int
    public let unit: Unit
    public let doc: String
    public let metric: Metric?
    /// A figure of the whole hop, never of one ECMP responder (loss, and the probes sent to the TTL): a JSON
    /// responder leaves it out, a CSV row of a responder repeats the hop's.
    public let ofHop: Bool
    let reading: Reading

    init(_ letter: Character, _ key: String, _ title: String, width: Int, decimals: Int, _ unit: Unit,
         _ reading: Reading, ofHop: Bool = false, metric: Metric? = nil, doc: String) {
        self.letter = letter
        self.key = key
        self.title = title
        self.width = width
        self.decimals = decimals
        self.unit = unit
        self.reading = reading
        self.metric = metric
        self.ofHop = ofHop
        self.doc = doc
    }

    public func value(_ view: StatsView) -> Double? {
        switch reading {
        case .count(let path): Double(view[keyPath: path])
        case .measure(let path): view[keyPath: path]
        case .partialCount(let path): view[keyPath: path].map(Double.init)
        case .derived(let read): read(view)
        }
    }

    /// Whether a JSON reader can set the field (derived fields are computed again from the others).
    var isStored: Bool {
        if case .derived = reading { return false }
        return true
    }

    func store(_ number: Double, in view: inout StatsView) {
        switch reading {
        // A hostile file's 1e308 must not trap the conversion.
        case .count(let path): view[keyPath: path] = number.isFinite ? Int(max(0, min(1e15, number))) : 0
        case .measure(let path): view[keyPath: path] = number
        case .partialCount(let path): view[keyPath: path] = number.isFinite ? Int(max(0, min(1e15, number))) : 0
        case .derived: break
        }
    }

    /// The column's cell text, right-aligned to its width; "" when there is no value.
    public func cell(_ view: StatsView) -> String {
        let text = value(view).map { format($0) } ?? ""
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    public func format(_ number: Double) -> String {
        number.formatted(decimals: decimals) + (unit == .percent ? "%" : "")
    }

    public var header: String { String(repeating: " ", count: max(0, width - title.count)) + title }

    private static func seconds(_ name: String, _ help: String) -> Metric {
        Metric(name: "tracemap_hop_rtt_\(name)_seconds", kind: .gauge, help: help, scale: 0.001)
    }

    public static let all: [HopField] = [
        HopField("L", "loss_pct", "Loss%", width: 6, decimals: 1, .percent, .measure(\.lossPercent), ofHop: true,
                 metric: Metric(name: "tracemap_hop_loss_ratio", kind: .gauge,
                                help: "Probes without a reply over probes sent since start (0-1).", scale: 0.01),
                 doc: "probes without a reply, of those sent"),
        HopField("D", "dropped", "Drop", width: 5, decimals: 0, .count, .derived { Double($0.sent - $0.received) },
                 ofHop: true, doc: "probes without a reply (sent − received)"),
        HopField("R", "received", "Rcv", width: 5, decimals: 0, .count, .count(\.received),
                 metric: Metric(name: "tracemap_hop_probes_received_total", kind: .counter,
                                help: "Replies received from this TTL in time.", scale: 1),
                 doc: "replies in time (a responder's: its replies)"),
        HopField("S", "sent", "Snt", width: 5, decimals: 0, .count, .count(\.sent), ofHop: true,
                 metric: Metric(name: "tracemap_hop_probes_sent_total", kind: .counter,
                                help: "Probes sent to this TTL.", scale: 1),
                 doc: "probes sent"),
        HopField("N", "last_ms", "Last", width: 7, decimals: 2, .milliseconds, .measure(\.last),
                 metric: seconds("last", "Round-trip time of the newest reply."),
                 doc: "RTT of the newest reply"),
        HopField("B", "best_ms", "Best", width: 7, decimals: 2, .milliseconds, .measure(\.best),
                 metric: seconds("min", "Smallest round-trip time since start."),
                 doc: "smallest RTT"),
        HopField("A", "avg_ms", "Avg", width: 7, decimals: 2, .milliseconds, .measure(\.mean),
                 metric: seconds("mean", "Mean round-trip time since start."),
                 doc: "mean RTT"),
        HopField("W", "worst_ms", "Wrst", width: 7, decimals: 2, .milliseconds, .measure(\.worst),
                 metric: seconds("max", "Largest round-trip time since start."),
                 doc: "largest RTT"),
        HopField("V", "stdev_ms", "StDev", width: 7, decimals: 2, .milliseconds, .measure(\.standardDeviation),
                 metric: seconds("stddev", "Standard deviation of the round-trip time since start (sample, n-1)."),
                 doc: "sample standard deviation of the RTT (n − 1, as mtr; Welford's update)"),
        HopField("E", "median_ms", "Med", width: 7, decimals: 2, .milliseconds, .measure(\.median),
                 doc: "median RTT over the rolling window"),
        HopField("P", "p95_ms", "P95", width: 7, decimals: 2, .milliseconds, .measure(\.p95),
                 doc: "95th percentile RTT over the rolling window (nearest rank)"),
        HopField("J", "jitter_ms", "Jttr", width: 6, decimals: 1, .milliseconds, .measure(\.lastJitter),
                 doc: "|RTTᵢ − RTTᵢ₋₁| of the two newest replies (mtr's Jttr)"),
        HopField("M", "javg_ms", "Javg", width: 6, decimals: 1, .milliseconds, .measure(\.meanJitter),
                 doc: "mean of |RTTᵢ − RTTᵢ₋₁| over consecutive replies (mtr's Javg)"),
        HopField("X", "jmax_ms", "Jmax", width: 6, decimals: 1, .milliseconds, .measure(\.maxJitter),
                 doc: "largest |RTTᵢ − RTTᵢ₋₁| (mtr's Jmax)"),
        HopField("I", "jint_ms", "Jint", width: 6, decimals: 1, .milliseconds, .measure(\.interarrivalJitter),
                 doc: "interarrival jitter J of RFC 3550 (mtr's Jint ÷ 16); since start only"),
        // No mtr letter: mtr never tells a late reply from a lost one.
        HopField("T", "late", "Late", width: 5, decimals: 0, .count, .partialCount(\.late), ofHop: true,
                 metric: Metric(name: "tracemap_hop_probes_late_total", kind: .counter,
                                help: "Replies from this TTL that came after their probe's deadline (not received).",
                                scale: 1),
                 doc: "replies after their probe's deadline: counted in `dropped`, shown apart; since start only"),
    ]

    /// mtr's default field order.
    public static let defaultLetters = "LSNABWV"
    /// What mtr's `j` key shows.
    public static let jitterLetters = "LSNJMXI"

    /// Fields for a string of letters (mtr's `-o FIELDS`); nil if a letter is unknown.
    public static func columns(_ letters: String) -> [HopField]? {
        var result: [HopField] = []
        for letter in letters {
            guard let field = all.first(where: { $0.letter == letter }) else { return nil }
            result.append(field)
        }
        return result
    }

    public static func named(_ key: String) -> HopField? { all.first { $0.key == key } }
}

/// A field's JSON key.
public struct HopFieldKey: CodingKey, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

extension StatsView {
    /// Writes every field that has a value under its key into the object being encoded (a hop or a responder
    /// adds its own keys beside them): counts as integers, measurements as numbers, nothing for a missing value;
    /// for a responder, nothing of the hop's (`ofHop`).
    public func encodeFields(to encoder: any Encoder, responder: Bool = false) throws {
        var container = encoder.container(keyedBy: HopFieldKey.self)
        for field in HopField.all where !(responder && field.ofHop) {
            guard let value = field.value(self) else { continue }
            let key = HopFieldKey(stringValue: field.key)
            if field.unit == .count { try container.encode(Int(value), forKey: key) }
            else { try container.encode(value, forKey: key) }
        }
    }

    /// Takes from `other` every stored field this view has no value for (a file's figures completed from its
    /// probes).
    public mutating func fill(from other: StatsView) {
        for field in HopField.all where field.isStored && field.value(self) == nil {
            if let value = field.value(other) { field.store(value, in: &self) }
        }
    }

    /// Reads the fields `encodeFields` wrote; a missing one stays 0 (counts) or nil (measurements). A responder's
    /// `sent` is its replies, as `responder(_:windowed:)` has it.
    public init(fieldsFrom decoder: any Decoder, responder: Bool = false) throws {
        self.init()
        let container = try decoder.container(keyedBy: HopFieldKey.self)
        for field in HopField.all where field.isStored {
            if let value = try container.decodeIfPresent(Double.self, forKey: HopFieldKey(stringValue: field.key)) {
                field.store(value, in: &self)
            }
        }
        if responder { sent = received }
    }
}
