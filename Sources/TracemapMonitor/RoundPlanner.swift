import Foundation
import TracemapModel
import TracemapProbe

/// Which TTLs the next round probes. Until the destination's TTL is known every round goes to `maxHops`; once
/// known, rounds stop one TTL past it — the extra probe catches a path grown by one hop in the same round.
///
/// The destination's TTL is kept when the destination stops answering: a dark destination is probed where it
/// was, on the clock, instead of the whole range in longer rounds (which would stretch the cadence and take the
/// first echo from a deeper TTL for a longer path). The plan grows again only on evidence that the path goes on:
/// a router answering time-exceeded at or past the known TTL.
struct RoundPlanner: Sendable {
    let firstTTL: Int
    let maxHops: Int
    let flows: Int
    let grace: Duration
    private(set) var learnedTTL: Int?

    init(probe: ProbeOptions, options: MonitorOptions) {
        firstTTL = min(max(1, probe.firstTTL), 255)
        maxHops = max(firstTTL, min(options.maxHops ?? probe.maxHops, 255))
        flows = max(1, probe.flows)
        grace = max(.zero, options.grace)
    }

    /// One probe per TTL and flow (a monitor round, as mtr's): `queries` is 1, every probe keeps its timeout.
    var plan: RoundPlan {
        let last = learnedTTL.map { min(maxHops, max(firstTTL, $0 + 1)) } ?? maxHops
        return RoundPlan(ttls: firstTTL...last, queries: 1, flows: flows, graceAfterDestination: grace)
    }

    mutating func learn(from round: Round) {
        if let reached = round.destinationTTL {
            learnedTTL = reached
        } else if let learned = learnedTTL,
                  round.probes.contains(where: { $0.ttl >= learned && $0.reply?.kind == .timeExceeded }) {
            learnedTTL = nil
        }
    }
}
