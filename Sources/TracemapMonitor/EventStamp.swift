#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel

/// When, in which round and for which target the detectors of one round raise their events.
struct EventStamp: Sendable {
    var time: Date
    var round: Int
    /// The target as the user named it (the JSON `target` field that tells several monitors apart).
    var target: String

    func event(_ kind: MonitorEvent.Kind, _ severity: MonitorEvent.Severity, ttl: Int?, _ message: String)
        -> MonitorEvent {
        MonitorEvent(time: time, round: round, target: target, kind: kind, severity: severity, ttl: ttl,
                     message: message)
    }
}

/// Milliseconds as events print them.
func formatMilliseconds(_ value: Double) -> String {
    String(format: value < 10 ? "%.2f ms" : "%.1f ms", value)
}

/// A TTL range as events print it: "hop 4" or "hops 4–7".
func hopRange(_ first: Int, _ last: Int) -> String {
    first >= last ? "hop \(first)" : "hops \(first)–\(last)"
}
