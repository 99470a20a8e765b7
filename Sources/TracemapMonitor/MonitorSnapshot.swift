import Foundation
import TracemapModel
import TracemapStats

/// The immutable state the monitor publishes after every round; views only ever read these.
public struct MonitorSnapshot: Sendable {
    public var meta: TraceMeta
    /// Rounds completed so far.
    public var rounds: Int
    public var statistics: PathStatistics
    /// The newest round, as probed.
    public var lastRound: Round?
    /// The newest events, newest last, bounded.
    public var recentEvents: [MonitorEvent]
    /// Alerts raised and not yet recovered.
    public var activeAlerts: Int

    public init(meta: TraceMeta, rounds: Int, statistics: PathStatistics, lastRound: Round?,
                recentEvents: [MonitorEvent], activeAlerts: Int) {
        self.meta = meta
        self.rounds = rounds
        self.statistics = statistics
        self.lastRound = lastRound
        self.recentEvents = recentEvents
        self.activeAlerts = activeAlerts
    }
}
