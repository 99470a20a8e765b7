#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel

/// What one round saw of the path, TTL by TTL: the input every detector reads. Probes past the destination's
/// TTL are left out — the destination answers them too and they would only repeat it.
struct PathObservation: Sendable {
    let round: Int
    /// Responders per TTL (several when Paris flows take different ECMP branches); a TTL with no reply is absent.
    let responders: [Int: Set<IPAddress>]
    /// The lowest RTT per TTL and responder in this round, milliseconds.
    let rtts: [Int: [IPAddress: Double]]
    /// The TTLs this round probed, up to the destination.
    let probed: Set<Int>
    /// The lowest TTL the destination answered at, if it did.
    let destinationTTL: Int?
    /// The address that answered as the destination.
    let destination: IPAddress?

    init(_ round: Round) {
        self.round = round.index
        let reached = round.destinationTTL
        destinationTTL = reached
        var responders: [Int: Set<IPAddress>] = [:]
        var rtts: [Int: [IPAddress: Double]] = [:]
        var probed: Set<Int> = []
        var destination: IPAddress?
        for probe in round.probes {
            if let reached, probe.ttl > reached { continue }
            probed.insert(probe.ttl)
            guard let reply = probe.reply else { continue }
            responders[probe.ttl, default: []].insert(reply.responder)
            let best = rtts[probe.ttl]?[reply.responder] ?? .infinity
            rtts[probe.ttl, default: [:]][reply.responder] = min(best, reply.rtt)
            if probe.ttl == reached, reply.kind.isFromDestination { destination = reply.responder }
        }
        self.responders = responders
        self.rtts = rtts
        self.probed = probed
        self.destination = destination
    }

    var reached: Bool { destinationTTL != nil }

    /// The highest TTL that answered (the destination's when it was reached).
    var lastAnsweringTTL: Int? { destinationTTL ?? responders.keys.max() }

    /// The responders per TTL as the event format carries them: index 0 is TTL 1, an empty list a silent hop.
    func path(upTo last: Int? = nil) -> [[IPAddress]] {
        guard let end = last ?? lastAnsweringTTL, end >= 1 else { return [] }
        return (1...end).map { (responders[$0] ?? []).sorted() }
    }
}
