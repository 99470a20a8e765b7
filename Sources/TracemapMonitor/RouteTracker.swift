#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel

/// Route changes and the destination's presence, judged round by round against an established path.
///
/// - The established path is the set of responders seen at each TTL since the path was last confirmed; an
///   address that shows up once and gives way to the known ones again is an ECMP alternative, learned silently.
/// - A round diverges when a TTL answers with an address not established there, or the destination answers at
///   another TTL. `confirmRounds` diverging rounds in a row confirm a change; a round that shows the established
///   addresses at the diverging TTLs aborts it. A round with no reply at those TTLs (a silent or lost probe) is no
///   evidence either way: it neither counts nor aborts.
/// - A TTL that never answered learns its first responders without an event (a rate-limited hop's first reply
///   is not a route change).
/// - The destination's TTL changes only on proof. Answering at a lower TTL is proof, unless every TTL between was
///   silent on the established path (then the old TTL was a guess made while those probes were lost: corrected
///   without an event). Answering at a higher TTL is proof when a router answered at or past the old TTL; when
///   those TTLs were only silent it is what loss looks like — the probe at the destination's TTL lost, the next
///   one through — so it counts only after `silentGrowthRounds` such rounds in a row.
/// - The destination is lost after `lostRounds` rounds in a row without its answer, and reached again after
///   `confirmRounds` answered rounds in a row.
struct RouteTracker: Sendable {
    let confirmRounds: Int
    let lostRounds: Int
    let silentGrowthRounds: Int

    /// Responders per TTL in the order first seen, ECMP alternatives included.
    private(set) var established: [Int: [IPAddress]] = [:]
    /// The destination's TTL on the established path.
    private(set) var length: Int?
    private var candidate: Candidate?
    /// The path before the last confirmed change, to say when a change goes back to it.
    private var previousPath: [[IPAddress]]?

    private(set) var lostEvent: MonitorEvent?
    private var missedRun = 0
    private var answeredRun = 0
    private var everReached = false
    private var silentGrowthRun = 0

    /// Evidence of a different path, gathered over consecutive diverging rounds.
    private struct Candidate {
        var rounds = 0
        /// TTLs that answered with an address not established there.
        var changed: Set<Int> = []
        /// Every responder seen per TTL during these rounds.
        var seen: [Int: [IPAddress]] = [:]
        /// The newest destination TTL seen, and whether it differed from the established one.
        var length: Int?
        var lengthChanged = false
    }

    init(confirmRounds: Int, lostRounds: Int) {
        self.confirmRounds = max(1, confirmRounds)
        self.lostRounds = max(1, lostRounds)
        // At 40 % loss behind a hop, "destination's probe lost, the next one through" happens in a quarter of the
        // rounds: ten in a row is about one in a million.
        silentGrowthRounds = max(self.confirmRounds, 2 * self.lostRounds)
    }

    var destinationLost: Bool { lostEvent != nil }

    /// The established path in the event format: index 0 is TTL 1, an empty list a silent hop.
    var path: [[IPAddress]] {
        guard let end = length ?? established.keys.max(), end >= 1 else { return [] }
        return (1...end).map { established[$0] ?? [] }
    }

    mutating func observe(_ observation: PathObservation, _ stamp: EventStamp) -> [MonitorEvent] {
        var events = presence(observation, stamp)
        if established.isEmpty && length == nil {
            learn(observation)
            return events
        }
        let changed = divergentTTLs(observation)
        let lengthChanged = lengthChange(observation)
        if !changed.isEmpty || lengthChanged {
            var next = candidate ?? Candidate()
            next.rounds += 1
            next.changed.formUnion(changed)
            next.lengthChanged = next.lengthChanged || lengthChanged
            if let reached = observation.destinationTTL { next.length = reached }
            for (ttl, addresses) in observation.responders {
                next.seen[ttl] = merged(next.seen[ttl] ?? [], addresses)
            }
            if next.rounds >= confirmRounds {
                events.append(confirm(next, stamp))
                candidate = nil
            } else {
                candidate = next
            }
        } else {
            if let pending = candidate, contradicts(observation, pending) {
                absorb(pending)
                candidate = nil
            }
            learn(observation)
        }
        return events
    }

    // MARK: Destination presence

    private mutating func presence(_ observation: PathObservation, _ stamp: EventStamp) -> [MonitorEvent] {
        if observation.reached {
            missedRun = 0
            answeredRun += 1
            everReached = true
        } else {
            missedRun += 1
            answeredRun = 0
        }
        if lostEvent == nil, missedRun >= lostRounds {
            // Never answered since the start: unreachable (its hop unknown); answered before: lost at its hop.
            let last = observation.lastAnsweringTTL
            let lastText = last.map { ttl in
                "; the last hop answering is \(ttl) (\(Self.text(observation.responders[ttl].map(Array.init) ?? [])))"
            } ?? "; no hop answers"
            var event = everReached
                ? stamp.event(.destinationLost, .critical, ttl: length,
                              "destination stopped answering for \(missedRun) rounds\(lastText)")
                : stamp.event(.destinationUnreachable, .critical, ttl: last,
                              "destination has not answered in \(missedRun) rounds\(lastText)")
            if everReached { event.oldPath = path }
            event.newPath = observation.path()
            lostEvent = event
            return [event]
        }
        if let lost = lostEvent, answeredRun >= confirmRounds, let reached = observation.destinationTTL {
            lostEvent = nil
            var event = stamp.event(.destinationReached, .info, ttl: reached,
                                    lost.kind == .destinationUnreachable
                                        ? "destination answers at hop \(reached), \(stamp.round) rounds after the start"
                                        : "destination answers again at hop \(reached), "
                                          + "\(stamp.round - lost.round) rounds after it was lost")
            event.newPath = observation.path()
            return [event]
        }
        return []
    }

