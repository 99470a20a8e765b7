#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel

/// Statistics of one responder address at one TTL. Timeouts are never counted here: a lost probe cannot be
/// assigned to one ECMP branch, so loss lives on the hop (`HopStatistics`), replies on the responder.
public struct ResponderStatistics: Sendable, Hashable {
    public let address: IPAddress
    public private(set) var replies = 0
    public private(set) var cumulative = RTTAccumulator()
    public private(set) var window: RTTWindow
    public private(set) var mpls: [MPLSLabel] = []
    public private(set) var kind: ReplyKind = .timeExceeded
    public private(set) var firstSeen: Date?
    public private(set) var lastSeen: Date?

    init(address: IPAddress, windowRounds: Int) {
        self.address = address
        self.window = RTTWindow(rounds: windowRounds)
    }

    mutating func add(_ reply: ProbeReply, round: Int, at time: Date) {
        replies += 1
        cumulative.add(reply.rtt)
        window.add(round: round, rtt: reply.rtt)
        if !reply.mpls.isEmpty { mpls = reply.mpls }
        kind = reply.kind
        firstSeen = firstSeen ?? time
        lastSeen = time
    }

    mutating func evict(before round: Int) { window.evict(before: round) }
}

/// Statistics of one TTL: every probe sent to it, and each responder that answered.
public struct HopStatistics: Sendable, Hashable {
    public let ttl: Int
    public private(set) var sent = 0
    public private(set) var received = 0
    public private(set) var sendFailures = 0
    /// Replies that came after their probe's deadline: counted apart, never as received.
    public private(set) var late = 0
    /// Every reply of any responder, for the hop-level columns (mtr's view of a hop).
    public private(set) var cumulative = RTTAccumulator()
    /// Reply or timeout per probe over the last rounds (the TTL-level non-response rate lives here).
    public private(set) var window: RTTWindow
    public private(set) var responders: [IPAddress: ResponderStatistics] = [:]
    /// The responder of the newest reply.
    public private(set) var lastResponder: IPAddress?
    let windowRounds: Int

    init(ttl: Int, windowRounds: Int) {
        self.ttl = ttl
        self.windowRounds = windowRounds
        self.window = RTTWindow(rounds: windowRounds)
    }

    public var lost: Int { sent - received }
    public var lossPercent: Double { sent == 0 ? 0 : Double(lost) / Double(sent) * 100 }
    /// Never answered a single probe: shown as silent, not as "100% loss".
    public var isSilent: Bool { sent > 0 && received == 0 }

    /// Responders, most replies first (ties by address, so every view orders them alike).
    public var respondersByShare: [ResponderStatistics] {
        responders.values.sorted { ($0.replies, $1.address) > ($1.replies, $0.address) }
    }

    /// A responder's share of this hop's replies, percent.
    public func share(of responder: ResponderStatistics) -> Double {
        received == 0 ? 0 : Double(responder.replies) / Double(received) * 100
    }

    mutating func add(_ probe: ProbeRecord, round: Int) {
        sent += 1
        switch probe.outcome {
        case .reply(let reply):
            received += 1
            cumulative.add(reply.rtt)
            window.add(round: round, rtt: reply.rtt)
            responders[reply.responder, default: ResponderStatistics(address: reply.responder,
                                                                     windowRounds: windowRounds)]
                .add(reply, round: round, at: probe.sentAt)
            lastResponder = reply.responder
        case .timeout:
            window.add(round: round, rtt: nil)
        case .sendFailed:
            sendFailures += 1
            window.add(round: round, rtt: nil)
        }
    }

    mutating func addLate() { late += 1 }

    mutating func evict(before round: Int) {
        window.evict(before: round)
        for address in responders.keys { responders[address]?.evict(before: round) }
    }
}

/// Per-TTL statistics of a path, fed round by round. Probes past the destination's TTL are not counted: they
/// are answered by the destination itself and would only repeat it.
public struct PathStatistics: Sendable, Hashable {
    public let windowRounds: Int
    public private(set) var hops: [Int: HopStatistics] = [:]
    public private(set) var rounds = 0
    public private(set) var lastRoundIndex = -1
    /// The TTL the destination answers at, as the recorder judged it (`record(_:destinationTTL:)`).
    public private(set) var destinationTTL: Int?
    /// Whether the newest round reached the destination.
    public private(set) var lastRoundReached = false

    public init(windowRounds: Int = 60) {
        self.windowRounds = max(1, windowRounds)
    }

    /// Records a round on its own evidence: the destination is where the newest round that reached it says
    /// (a saved trace, a one-shot trace). A monitor passes its ledger's destination TTL instead.
    public mutating func record(_ round: Round) {
        record(round, destinationTTL: round.destinationTTL ?? destinationTTL)
    }

    /// Records a round of a path whose destination answers at `destinationTTL` (nil: not known): probes past
    /// it are not counted, and rows past it are dropped.
    public mutating func record(_ round: Round, destinationTTL: Int?) {
        rounds += 1
        lastRoundIndex = round.index
        let reached = round.destinationTTL
        lastRoundReached = reached != nil
        self.destinationTTL = destinationTTL
        for probe in round.probes {
            if let limit = reached ?? destinationTTL, probe.ttl > limit { continue }
            hops[probe.ttl, default: HopStatistics(ttl: probe.ttl, windowRounds: windowRounds)]
                .add(probe, round: round.index)
        }
        for reply in round.late where hops[reply.ttl] != nil { hops[reply.ttl]?.addLate() }
        let oldest = round.index - windowRounds + 1
        for ttl in hops.keys { hops[ttl]?.evict(before: oldest) }
        if let destinationTTL { hops = hops.filter { $0.key <= destinationTTL } }
    }

    /// The hops to show, TTL order: up to the destination once it answered, else every TTL probed — silent ones
    /// included, as traceroute prints a row of stars for each (a path that goes dark is shown going dark).
    public var orderedHops: [HopStatistics] {
        hops.values.filter { $0.ttl <= (destinationTTL ?? Int.max) }.sorted { $0.ttl < $1.ttl }
    }
}
