#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapStats

/// The immutable state the monitor publishes after every round: the target and a copy of its ledger. Views only
/// ever read these; `ledger.version` tells two apart and `ledger.eventSequence` which events are new.
public struct MonitorSnapshot: Sendable {
    public var meta: TraceMeta
    public var ledger: PathLedger
    /// The first failure writing the recording, if any (the monitor goes on without it).
    public var recordingError: String?

    public init(meta: TraceMeta, ledger: PathLedger, recordingError: String? = nil) {
        self.meta = meta
        self.ledger = ledger
        self.recordingError = recordingError
    }

    /// Rounds completed so far (since the monitor started; a reset does not rewind it).
    public var rounds: Int { ledger.rounds }
    public var statistics: PathStatistics { ledger.statistics }
    /// The newest round, as probed.
    public var lastRound: Round? { ledger.lastRound }
    /// The alerts raised and not yet recovered: destination lost, loss, RTT spike.
    public var alerts: [MonitorEvent] { ledger.alerts }
    public var activeAlerts: Int { ledger.alerts.count }
    /// The established path the route-change rule compares against: index 0 is TTL 1, an empty list a silent
    /// hop, several addresses ECMP alternatives.
    public var path: [[IPAddress]] { ledger.path }
    /// Whether the destination has stopped answering (a `destination-lost` alert is active).
    public var destinationLost: Bool { ledger.destinationLost }
    /// Alerts raised since start.
    public var totalAlerts: Int { ledger.totalAlerts }
}
