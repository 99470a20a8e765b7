import TracemapModel
import TracemapPacket

/// What a scenario's path does with one packet from the source: which reply comes back, after how long.
/// No I/O: the simulator feeds it packets read from the TUN device, and tests can feed it packets directly.
public struct PathResponder: Sendable {
    public enum Decision: Sendable, Hashable {
        /// Not a probe (IPv6 neighbour discovery, MLD, the kernel's own RSTs…): no path would answer it.
        case ignore
        /// A probe the path loses: forward loss, reply loss, a silent hop or destination.
        case drop
        /// `packet` (a whole IP packet to the source) arrives `delay` milliseconds after the probe left.
        case reply(packet: [UInt8], delay: Double)
    }

    public private(set) var scenario: Scenario
    private var random: SplitMix64

    public init(scenario: Scenario) {
        self.scenario = scenario
        random = SplitMix64(seed: scenario.seed ?? UInt64.random(in: .min ... .max))
    }

    /// Plays a new scenario from the next packet on (a live route change, RTT spike or loss).
    public mutating func update(_ scenario: Scenario) {
        if scenario.seed != self.scenario.seed, let seed = scenario.seed { random = SplitMix64(seed: seed) }
        self.scenario = scenario
    }

    public mutating func respond(to packet: [UInt8]) -> Decision {
        guard let probe = ResponseParser.parseProbe(packet), let kind = ProbeKind(probe), probe.ttl > 0 else {
            return .ignore
        }
        // A probe to one of the hops' own addresses ends there, as it would on a real path.
        let hops = scenario.hops
        let destinationIndex = hops.indices.first { index in
            routes(of: hops[index]).contains { $0.address(probe.source.family) == probe.destination }
        }
        let pathLength = destinationIndex ?? hops.count
        let reach = Int(probe.ttl)
        for index in 0 ..< min(reach - 1, pathLength) where chance(hops[index].forwardLoss) {
            return .drop
        }
        if reach <= pathLength {
            return timeExceeded(probe: probe, packet: packet, hopIndex: reach - 1)
        }
        let quote = TTLRewrite.packet(packet, ttl: UInt8(reach - pathLength))
        let target: (delay: Double, jitter: Double, loss: Double, silent: Bool)
        if let destinationIndex {
            let hop = hops[destinationIndex]
            let route = routes(of: hop).first { $0.address(probe.source.family) == probe.destination }
            target = (route?.delay ?? hop.delay, hop.jitter, hop.replyLoss, hop.silent)
        } else {
            let destination = scenario.destination
            target = (destination.delay ?? hops.last?.delay ?? 0, destination.jitter, destination.loss,
                      destination.silent)
        }
        guard !target.silent, !chance(target.loss) else { return .drop }
        let reply: [UInt8]?
        switch kind {
        case .echoRequest:
            reply = ReplyPacket.echoReply(to: packet)
        case .udp:
            // Port unreachable: ICMPv4 code 3 (RFC 792), ICMPv6 code 4 (RFC 4443 §3.1).
            reply = ReplyPacket.destinationUnreachable(from: probe.destination,
                                                       code: probe.source.family == .v4 ? 3 : 4, original: quote)
        case .tcpSyn:
            reply = ReplyPacket.tcpReply(to: packet, open: scenario.destination.tcpOpen)
        }
        guard let reply, !reply.isEmpty else { return .ignore }
        return .reply(packet: TTLRewrite.packet(reply, ttl: replyTTL(crossing: pathLength)),
                      delay: jittered(target.delay, target.jitter))
    }

    /// Hop `hopIndex` (0-based) gets the probe with TTL 1 and answers ICMP time exceeded, quoting it as received.
    private mutating func timeExceeded(probe: ProbeEcho, packet: [UInt8], hopIndex: Int) -> Decision {
        let hop = scenario.hops[hopIndex]
        let options = routes(of: hop)
        let route = options[FlowHash.choose(among: options.count, for: probe, hopIndex: hopIndex)]
        guard !hop.silent, let router = route.address(probe.source.family), !chance(hop.replyLoss) else {
            return .drop
        }
        let reply = ReplyPacket.timeExceeded(from: router, original: TTLRewrite.packet(packet, ttl: 1),
                                             mpls: hop.labelStack)
        guard !reply.isEmpty else { return .ignore }
        return .reply(packet: TTLRewrite.packet(reply, ttl: replyTTL(crossing: hopIndex)),
                      delay: jittered(route.delay, hop.jitter))
    }

    /// A hop and its ECMP alternatives, the hop first.
    private func routes(of hop: Scenario.Hop) -> [Route] {
        [Route(address: hop.address, address6: hop.address6, delay: hop.delay)]
            + hop.alternatives.map { Route(address: $0.address, address6: $0.address6, delay: $0.delay ?? hop.delay) }
    }

    /// Replies start at TTL 64 (Linux's default) and lose one per router on the way back.
    private func replyTTL(crossing routers: Int) -> UInt8 {
        UInt8(max(1, 64 - routers))
    }

    /// Uniform jitter in [−jitter, +jitter] around `delay`, never below 0.
    private mutating func jittered(_ delay: Double, _ jitter: Double) -> Double {
        guard jitter > 0 else { return max(0, delay) }
        return max(0, delay + Double.random(in: -jitter ... jitter, using: &random))
    }

    /// True with probability `percent` / 100.
    private mutating func chance(_ percent: Double) -> Bool {
        percent > 0 && Double.random(in: 0 ..< 100, using: &random) < percent
    }
}

/// One next hop a router may pick.
private struct Route {
    var address: IPAddress?
    var address6: IPAddress?
    var delay: Double

    func address(_ family: IPAddress.Family) -> IPAddress? { family == .v4 ? address : address6 }
}

/// The probes a path answers: what traceroute, mtr, tcptraceroute and tracemap send.
private enum ProbeKind {
    case echoRequest, udp, tcpSyn

    init?(_ probe: ProbeEcho) {
        switch (probe.protocolNumber, probe.source.family) {
        case (1, .v4) where probe.icmpType == 8, (58, .v6) where probe.icmpType == 128:
            self = .echoRequest
        case (17, _):
            self = .udp
        case (6, _) where (probe.tcpFlags ?? 0) & 0x16 == 0x02:
            // SYN without ACK or RST: the kernel's RSTs to our SYN-ACKs are not probes.
            self = .tcpSyn
        default:
            return nil
        }
    }
}
