import DequeModule
import TracemapModel

/// The newest events of a path, oldest dropped first (a monitor running for weeks keeps a bounded log), each
/// with its sequence number, and the alerts still open.
///
/// Sequence numbers count every event ever logged from 1, so a reader that saw up to number n takes exactly
/// the events after n from a newer copy of the log, and knows how many it missed when the log moved past them.
struct EventLog: Sendable, Hashable {
    let capacity: Int
    private(set) var events: Deque<MonitorEvent> = []
    /// Events ever logged (dropped ones included): the newest event's sequence number.
    private(set) var total = 0
    /// Alerts (warning or critical) ever logged.
    private(set) var alerts = 0
    /// The alerts raised and not yet recovered, in the order raised.
    private(set) var open: [MonitorEvent] = []

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    mutating func append(_ event: MonitorEvent) {
        events.append(event)
        total += 1
        if event.isAlert { alerts += 1 }
        if events.count > capacity { events.removeFirst() }
        track(event)
    }

    /// The events numbered after `sequence` still in the log, oldest first.
    func events(after sequence: Int) -> ArraySlice<MonitorEvent> {
        let new = min(events.count, max(0, total - sequence))
        return Array(events)[(events.count - new)...]
    }

    /// Closes the open alerts of `kinds` without a recovery event: the statistics they were judged on are gone
    /// (a reset, a new address).
    mutating func close(_ kinds: Set<MonitorEvent.Kind>) {
        open.removeAll { kinds.contains($0.kind) }
    }

    /// The one rule of which alerts are active: a spike, a loss or a lost destination stays open until its
    /// recovery event (the same TTL for spikes and loss); route changes are momentary and never stay open.
    private mutating func track(_ event: MonitorEvent) {
        switch event.kind {
        case .rttSpike, .loss, .destinationLost, .destinationUnreachable:
            open.removeAll { Self.closes(event, $0) }
            open.append(event)
        case .rttRecovery, .lossRecovery, .destinationReached:
            open.removeAll { Self.closes(event, $0) }
        case .routeChange, .rateLimited:
            break
        }
    }

    /// Whether `event` ends (or replaces) the open alert `alert`.
    private static func closes(_ event: MonitorEvent, _ alert: MonitorEvent) -> Bool {
        switch (event.kind, alert.kind) {
        case (.rttSpike, .rttSpike), (.rttRecovery, .rttSpike), (.loss, .loss), (.lossRecovery, .loss):
            event.ttl == alert.ttl
        case (.destinationLost, .destinationLost), (.destinationLost, .destinationUnreachable),
             (.destinationUnreachable, .destinationLost), (.destinationUnreachable, .destinationUnreachable),
             (.destinationReached, .destinationLost), (.destinationReached, .destinationUnreachable):
            true
        default:
            false
        }
    }
}
