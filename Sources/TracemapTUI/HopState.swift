import TracemapReport
import TracemapStats

/// How a hop's row is coloured: the reading an operator needs at a glance.
public enum HopState: Sendable, Hashable {
    case healthy
    /// Loss here that carries on to the destination: a real problem at or behind this hop.
    case lossBehind
    /// Loss here only, later hops answer fine: ICMP rate limiting of this router, not a path problem.
    case rateLimited
    /// The destination loses probes or stopped answering.
    case destinationTrouble
    /// Never answered (a router that does not send time-exceeded).
    case silent

    public var style: CellStyle {
        switch self {
        case .healthy: CellStyle()
        case .lossBehind: CellStyle(.red, bold: true)
        case .rateLimited: CellStyle(.yellow)
        case .destinationTrouble: CellStyle(.magenta, bold: true)
        case .silent: CellStyle(.dim)
        }
    }

    public var label: String {
        switch self {
        case .healthy: "healthy"
        case .lossBehind: "loss carries on to the destination"
        case .rateLimited: "loss here only (ICMP rate limiting)"
        case .destinationTrouble: "destination trouble"
        case .silent: "silent: sends no time-exceeded"
        }
    }

    /// The state of every hop of `hops` (TTL order). A hop's loss counts as carrying on when the last hop loses
    /// at least half as much (mtr's rule of thumb: loss that does not reach the destination is the router's
    /// control plane rate limiting its ICMP, not lost traffic).
    public static func classify(_ hops: [HopStatistics], rolling: Bool, destinationReached: Bool) -> [Int: HopState] {
        var states: [Int: HopState] = [:]
        let answering = hops.filter { !$0.isSilent }
        guard let lastHop = answering.last else {
            for hop in hops { states[hop.ttl] = .silent }
            return states
        }
        let finalLoss = StatsView.of(lastHop, rolling: rolling).lossPercent ?? 0
        for hop in hops {
            if hop.isSilent { states[hop.ttl] = .silent; continue }
            let loss = StatsView.of(hop, rolling: rolling).lossPercent ?? 0
            if hop.ttl == lastHop.ttl {
                states[hop.ttl] = loss > 0 || !destinationReached ? .destinationTrouble : .healthy
            } else if loss <= 0 {
                states[hop.ttl] = .healthy
            } else {
                states[hop.ttl] = finalLoss >= loss / 2 ? .lossBehind : .rateLimited
            }
        }
        return states
    }
}
