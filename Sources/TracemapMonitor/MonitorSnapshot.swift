import Foundation
import TracemapModel
import TracemapStats

/// The immutable state the monitor publishes after every round; views only ever read these.
public struct MonitorSnapshot: Sendable {
    public var meta: TraceMeta
    /// Rounds completed so far (since the monitor started; `reset()` does not rewind it).
    public var rounds: Int
    public var statistics: PathStatistics
    /// The newest round, as probed.
    public var lastRound: Round?
    /// The newest events, newest last, bounded.
    public var recentEvents: [MonitorEvent]
    /// Alerts raised and not yet recovered.
    public var activeAlerts: Int

    /// The alerts behind `activeAlerts`: destination lost, loss, RTT spike — each until its recovery.
    public var alerts: [MonitorEvent] = []
    /// The established path the route-change rule compares against: index 0 is TTL 1, an empty list a silent
    /// hop, several addresses ECMP alternatives.
    public var path: [[IPAddress]] = []
    /// Whether the destination has stopped answering (a `destination-lost` alert is active).
    public var destinationLost = false
    /// The destination's TTL the next round relies on; nil while rounds probe to max hops.
    public var learnedDestinationTTL: Int?
    /// Events and alerts raised since start, including those no longer in `recentEvents`.
    public var totalEvents = 0
    public var totalAlerts = 0
    /// The first failure writing the recording, if any (the monitor goes on without it).
    public var recordingError: String?

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
