import DequeModule
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapStats

/// Loss alerts and rate-limiting notes, over an X-of-Y rule.
///
/// - Loss is judged at the destination, per probe at its TTL (as mtr counts a hop's loss): a round whose probe
///   at the destination's TTL went unanswered lost it, even when the next TTL's probe got through. At least
///   `count` of its last `rounds` rounds unanswered raises a `loss` alert, reported at the first TTL of the run
///   of lossy hops that ends at the destination (where the loss starts). It recovers when the last `2 × rounds` rounds hold at most half the threshold lost (hysteresis over
///   a longer window: 40 % loss leaves only 1 of 10 rounds unanswered one time in twenty, 1 of 20 one time in
///   two thousand, so a lasting loss does not flap).
/// - Loss at an intermediate hop that the destination does not share is the router limiting the ICMP errors it
///   sends (often to one a second, mtr issue #145; mtr issue #239): at most one `rate-limited` note per TTL, never
///   an alert. It is judged over the long window too, so loss behind a lossy link is not taken for it while the
///   destination happens to answer for a few rounds.
/// - A hop that never answered is silent, not lossy: it gets neither.
struct LossDetector: Sendable {
    let count: Int
    let rounds: Int
    /// Answered (true) or not, per probed round, newest last; `2 × rounds` long.
    private var hops: [Int: Deque<Bool>] = [:]
    private var everAnswered: Set<Int> = []
    /// The responders of each TTL's newest reply, to name a rate-limiting router.
    private var lastResponders: [Int: Set<IPAddress>] = [:]
    private var destination: Deque<Bool> = []
    private var noted: Set<Int> = []
    private(set) var activeAlert: MonitorEvent?

    init(_ options: MonitorOptions) {
        rounds = max(1, options.lossRounds)
        count = min(max(1, options.lossCount), rounds)
    }

    /// Lost rounds at or below which a loss alert recovers.
    private var recoveryCount: Int { (count - 1) / 2 }

    /// - Parameter destinationTTL: the destination's TTL on the established path.
    mutating func observe(_ observation: PathObservation, destinationTTL: Int?,
                          _ stamp: EventStamp) -> [MonitorEvent] {
        for ttl in observation.probed {
            if let destinationTTL, ttl >= destinationTTL { continue }
            let answered = observation.responders[ttl] != nil
            if let responders = observation.responders[ttl] {
                everAnswered.insert(ttl)
                lastResponders[ttl] = responders
            }
            push(answered, into: &hops[ttl, default: []])
        }
        guard let destinationTTL else { return [] }
        push(observation.destinationTTL.map { $0 <= destinationTTL } ?? false, into: &destination)
        hops = hops.filter { $0.key < destinationTTL }
        lastResponders = lastResponders.filter { $0.key < destinationTTL }

        let lost = Self.lost(destination, last: rounds)
        let longLost = Self.lost(destination, last: 2 * rounds)
        var events: [MonitorEvent] = []
        if activeAlert == nil, lost >= count {
            let percent = Self.percent(lost, of: min(rounds, destination.count))
            let start = lossStart(below: destinationTTL, destinationPercent: percent)
            let place = start == destinationTTL ? "at the destination (hop \(destinationTTL))"
                : "from \(hopRange(start, destinationTTL)) to the destination"
            var event = stamp.event(.loss, .warning, ttl: start,
                                    "loss \(Self.format(percent)) \(place): "
                                    + "\(lost) of the last \(min(rounds, destination.count)) rounds unanswered")
            event.lossPercent = percent
            activeAlert = event
            events.append(event)
        } else if let alert = activeAlert, longLost <= recoveryCount, destination.count == 2 * rounds {
            activeAlert = nil
            var event = stamp.event(.lossRecovery, .info, ttl: alert.ttl,
                                    "loss recovered: \(longLost) of the last \(destination.count) rounds unanswered, "
                                    + "\(stamp.round - alert.round) rounds after the alert")
            event.lossPercent = Self.percent(longLost, of: destination.count)
            events.append(event)
        }
        if activeAlert == nil, longLost <= recoveryCount {
            events += rateLimitNotes(below: destinationTTL, observation, stamp)
        }
        return events
    }

    private func push(_ answered: Bool, into history: inout Deque<Bool>) {
        history.append(answered)
        if history.count > 2 * rounds { history.removeFirst() }
    }

    /// Unanswered rounds among the newest `last` of a history.
    private static func lost(_ history: Deque<Bool>, last: Int) -> Int {
        history.suffix(last).filter { !$0 }.count
    }

    /// The lowest TTL from which every answering hop up to the destination loses about as much (at least half
    /// the destination's share: random loss never splits exactly evenly over the hops behind a lossy link).
    private func lossStart(below destinationTTL: Int, destinationPercent: Double) -> Int {
        var start = destinationTTL
        for ttl in stride(from: destinationTTL - 1, through: 1, by: -1) {
            guard let history = hops[ttl], everAnswered.contains(ttl) else { continue }
            let lost = Self.lost(history, last: rounds)
            guard lost > 0, Self.percent(lost, of: min(rounds, history.count)) >= destinationPercent / 2 else { break }
            start = ttl
        }
        return start
    }

    private mutating func rateLimitNotes(below destinationTTL: Int, _ observation: PathObservation,
                                         _ stamp: EventStamp) -> [MonitorEvent] {
        var notes: [MonitorEvent] = []
        for (ttl, history) in hops.sorted(by: { $0.key < $1.key }) where !noted.contains(ttl) {
            guard everAnswered.contains(ttl), history.count == 2 * rounds, destination.count == 2 * rounds else {
                continue
            }
            let lost = Self.lost(history, last: 2 * rounds)
            let percent = Self.percent(lost, of: history.count)
            let destinationPercent = Self.percent(Self.lost(destination, last: 2 * rounds), of: destination.count)
            guard lost >= 2 * count,
                  HopCondition.isRateLimiting(hopLoss: percent, destinationLoss: destinationPercent) else { continue }
            noted.insert(ttl)
            let who = lastResponders[ttl].map { " (\(RouteTracker.text($0.sorted())))" } ?? ""
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
