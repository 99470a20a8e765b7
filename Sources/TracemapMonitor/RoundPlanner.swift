#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapProbe

/// Which TTLs the next round probes. Until the destination's TTL is known every round goes to `maxHops`; once
/// known, rounds stop one TTL past it — the extra probe catches a path grown by one hop in the same round.
///
/// The TTL comes from the ledger (`PathLedger.reachedTTL`): kept while the destination is silent, so a dark
/// destination is probed where it was, on the clock, instead of the whole range in longer rounds (which would
/// stretch the cadence and take the first echo from a deeper TTL for a longer path); forgotten on evidence that
/// the path goes on (a router answering time-exceeded at or past it), so the next round probes the whole range.
struct RoundPlanner: Sendable {
    let firstTTL: Int
    let maxHops: Int
    let flows: Int
    let grace: Duration

    init(probe: ProbeOptions, options: MonitorOptions) {
        firstTTL = min(max(1, probe.firstTTL), 255)
        maxHops = max(firstTTL, min(options.maxHops ?? probe.maxHops, 255))
        flows = max(1, probe.flows)
        grace = max(.zero, options.grace)
    }

    /// One probe per TTL and flow (a monitor round, as mtr's): `queries` is 1, every probe keeps its timeout.
    func plan(_ ledger: PathLedger) -> RoundPlan {
        let last = ledger.reachedTTL.map { min(maxHops, max(firstTTL, $0 + 1)) } ?? maxHops
        return RoundPlan(ttls: firstTTL...last, queries: 1, flows: flows, graceAfterDestination: grace)
    }
}
