#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import HeapModule
import TracemapModel

/// The reactor's bookkeeping, apart from its thread and its wait: which rounds are active, which probe each
/// reply answers, which probes are due to be sent or given up, and which given-up probes may still get a late
/// reply. Every step takes the time from `clock`, so the scheduling is tested with a fake clock and a fake
/// transport (`ReactorCoreTests`); `ProbeReactor` runs it on a real thread with real sockets.
final class ReactorCore {
    /// Replies are recognised as late for this long after their probe was sent.
    static let lateWindow = 10.0

    struct RoundRequest: @unchecked Sendable {
        var id: Int
        var index: Int
        var destination: IPAddress
        var transport: any ProbeTransport
        var plan: RoundPlan
        var options: ProbeOptions
        var completion: @Sendable (Round) -> Void
        var onLate: @Sendable (LateReply) -> Void
    }

    private final class ActiveRound {
        let request: RoundRequest
        var state: RoundState
        var generation = 0
        init(_ request: RoundRequest, startedAt: Double) {
            self.request = request
            state = RoundState(plan: request.plan, options: request.options, startedAt: startedAt)
        }
    }

    /// Who sent a probe: its round, and what a late reply must say about it.
    private struct Owner {
        var round: Int
        var roundIndex: Int
        var ttl: Int
        var flow: Int
        var sentAt: Double
        var transport: ObjectIdentifier
        var onLate: @Sendable (LateReply) -> Void
    }

    private struct Wakeup: Comparable {
        var at: Double
        var round: Int
        var generation: Int
        static func < (a: Wakeup, b: Wakeup) -> Bool { a.at < b.at }
        static func == (a: Wakeup, b: Wakeup) -> Bool {
            a.at == b.at && a.round == b.round && a.generation == b.generation
        }
    }

    private let clock: () -> Double
    private(set) var transports: [any ProbeTransport] = []
    private var rounds: [Int: ActiveRound] = [:]
    private var cancelledBeforeStart: Set<Int> = []
    private var owners: [ProbeKey: Owner] = [:]
    private var givenUp: [ProbeKey: Owner] = [:]
    private var givenUpExpiry: [(at: Double, key: ProbeKey)] = []
    private var givenUpExpiryHead = 0
    private var wakeups = Heap<Wakeup>()
    private var nextSequence: [IPAddress: UInt16] = [:]
    private var touched: Set<Int> = []

    init(clock: @escaping () -> Double) {
        self.clock = clock
    }

    /// Rounds still running.
    var activeRounds: Int { rounds.count }
    /// Probes in flight, and given-up probes still listened for, over every round.
    var probesInFlight: Int { owners.count }
    var probesAwaitingLateReplies: Int { givenUp.count }

    func attach(_ transport: any ProbeTransport) {
        transports.append(transport)
    }

    /// Takes a round; it sends at the next `advance()`.
    func start(_ request: RoundRequest) {
        if cancelledBeforeStart.remove(request.id) != nil {
            let now = Date(timeIntervalSince1970: clock())
            request.completion(Round(index: request.index, startedAt: now, endedAt: now, probes: []))
            return
        }
        rounds[request.id] = ActiveRound(request, startedAt: clock())
        touched.insert(request.id)
    }

    /// Ends a round at once with what it has (a cancellation that comes before its start is remembered).
    func cancel(round id: Int) {
        if let round = rounds[id] { finish(round) } else { cancelledBeforeStart.insert(id) }
    }

    /// The earliest time something is due: a send, a deadline, a grace period; nil when nothing is.
    func nextWakeup() -> Double? {
        if !touched.isEmpty { return clock() }
        while let first = wakeups.min {
            if let round = rounds[first.round], round.generation == first.generation { return first.at }
            wakeups.removeMin()
        }
        return nil
    }

    /// Credits a reply to the probe it answers. A reply to a probe already given up is handed to its target as
    /// late; any other reply (a duplicate, another process's probe) is dropped.
    func receive(_ reply: TransportReply, from transport: any ProbeTransport) {
        if let owner = owners[reply.key], owner.transport == ObjectIdentifier(transport) {
            guard let round = rounds[owner.round], round.state.resolve(reply) else { return }
            retire(reply.key, transport: transport, keepForLate: false)
            touched.insert(owner.round)
        } else if let owner = givenUp[reply.key], owner.transport == ObjectIdentifier(transport) {
            givenUp[reply.key] = nil
            owner.onLate(LateReply(ttl: owner.ttl, flow: owner.flow, round: owner.roundIndex,
                                   responder: reply.responder,
                                   rtt: max(0, (reply.receivedAt - owner.sentAt) * 1000), kind: reply.kind))
        }
    }

