import Foundation
import TracemapEnrich
import TracemapModel
import TracemapStats

/// Everything one drawn frame reads: the data, what enrichment knows so far, and the clock. Immutable, so a
/// render is a pure function of (Frame, ViewState, size) and tests build frames by hand.
public struct Frame: Sendable {
    /// Replay position and speed; nil for a live session.
    public struct Playback: Sendable, Hashable {
        public var position: Int
        public var total: Int
        public var speed: Double
        public var playing: Bool

        public init(position: Int, total: Int, speed: Double, playing: Bool) {
            self.position = position
            self.total = total
            self.speed = speed
            self.playing = playing
        }
    }

    public let model: TUIModel
    public var hostInfo: [IPAddress: HostInfo]
    public var now: Date
    public var playback: Playback?
    /// Problems the host-information source reported (a missing GeoIP database…), shown where they explain
    /// an empty pane.
    public var notes: [String] = []
    /// Which of several watched targets this frame shows (1-based), and how many there are.
    public var target: (number: Int, of: Int)?
    /// `--profile private`: every address and name on screen becomes its token (`host-3f2a9c`).
    public var redactor: Redactor?

    public init(model: TUIModel, hostInfo: [IPAddress: HostInfo] = [:], now: Date = Date(), playback: Playback? = nil) {
        self.model = model
        self.hostInfo = hostInfo
        self.now = now
        self.playback = playback
        hops = model.statistics.orderedHops
        ttls = hops.map(\.ttl)
    }

    /// The hops to show in TTL order, sorted once per frame (every pane reads them).
    public let hops: [HopStatistics]
    public let ttls: [Int]

    /// The responder a hop's row and map marker stand for: the one with most replies over the last five
    /// rounds (ties to the lower address). A route change shows within three rounds, and ECMP branches probed
    /// by several flows keep their places instead of swapping every round.
    func mainResponder(of hop: HopStatistics) -> IPAddress? {
        let since = model.statistics.lastRoundIndex - 5
        func recent(_ responder: ResponderStatistics) -> Int {
            responder.window.samples.reduce(0) { $0 + ($1.round > since && $1.rtt != nil ? 1 : 0) }
        }
        let best = hop.responders.values.map { (responder: $0, count: recent($0)) }
            .max { ($0.count, $1.responder.address) < ($1.count, $0.responder.address) }
        guard let best, best.count > 0 else { return hop.lastResponder }
        return best.responder.address
    }

    /// A responder as the table prints it: its name when names are on and one is known, else its address.
    func label(_ address: IPAddress, names: Bool) -> String {
        if names, let name = hostInfo[address]?.hostname, !name.isEmpty { return show(name: name) }
        return show(address)
    }

    /// An address as the screen shows it: itself, or its token under `--profile private`.
    func show(_ address: IPAddress) -> String {
        redactor?.token(for: address) ?? address.description
    }

    /// A host name as the screen shows it.
    func show(name: String) -> String {
        redactor?.token(for: name) ?? name
    }

    /// Free text that may hold addresses and the target's name (an event's message), redacted when asked: every
    /// address the model knows, longest first, and the target's name.
    func show(text: String) -> String {
        guard let redactor else { return text }
        var known = Set(hops.flatMap { $0.responders.keys })
        known.insert(model.meta.target.address)
        if let source = model.meta.source { known.insert(source) }
        var literals = known.map { ($0.description, redactor.token(for: $0)) }
        if IPAddress(model.meta.target.name) == nil {
            literals.append((model.meta.target.name, redactor.token(for: model.meta.target.name)))
        }
        var result = text
        for (literal, token) in literals.sorted(by: { $0.0.count > $1.0.count }) where !literal.isEmpty {
            result = result.replacingOccurrences(of: literal, with: token)
        }
        return result
    }

    /// Whether the newest round reached the destination.
    var destinationReached: Bool { model.statistics.lastRoundReached }

    /// Each hop's condition, as the ledger judges it.
    func states(rolling: Bool) -> [Int: HopState] { model.ledger.conditions(rolling: rolling) }

    /// The frame's clock for "elapsed": live time, or the recording's time at the replay position.
    var elapsed: TimeInterval {
        let end = playback != nil ? (model.lastRoundAt ?? model.meta.startedAt) : now
        return max(0, end.timeIntervalSince(model.meta.startedAt))
    }
}

enum Format {
    /// 1:02:03 or 02:03.
    static func duration(_ seconds: TimeInterval) -> String {
        // A recording's times are someone else's numbers: clamp before converting (Int(1e300) traps).
        let total = seconds.isFinite ? Int(min(max(seconds, 0), 1e12)) : 0
        let hours = total / 3600, minutes = total / 60 % 60, secs = total % 60
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%02d:%02d", minutes, secs)
    }

    /// Local wall-clock time of day, HH:MM:SS.
    static func clock(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var time = time_t(seconds.isFinite ? min(max(seconds, -1e12), 1e12) : 0)
        var parts = tm()
        localtime_r(&time, &parts)
        return String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    static func milliseconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return String(format: value < 10 ? "%.2f ms" : "%.1f ms", value)
    }

    /// A separator line with a title: `── Title ─────`, or dashes in ASCII.
    static func rule(_ title: String, width: Int, unicode: Bool) -> String {
        let dash = unicode ? "─" : "-"
        let head = "\(dash)\(dash) \(title) "
        return (head + String(repeating: dash, count: max(0, width - head.count))).padded(to: width)
    }

    static func asn(_ info: HostInfo?) -> String {
        info?.asn.map { "AS\($0.number)" } ?? ""
    }
}

/// Colours of RTTs on the map and in the details: the same thresholds everywhere.
enum RTTColor {
    static func color(_ rtt: Double?) -> CellColor {
        guard let rtt else { return .dim }
        if rtt < 50 { return .green }
        if rtt < 150 { return .yellow }
        return .red
    }
}
