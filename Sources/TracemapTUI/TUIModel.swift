import Foundation
import TracemapModel
import TracemapMonitor
import TracemapStats

/// The data the screen shows, fed round by round and event by event from a live monitor or a recording.
/// The TUI keeps its own statistics (rather than the monitor's) so that `r` can reset them and a replay can
/// seek by rebuilding them, without reaching back into the monitor.
public struct TUIModel: Sendable {
    /// Samples kept per TTL for the details pane's chart, histogram, median and p95: enough for hours of
    /// rounds, bounded so a monitor left running for weeks stays small.
    public static let historyLimit = 10_000
    public static let eventLimit = 500

    public private(set) var meta: TraceMeta
    public private(set) var statistics: PathStatistics
    /// Per TTL, the RTT of every probe (nil = no reply), oldest first, at most `historyLimit`.
    public private(set) var history: [Int: [Double?]] = [:]
    /// Whether `history` of a TTL has dropped old samples.
    public private(set) var historyTruncated: Set<Int> = []
    /// Events, oldest first, at most `eventLimit`.
    public private(set) var events: [MonitorEvent] = []
    public private(set) var lastRound: Round?
    /// Wall-clock time of the first and newest round (recording time in a replay).
    public private(set) var firstRoundAt: Date?
    public private(set) var lastRoundAt: Date?
    /// Alerts not yet recovered, as the monitor counts them when it says so; else derived from the events.
    public var reportedActiveAlerts: Int?
    public let windowRounds: Int

    public init(meta: TraceMeta, windowRounds: Int = 60) {
        self.meta = meta
        self.windowRounds = windowRounds
        statistics = PathStatistics(windowRounds: windowRounds)
    }

    public var rounds: Int { statistics.rounds }

    public mutating func record(_ round: Round) {
        statistics.record(round)
        lastRound = round
        firstRoundAt = firstRoundAt ?? round.startedAt
        lastRoundAt = round.endedAt
        let limit = statistics.destinationTTL
        for probe in round.probes where limit == nil || probe.ttl <= limit! {
            var samples = history[probe.ttl, default: []]
            samples.append(probe.reply?.rtt)
            if samples.count > TUIModel.historyLimit {
                samples.removeFirst(samples.count - TUIModel.historyLimit)
                historyTruncated.insert(probe.ttl)
            }
            history[probe.ttl] = samples
        }
    }

    public mutating func record(_ event: MonitorEvent) {
        guard !events.contains(event) else { return }
        events.append(event)
        if events.count > TUIModel.eventLimit { events.removeFirst(events.count - TUIModel.eventLimit) }
    }

    public mutating func updateMeta(_ meta: TraceMeta) { self.meta = meta }

    /// Forgets every statistic and sample (the `r` key); events stay, they are history, not statistics.
    public mutating func resetStatistics() {
        statistics = PathStatistics(windowRounds: windowRounds)
        history = [:]
        historyTruncated = []
        firstRoundAt = nil
    }

    /// Alerts raised and not yet recovered: the monitor's count when it gave one, else each spike, loss or lost
    /// destination still waiting for its recovery event (route changes are momentary and never stay active).
    public var activeAlerts: Int {
        if let reportedActiveAlerts { return reportedActiveAlerts }
        var open: Set<String> = []
        for event in events {
            let ttl = event.ttl.map(String.init) ?? "-"
            switch event.kind {
            case .rttSpike: open.insert("rtt \(ttl)")
            case .rttRecovery: open.remove("rtt \(ttl)")
            case .loss: open.insert("loss \(ttl)")
            case .lossRecovery: open.remove("loss \(ttl)")
            case .destinationLost, .destinationUnreachable: open.insert("destination")
            case .destinationReached: open.remove("destination")
            case .routeChange, .rateLimited: break
            }
        }
        return open.count
    }

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

extension TUIModel {
    /// Takes in a live monitor snapshot: the monitor's statistics and alert count are the truth; the newest
    /// round also feeds the TUI's own per-TTL history (sparklines, charts), once per round.
    public mutating func apply(_ snapshot: MonitorSnapshot) {
        meta = snapshot.meta
        reportedActiveAlerts = snapshot.activeAlerts
        if let round = snapshot.lastRound, round.index != lastRound?.index {
            record(round)
        }
        statistics = snapshot.statistics
        for event in snapshot.recentEvents { record(event) }
    }
}
