import TracemapModel

/// Every probe's RTT per TTL (nil: no reply), oldest first, for the TUI's sparklines, charts, median and p95:
/// bounded to `limit` samples per TTL, so a monitor left running for weeks stays small. A `watch` keeps none.
public struct HopHistory: Sendable, Hashable {
    public let limit: Int
    public private(set) var samples: [Int: [Double?]] = [:]
    /// TTLs whose history has dropped old samples.
    public private(set) var truncated: Set<Int> = []

    public init(limit: Int) {
        self.limit = max(0, limit)
    }

    public subscript(ttl: Int) -> [Double?]? { samples[ttl] }

    /// Adds the round's probes up to `destinationTTL` (past it the destination only repeats itself).
    public mutating func record(_ round: Round, destinationTTL: Int?) {
        guard limit > 0 else { return }
        for probe in round.probes where destinationTTL.map({ probe.ttl <= $0 }) ?? true {
            samples[probe.ttl, default: []].append(probe.reply?.rtt)
            if let count = samples[probe.ttl]?.count, count > limit {
                samples[probe.ttl]?.removeFirst(count - limit)
                truncated.insert(probe.ttl)
            }
        }
    }
}
