import Foundation
import TracemapModel
import TracemapMonitor
import TracemapStats

/// What the screen shows of one target: its meta and a copy of its path's ledger — from a live monitor's newest
/// snapshot, or from a recording replayed through a ledger of its own. The TUI computes nothing the ledger
/// already says; it only renders it.
public struct TUIModel: Sendable {
    /// RTT samples per TTL the TUI asks its monitors to keep for the details pane's chart, histogram, median and
    /// p95: enough for hours of rounds, bounded so a monitor left running for weeks stays small.
    public static let historyLimit = 10_000
    /// Events the TUI asks its monitors to keep for the alerts and details panes.
    public static let eventLimit = 500

    public private(set) var meta: TraceMeta
    public private(set) var ledger: PathLedger

    public init(meta: TraceMeta, options: MonitorOptions = MonitorOptions()) {
        self.meta = meta
        ledger = PathLedger(options: options, historyLimit: TUIModel.historyLimit)
    }

    public init(meta: TraceMeta, windowRounds: Int) {
        var options = MonitorOptions()
        options.window = windowRounds
        options.recentEventCapacity = TUIModel.eventLimit
        self.init(meta: meta, options: options)
    }

    public var statistics: PathStatistics { ledger.statistics }
    /// Rounds in the rolling window.
    public var windowRounds: Int { ledger.statistics.windowRounds }
    public var rounds: Int { ledger.rounds }
    public var lastRound: Round? { ledger.lastRound }
    public var firstRoundAt: Date? { ledger.firstRoundAt }
    public var lastRoundAt: Date? { ledger.lastRoundAt }
    /// Per TTL, the RTT of every probe (nil = no reply), oldest first, at most `historyLimit`.
    public var history: [Int: [Double?]] { ledger.history.samples }
    /// TTLs whose `history` has dropped old samples.
    public var historyTruncated: Set<Int> { ledger.history.truncated }
    /// Events, oldest first, as many as the ledger keeps.
    public var events: [MonitorEvent] { ledger.events }
    /// Alerts raised and not yet recovered.
    public var activeAlerts: Int { ledger.alerts.count }

    /// Takes in a live monitor's snapshot whole: the monitor's ledger is the truth.
    public mutating func apply(_ snapshot: MonitorSnapshot) {
        meta = snapshot.meta
        ledger = snapshot.ledger
    }

    /// A round of a recording (or a test's hand-made path).
    public mutating func record(_ round: Round) { ledger.replay(round) }

    /// An event of a recording, in its place among the rounds.
    public mutating func record(_ event: MonitorEvent) { ledger.append(event) }

    /// The TTLs whose responders changed in the newest route change within the last `rounds` rounds.
    public func recentlyChangedTTLs(within rounds: Int = 30) -> Set<Int> {
        guard let change = events.last(where: { $0.kind == .routeChange }),
              change.round >= statistics.lastRoundIndex - rounds else { return [] }
        let old = change.oldPath ?? [], new = change.newPath ?? []
        var changed: Set<Int> = []
        for index in 0..<max(old.count, new.count) {
            let before = index < old.count ? Set(old[index]) : [], after = index < new.count ? Set(new[index]) : []
            if before != after { changed.insert(index + 1) }
        }
        if changed.isEmpty, let ttl = change.ttl { changed.insert(ttl) }
        return changed
    }
}