    // MARK: Route changes

    /// Whether this round proves another destination TTL; corrects a guessed one on the way.
    private mutating func lengthChange(_ observation: PathObservation) -> Bool {
        guard let reached = observation.destinationTTL, let length, reached != length else {
            silentGrowthRun = 0
            return false
        }
        if reached < length {
            silentGrowthRun = 0
            if (reached..<length).allSatisfy({ (established[$0] ?? []).isEmpty }) {
                self.length = reached
                established = established.filter { $0.key <= reached }
                return false
            }
            return true
        }
        if (length..<reached).contains(where: { observation.responders[$0] != nil }) {
            silentGrowthRun = 0
            return true
        }
        silentGrowthRun += 1
        return silentGrowthRun > silentGrowthRounds - confirmRounds
    }

    /// TTLs (up to the established destination) that answered with an address not established there.
    private func divergentTTLs(_ observation: PathObservation) -> Set<Int> {
        var changed: Set<Int> = []
        for (ttl, addresses) in observation.responders {
            if let length, ttl > length { continue }
            guard let known = established[ttl], !known.isEmpty else { continue }
            if addresses.contains(where: { !known.contains($0) }) { changed.insert(ttl) }
        }
        return changed
    }

    /// Whether a round that did not diverge shows the established path where the candidate saw another.
    private func contradicts(_ observation: PathObservation, _ pending: Candidate) -> Bool {
        if pending.changed.contains(where: { observation.responders[$0] != nil }) { return true }
        return pending.lengthChanged && observation.destinationTTL != nil && observation.destinationTTL == length
    }

    /// An aborted candidate's addresses were ECMP alternatives: they join the established path.
    private mutating func absorb(_ pending: Candidate) {
        let limit = min(length ?? .max, pending.length ?? .max)
        for ttl in pending.changed where ttl < limit {
            established[ttl] = merged(established[ttl] ?? [], pending.seen[ttl] ?? [])
        }
    }

    /// Fills TTLs that never answered, and the destination's TTL once it is first reached.
    private mutating func learn(_ observation: PathObservation) {
        if length == nil, let reached = observation.destinationTTL { length = reached }
        for (ttl, addresses) in observation.responders {
            if let length, ttl > length { continue }
            established[ttl] = merged(established[ttl] ?? [], addresses)
        }
    }

    private mutating func confirm(_ change: Candidate, _ stamp: EventStamp) -> MonitorEvent {
        let oldPath = path
        let oldLength = length
        let newLength = change.length ?? change.seen.keys.max() ?? oldLength ?? 0
        var firstChanged = change.changed.min() ?? .max
        if change.lengthChanged, let oldLength { firstChanged = min(firstChanged, min(oldLength, newLength)) }
        if firstChanged == .max { firstChanged = newLength }

        for (ttl, addresses) in change.seen {
            established[ttl] = change.changed.contains(ttl) ? addresses : merged(established[ttl] ?? [], addresses)
        }
        // Beyond the first difference the old responders are stale: a TTL the change did not show is unknown.
        for ttl in established.keys where ttl >= firstChanged && change.seen[ttl] == nil {
            established[ttl] = nil
        }
        if change.length != nil { length = newLength }
        if let length { established = established.filter { $0.key <= length } }

        let newPath = path
        var message = "route changed at hop \(firstChanged): "
            + "\(Self.text(Self.hop(firstChanged, of: oldPath))) → \(Self.text(Self.hop(firstChanged, of: newPath)))"
        if let oldLength, change.length != nil, oldLength != newLength {
            message += ", \(oldLength) → \(newLength) hops"
        }
        if newPath == previousPath { message += " (back to the previous path)" }
        previousPath = oldPath

        var event = stamp.event(.routeChange, .warning, ttl: firstChanged, message)
        event.oldPath = oldPath
        event.newPath = newPath
        return event
    }

    /// ECMP alternatives kept per TTL, the oldest dropped first (bounded memory for a hop that answers from a
    /// whole pool of addresses).
    static let maxAlternatives = 16

    private func merged(_ known: [IPAddress], _ new: some Sequence<IPAddress>) -> [IPAddress] {
        var result = known
        for address in new.sorted() where !result.contains(address) { result.append(address) }
        return Array(result.suffix(Self.maxAlternatives))
    }

    private static func hop(_ ttl: Int, of path: [[IPAddress]]) -> [IPAddress] {
        ttl >= 1 && ttl <= path.count ? path[ttl - 1] : []
    }

    /// "192.0.2.1", "192.0.2.1/192.0.2.9" for ECMP alternatives, "*" for a silent hop (traceroute's mark).
    static func text(_ addresses: [IPAddress]) -> String {
        addresses.isEmpty ? "*" : addresses.map(\.description).joined(separator: "/")
    }
}