    /// Advances every round that a reply, a start or its own deadline concerns: sends what is due, gives up
    /// what is overdue, finishes what is complete.
    func advance() {
        let now = clock()
        while let first = wakeups.min, first.at <= now {
            wakeups.removeMin()
            if let round = rounds[first.round], round.generation == first.generation { touched.insert(first.round) }
        }
        let due = touched.sorted()
        touched = []
        for id in due {
            if let round = rounds[id] { advance(round) }
        }
        forgetOldGivenUp(now: clock())
    }

    private func advance(_ round: ActiveRound) {
        let request = round.request
        while let spec = round.state.nextToSend(now: clock()) {
            let sequence = allocateSequence(for: request.destination)
            do {
                let sentAt = try request.transport.send(to: request.destination, ttl: spec.ttl, flow: spec.flow,
                                                        sequence: sequence)
                round.state.sent(spec, sequence: sequence, at: sentAt)
                owners[ProbeKey(destination: request.destination, sequence: sequence)] = Owner(
                    round: request.id, roundIndex: request.index, ttl: spec.ttl, flow: spec.flow, sentAt: sentAt,
                    transport: ObjectIdentifier(request.transport), onLate: request.onLate)
            } catch {
                round.state.failed(spec, error: error.symbol, at: clock())
            }
        }
        let now = clock()
        for sequence in round.state.expire(now: now) {
            retire(ProbeKey(destination: request.destination, sequence: sequence), transport: request.transport,
                   keepForLate: true)
        }
        if round.state.isFinished(now: now) {
            finish(round)
        } else {
            round.generation += 1
            let at = round.state.nextWakeUp(now: now)
            if at.isFinite { wakeups.insert(Wakeup(at: at, round: request.id, generation: round.generation)) }
        }
    }

    private func finish(_ round: ActiveRound) {
        let request = round.request
        rounds[request.id] = nil
        for sequence in round.state.abandonOutstanding() {
            retire(ProbeKey(destination: request.destination, sequence: sequence), transport: request.transport,
                   keepForLate: true)
        }
        request.completion(Round(index: request.index, startedAt: Date(timeIntervalSince1970: round.state.startedAt),
                                 endedAt: Date(timeIntervalSince1970: clock()), probes: round.state.records()))
    }

    private func retire(_ key: ProbeKey, transport: any ProbeTransport, keepForLate: Bool) {
        transport.finish(key)
        guard let owner = owners.removeValue(forKey: key), keepForLate else { return }
        givenUp[key] = owner
        givenUpExpiry.append((owner.sentAt + ReactorCore.lateWindow, key))
    }

    private func forgetOldGivenUp(now: Double) {
        while givenUpExpiryHead < givenUpExpiry.count, givenUpExpiry[givenUpExpiryHead].at <= now {
            let key = givenUpExpiry[givenUpExpiryHead].key
            if let owner = givenUp[key], owner.sentAt + ReactorCore.lateWindow <= now { givenUp[key] = nil }
            givenUpExpiryHead += 1
        }
        if givenUpExpiryHead > 1024, givenUpExpiryHead * 2 > givenUpExpiry.count {
            givenUpExpiry.removeFirst(givenUpExpiryHead)
            givenUpExpiryHead = 0
        }
    }

    /// The next sequence for a destination that no probe in flight or awaiting a late reply carries; 0 and
    /// 0xffff are skipped (a UDP checksum of 0 means "none", 0xffff is its twin).
    private func allocateSequence(for destination: IPAddress) -> UInt16 {
        var sequence = nextSequence[destination] ?? UInt16.random(in: 1...0x7fff)
        for _ in 0..<0xffff {
            sequence = sequence >= 0xfffe ? 1 : sequence + 1
            let key = ProbeKey(destination: destination, sequence: sequence)
            if owners[key] == nil && givenUp[key] == nil { break }
        }
        nextSequence[destination] = sequence
        return sequence
    }
}
