import DequeModule
import TracemapModel

/// The newest events of a monitor, oldest dropped first: a monitor running for weeks keeps a bounded log.
struct EventLog: Sendable {
    let capacity: Int
    private(set) var events: Deque<MonitorEvent> = []
    /// Events ever logged (dropped ones included).
    private(set) var total = 0
    /// Alerts (warning or critical) ever logged.
    private(set) var alerts = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    mutating func append(_ event: MonitorEvent) {
        events.append(event)
        total += 1
        if event.isAlert { alerts += 1 }
        if events.count > capacity { events.removeFirst() }
    }
}
