import DequeModule
import Foundation
import TracemapModel

/// Loss alerts and rate-limiting notes, over an X-of-Y rule.
///
/// - Loss is judged at the destination: at least `count` of its last `rounds` rounds unanswered raises a `loss`
///   alert, reported at the first TTL of the run of lossy hops that ends at the destination (where the loss
///   starts). It recovers when the lost rounds fall to half the threshold or less (hysteresis, so a loss rate
///   near the threshold does not flap).
/// - Loss at an intermediate hop that the destination does not share is the router limiting the ICMP errors it
///   sends (often to one a second, mtr issue #145; mtr issue #239): at most one `rate-limited` note per TTL, never
///   an alert.
/// - A hop that never answered is silent, not lossy: it gets neither.
struct LossDetector: Sendable {
    let count: Int
    let rounds: Int
    /// Answered (true) or not, per probed round, newest last.
    private var hops: [Int: Deque<Bool>] = [:]
    private var everAnswered: Set<Int> = []
    private var destination: Deque<Bool> = []
    private var knownDestinationTTL: Int?
    private var noted: Set<Int> = []
    private(set) var activeAlert: MonitorEvent?

    init(_ options: MonitorOptions) {
        rounds = max(1, options.lossRounds)
        count = min(max(1, options.lossCount), rounds)
    }

    /// Lost rounds at or below which a loss alert recovers.
    private var recoveryCount: Int { (count - 1) / 2 }

    mutating func observe(_ observation: PathObservation, _ stamp: EventStamp) -> [MonitorEvent] {
        if let reached = observation.destinationTTL { knownDestinationTTL = reached }
        let destinationTTL = knownDestinationTTL
        for ttl in observation.probed {
            if let destinationTTL, ttl >= destinationTTL { continue }
            let answered = observation.responders[ttl] != nil
            if answered { everAnswered.insert(ttl) }
            push(answered, into: &hops[ttl, default: []])
        }
        guard let destinationTTL else { return [] }
        push(observation.reached, into: &destination)
        hops = hops.filter { $0.key < destinationTTL }

        let lost = destination.filter { !$0 }.count
        var events: [MonitorEvent] = []
        if activeAlert == nil, lost >= count {
            let percent = Self.percent(lost, of: destination.count)
            let start = lossStart(below: destinationTTL, destinationPercent: percent)
            let place = start == destinationTTL ? "at the destination (hop \(destinationTTL))"
                : "from \(hopRange(start, destinationTTL)) to the destination"
            var event = stamp.event(.loss, .warning, ttl: start,
                                    "loss \(Self.format(percent)) \(place): "
                                    + "\(lost) of the last \(destination.count) rounds unanswered")
            event.lossPercent = percent
            activeAlert = event
            events.append(event)
        } else if let alert = activeAlert, lost <= recoveryCount {
            activeAlert = nil
            var event = stamp.event(.lossRecovery, .info, ttl: alert.ttl,
                                    "loss recovered: \(lost) of the last \(destination.count) rounds unanswered, "
                                    + "\(stamp.round - alert.round) rounds after the alert")
            event.lossPercent = Self.percent(lost, of: destination.count)
            events.append(event)
        }
        if activeAlert == nil, lost <= recoveryCount {
            events += rateLimitNotes(below: destinationTTL, observation, stamp)
        }
        return events
    }

    private func push(_ answered: Bool, into history: inout Deque<Bool>) {
        history.append(answered)
        if history.count > rounds { history.removeFirst() }
    }

    /// The lowest TTL from which every answering hop up to the destination loses about as much (at least half
    /// the destination's share: random loss never splits exactly evenly over the hops behind a lossy link).
    private func lossStart(below destinationTTL: Int, destinationPercent: Double) -> Int {
        var start = destinationTTL
        for ttl in stride(from: destinationTTL - 1, through: 1, by: -1) {
            guard let history = hops[ttl], everAnswered.contains(ttl) else { continue }
            let lost = history.filter { !$0 }.count
            guard lost > 0, Self.percent(lost, of: history.count) >= destinationPercent / 2 else { break }
            start = ttl
        }
        return start
    }

    private mutating func rateLimitNotes(below destinationTTL: Int, _ observation: PathObservation,
                                         _ stamp: EventStamp) -> [MonitorEvent] {
        var notes: [MonitorEvent] = []
        for (ttl, history) in hops.sorted(by: { $0.key < $1.key }) where !noted.contains(ttl) {
            guard everAnswered.contains(ttl), history.count >= rounds else { continue }
            let lost = history.filter { !$0 }.count
            guard lost >= count else { continue }
            noted.insert(ttl)
            let percent = Self.percent(lost, of: history.count)
            let who = observation.responders[ttl].map { " (\(RouteTracker.text($0.sorted())))" } ?? ""
            var note = stamp.event(.rateLimited, .info, ttl: ttl,
                                   "hop \(ttl)\(who) leaves \(Self.format(percent)) of probes unanswered while the "
                                   + "destination answers: the router rate-limits its ICMP errors, "
                                   + "the path is not lossy")
            note.lossPercent = percent
            notes.append(note)
        }
        return notes
    }

    private static func percent(_ part: Int, of whole: Int) -> Double {
        whole == 0 ? 0 : Double(part) / Double(whole) * 100
    }

    private static func format(_ percent: Double) -> String { String(format: "%.0f%%", percent) }
}
