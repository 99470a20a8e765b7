#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A timestamped finding of the monitor, with the hop it concerns and the evidence behind it.
/// Its JSON form is stable: it is what `watch --json`, `--exec` and recordings carry.
public struct MonitorEvent: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case routeChange = "route-change"
        case rttSpike = "rtt-spike"
        case rttRecovery = "rtt-recovery"
        case loss
        case lossRecovery = "loss-recovery"
        case destinationLost = "destination-lost"
        case destinationReached = "destination-reached"
        /// The destination has not answered a single probe since the monitor started.
        case destinationUnreachable = "destination-unreachable"
        /// Loss at one hop that does not carry on behind it: ICMP rate limiting, not a path problem.
        case rateLimited = "rate-limited"
    }

    public enum Severity: String, Codable, Sendable, Comparable {
        case info, warning, critical

        private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public var time: Date
    public var round: Int
    public var target: String
    public var kind: Kind
    public var severity: Severity
    /// The first TTL concerned, when one is.
    public var ttl: Int?
    public var message: String
    /// Route change: the responders per TTL before and after (index 0 is TTL 1; an empty list is a silent hop).
    public var oldPath: [[IPAddress]]?
    public var newPath: [[IPAddress]]?
    /// RTT events: the baseline and the recent median, milliseconds.
    public var baselineRTT: Double?
    public var currentRTT: Double?
    /// Loss events: the loss over the rule's window, percent.
    public var lossPercent: Double?

    public init(time: Date, round: Int, target: String, kind: Kind, severity: Severity, ttl: Int? = nil,
                message: String, oldPath: [[IPAddress]]? = nil, newPath: [[IPAddress]]? = nil,
                baselineRTT: Double? = nil, currentRTT: Double? = nil, lossPercent: Double? = nil) {
        self.time = time
        self.round = round
        self.target = target
        self.kind = kind
        self.severity = severity
        self.ttl = ttl
        self.message = message
        self.oldPath = oldPath
        self.newPath = newPath
        self.baselineRTT = baselineRTT
        self.currentRTT = currentRTT
        self.lossPercent = lossPercent
    }

    /// Whether this event is an alert (raises `--exec`, `--bell`, the TUI's alert count) rather than a note.
    public var isAlert: Bool { severity >= .warning }

    enum CodingKeys: String, CodingKey {
        case time, round, target, kind, severity, ttl, message
        case oldPath = "old_path", newPath = "new_path", baselineRTT = "baseline_rtt_ms"
        case currentRTT = "current_rtt_ms", lossPercent = "loss_pct"
    }
}
