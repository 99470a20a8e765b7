import Foundation
import TracemapModel
import TracemapMonitor

/// What a finished monitor run produced.
struct MonitorRun {
    var events: [MonitorEvent]
    var snapshot: MonitorSnapshot

    var alerts: [MonitorEvent] { events.filter(\.isAlert) }

    func events(_ kind: MonitorEvent.Kind) -> [MonitorEvent] { events.filter { $0.kind == kind } }
}

/// Runs a monitor over a scripted path for `rounds` rounds and collects every event.
func runMonitor(_ prober: ScriptedPath, rounds: Int, interval: Duration = .milliseconds(10),
                recording: RecordingWriter? = nil,
                configure: (inout MonitorOptions) -> Void = { _ in }) async -> MonitorRun {
    var options = MonitorOptions()
    options.interval = interval
    options.rounds = rounds
    options.eventBuffer = 10_000
    configure(&options)
    let monitor = Monitor(prober: prober, options: options, recording: recording)
    await monitor.run()
    var events: [MonitorEvent] = []
    for await event in monitor.events { events.append(event) }
    return MonitorRun(events: events, snapshot: await monitor.snapshot)
}

extension MonitorEvent {
    /// The responders at `ttl` in a path of the event format (index 0 is TTL 1).
    static func hop(_ ttl: Int, of path: [[IPAddress]]?) -> [IPAddress] {
        guard let path, ttl >= 1, ttl <= path.count else { return [] }
        return path[ttl - 1]
    }
}
