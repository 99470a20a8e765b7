import TracemapPacket

/// The ECMP choice of a per-flow load balancer (RFC 2992): a hash of the 5-tuple's stand-ins that stays the same
/// for every packet of a flow — source and destination address, protocol, and the first 4 transport bytes
/// (ports, or ICMP type, code and checksum, which is why Paris traceroute keeps the checksum constant).
enum FlowHash {
    /// Which of `count` next hops the router at `hopIndex` picks; each router hashes with its own salt so two
    /// ECMP hops on one path do not pick in lockstep.
    static func choose(among count: Int, for probe: ProbeEcho, hopIndex: Int) -> Int {
        guard count > 1 else { return 0 }
        // FNV-1a over the flow fields, then a SplitMix finalizer so the low bits used by `%` are well mixed.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let fields = probe.source.bytes + probe.destination.bytes + [probe.protocolNumber] + (probe.flowBytes ?? [])
        for byte in fields + [UInt8(truncatingIfNeeded: hopIndex)] {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(SplitMix64.mix(hash) % UInt64(count))
    }
}
