import Foundation
import TracemapModel
import TracemapProbe
import TracemapSim

/// One hop of a scripted path in one round, for one flow.
struct ScriptHop: Sendable {
    var address: IPAddress
    var rtt: Double
    /// Whether this probe gets a reply (false: a lost or rate-limited probe, a silent hop).
    var answers = true
    /// The kernel refused to send the probe (no route, network down).
    var sendFails = false
}

/// A `PathProber` that plays a described path round by round: `hops(round, flow)` gives the path of that round and
/// flow, TTL 1 first, the destination last. Probes past the destination are answered by the destination, as on a
/// real path. Every plan and every round's start and end are logged for the tests to inspect.
struct ScriptedPath: PathProber {
    let target: TraceTarget
    let method: ProbeMethod = .raw
    let source: IPAddress? = IPAddress("192.0.2.250")
    let options: ProbeOptions
    let hops: @Sendable (_ round: Int, _ flow: Int) -> [ScriptHop]
    /// How long each round takes.
    var delay: Duration = .zero
    /// Whether the probe of a round at a TTL past the destination is lost on the way (forward loss).
    var lostPastDestination: @Sendable (_ round: Int, _ ttl: Int) -> Bool = { _, _ in false }
    let log = ProbeLog()

    init(target: TraceTarget = TraceTarget(name: "dest.example", address: Script.destination),
         maxHops: Int = 12, flows: Int = 1, delay: Duration = .zero,
         hops: @escaping @Sendable (_ round: Int, _ flow: Int) -> [ScriptHop]) {
        self.target = target
        var options = ProbeOptions()
        options.maxHops = maxHops
        options.flows = flows
        options.queries = 1
        self.options = options
        self.delay = delay
        self.hops = hops
    }

    func trace(round index: Int, plan: RoundPlan) async -> Round {
        let clock = ContinuousClock()
        let began = clock.now
        let startedAt = Date()
        if delay > .zero { try? await Task.sleep(for: delay) }
        var probes: [ProbeRecord] = []
        var sequence: UInt16 = 0
        for flow in 0..<plan.flows {
            let path = hops(index, flow)
            guard let destination = path.last else { continue }
            for ttl in plan.ttls {
                sequence &+= 1
                let hop = ttl <= path.count ? path[ttl - 1] : destination
                let kind: ReplyKind = ttl >= path.count ? .echoReply : .timeExceeded
                let lost = ttl > path.count && lostPastDestination(index, ttl)
                let outcome: ProbeOutcome = hop.sendFails ? .sendFailed("Network is unreachable")
                    : hop.answers && !lost ? .reply(ProbeReply(responder: hop.address, rtt: hop.rtt, kind: kind)) : .timeout
                probes.append(ProbeRecord(ttl: ttl, flow: flow, sequence: sequence, sentAt: startedAt,
                                          outcome: outcome))
            }
        }
        log.add(plan: plan, began: began, ended: clock.now)
        return Round(index: index, startedAt: startedAt, endedAt: Date(), probes: probes)
    }
}

/// What a scripted prober was asked to do.
final class ProbeLog: @unchecked Sendable {
    struct Entry {
        var plan: RoundPlan
        var began: ContinuousClock.Instant
        var ended: ContinuousClock.Instant
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    func add(plan: RoundPlan, began: ContinuousClock.Instant, ended: ContinuousClock.Instant) {
        lock.lock()
        stored.append(Entry(plan: plan, began: began, ended: ended))
        lock.unlock()
    }

    var entries: [Entry] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// Addresses and noise for the scenarios; every address is from the documentation ranges (RFC 5737).
enum Script {
    static let destination = IPAddress("203.0.113.10")!
    static let source = IPAddress("192.0.2.250")!

    /// The usual router at `ttl`.
    static func router(_ ttl: Int) -> IPAddress { IPAddress("198.51.100.\(ttl)")! }
    /// An ECMP sibling of the router at `ttl`.
    static func sibling(_ ttl: Int) -> IPAddress { IPAddress("198.51.100.\(100 + ttl)")! }
    /// A router of another route at `ttl`.
    static func detour(_ ttl: Int) -> IPAddress { IPAddress("192.0.2.\(ttl)")! }

    /// A deterministic value in [0, 1) for a round, a TTL and a salt (SplitMix64), so every run plays alike.
    static func noise(_ round: Int, _ ttl: Int, _ salt: UInt64 = 0) -> Double {
        let seed = UInt64(truncatingIfNeeded: round) &* 0x9E37_79B9_7F4A_7C15
            &+ UInt64(truncatingIfNeeded: ttl) &* 0xBF58_476D_1CE4_E5B9 &+ salt &* 0x94D0_49BB_1331_11EB
        return Double(SplitMix64.mix(seed) >> 11) / Double(1 << 53)
    }

    /// A plain path of `length` hops (the last is the destination), RTT 2 ms per hop plus up to `jitter` ms.
    static func path(length: Int, round: Int, jitter: Double = 0.5) -> [ScriptHop] {
        (1...length).map { ttl in
            ScriptHop(address: ttl == length ? destination : router(ttl),
                      rtt: 2 * Double(ttl) + jitter * noise(round, ttl))
        }
    }
}
