import Foundation
import TracemapModel
import TracemapProbe

/// Which TTLs the next round probes. Until the destination's TTL is known every round goes to `maxHops`; once
/// known, rounds stop one TTL past it — the extra probe catches a path grown by one hop in the same round. A
/// round that does not reach the destination (the path grew further, or the destination is gone) unlearns it,
/// so the next round probes to `maxHops` again.
struct RoundPlanner: Sendable {
    let firstTTL: Int
    let maxHops: Int
    let flows: Int
    let grace: Duration
    let maxDuration: Duration
    private(set) var learnedTTL: Int?

    init(probe: ProbeOptions, options: MonitorOptions) {
        firstTTL = min(max(1, probe.firstTTL), 255)
        maxHops = max(firstTTL, min(options.maxHops ?? probe.maxHops, 255))
        flows = max(1, probe.flows)
        grace = max(.zero, options.grace)
        maxDuration = options.maxRoundDuration > .zero ? options.maxRoundDuration : .seconds(3)
    }

    /// One probe per TTL and flow (a monitor round, as mtr's): `queries` is 1.
    var plan: RoundPlan {
        let last = learnedTTL.map { min(maxHops, max(firstTTL, $0 + 1)) } ?? maxHops
        return RoundPlan(ttls: firstTTL...last, queries: 1, flows: flows,
                         graceAfterDestination: grace, maxDuration: maxDuration)
    }

    mutating func learn(from round: Round) {
        learnedTTL = round.destinationTTL
    }

    mutating func forget() { learnedTTL = nil }
}
