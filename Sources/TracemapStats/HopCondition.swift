/// What a hop's loss means, judged by one rule for every reader: the TUI's row colours and the monitor's
/// `rate-limited` notes.
///
/// Loss at a hop carries on to the destination when the destination loses at least half as much (mtr's rule
/// of thumb): loss behind a lossy link never splits exactly evenly over the hops after it. Loss that does not
/// reach the destination is the router's control plane limiting the ICMP errors it sends (often to one a second,
/// mtr issue #145), not lost traffic.
public enum HopCondition: Sendable, Hashable {
    case healthy
    /// Loss here that carries on to the destination: a real problem at or behind this hop.
    case lossBehind
    /// Loss here only, later hops answer fine: ICMP rate limiting of this router, not a path problem.
    case rateLimited
    /// The destination loses probes or stopped answering.
    case destinationTrouble
    /// Never answered (a router that does not send time-exceeded).
    case silent

    /// Whether loss of `hopLoss` percent at a hop is the router rate-limiting, given the destination's loss.
    public static func isRateLimiting(hopLoss: Double, destinationLoss: Double) -> Bool {
        hopLoss > 0 && destinationLoss < hopLoss / 2
    }

    /// The condition of every hop of `hops` (TTL order), over the loss since start or over the rolling window.
    /// The last hop that answers stands for the destination.
    public static func classify(_ hops: [HopStatistics], rolling: Bool,
                                destinationReached: Bool) -> [Int: HopCondition] {
        var conditions: [Int: HopCondition] = [:]
        let answering = hops.filter { !$0.isSilent }
        guard let lastHop = answering.last else {
            for hop in hops { conditions[hop.ttl] = .silent }
            return conditions
        }
        let loss = { (hop: HopStatistics) in rolling ? hop.window.lossPercent : hop.lossPercent }
        let finalLoss = loss(lastHop)
        for hop in hops {
            if hop.isSilent {
                conditions[hop.ttl] = .silent
            } else if hop.ttl == lastHop.ttl {
                conditions[hop.ttl] = finalLoss > 0 || !destinationReached ? .destinationTrouble : .healthy
            } else if loss(hop) <= 0 {
                conditions[hop.ttl] = .healthy
            } else {
                conditions[hop.ttl] = isRateLimiting(hopLoss: loss(hop), destinationLoss: finalLoss)
                    ? .rateLimited : .lossBehind
            }
        }
        return conditions
    }
}
