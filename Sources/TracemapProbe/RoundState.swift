import Foundation
import TracemapModel

/// The bookkeeping of one round: which probes remain to send, which are in flight, their deadlines, and when
/// the round is over. Pure state (times are passed in), so its rules can be read — and tested — on their own.
struct RoundState {
    struct Spec: Hashable {
        var ttl: Int
        var flow: Int
        var query: Int
    }

    private struct InFlight {
        var spec: Spec
        var sentAt: Double
        /// The full timeout; `deadline` may be earlier once deeper hops answered.
        var timeoutAt: Double
        var deadline: Double
    }

    let plan: RoundPlan
    let startedAt: Double
    private let timeout: Double
    private let sendInterval: Double
    private let ttlInterval: Double
    private let parallel: Int
    private let specs: [Spec]
    private var nextSpec = 0
    private var lastSendAt = -Double.infinity
    private var lastTTLStartAt = -Double.infinity
    private var lastTTLStarted = 0
    private var inFlight: [UInt16: InFlight] = [:]
    private var finished: [ProbeRecord] = []
    /// The lowest TTL the destination answered from, and when it first did.
    private var destinationTTL: Int?
    private var destinationAnsweredAt: Double?
    /// The largest RTT of a reply from a TTL above a given probe's, for the adaptive wait.
    private var deepestReplies: [(ttl: Int, sentAt: Double, rtt: Double)] = []

    init(plan: RoundPlan, options: ProbeOptions, startedAt: Double) {
        self.plan = plan
        self.startedAt = startedAt
        timeout = options.timeout / 1000
        sendInterval = options.sendInterval / 1000
        ttlInterval = options.ttlInterval / 1000
        parallel = max(1, options.parallelRequests)
        // Query-major order: every TTL gets its first probe before any gets a second, so the destination's TTL
        // is known early and nothing is sent past it.
        var specs: [Spec] = []
        for query in 0..<max(1, plan.queries) {
            for ttl in plan.ttls {
                for flow in 0..<max(1, plan.flows) { specs.append(Spec(ttl: ttl, flow: flow, query: query)) }
            }
        }
        self.specs = specs
    }

    /// The next probe to send now, if its turn has come.
    mutating func nextToSend(now: Double) -> Spec? {
        while nextSpec < specs.count, let destinationTTL, specs[nextSpec].ttl > destinationTTL { nextSpec += 1 }
        guard nextSpec < specs.count, inFlight.count < parallel, now >= lastSendAt + sendInterval else { return nil }
        let spec = specs[nextSpec]
        if spec.query == 0 && spec.ttl > lastTTLStarted && now < lastTTLStartAt + ttlInterval { return nil }
        nextSpec += 1
        return spec
    }

    mutating func sent(_ spec: Spec, sequence: UInt16, at time: Double) {
        lastSendAt = time
        if spec.query == 0 && spec.ttl > lastTTLStarted {
            lastTTLStarted = spec.ttl
            lastTTLStartAt = time
        }
        inFlight[sequence] = InFlight(spec: spec, sentAt: time, timeoutAt: time + timeout, deadline: time + timeout)
    }

    mutating func failed(_ spec: Spec, error: String, at time: Double) {
        lastSendAt = time
        finished.append(ProbeRecord(ttl: spec.ttl, flow: spec.flow, sequence: 0,
                                    sentAt: Date(timeIntervalSince1970: time), outcome: .sendFailed(error)))
    }

    /// Records a reply; false when it matches no probe in flight (late, duplicate, or not of this round).
    mutating func resolve(_ reply: TransportReply) -> Bool {
        guard let probe = inFlight.removeValue(forKey: reply.sequence) else { return false }
        let rtt = max(0, (reply.receivedAt - probe.sentAt) * 1000)
        finished.append(ProbeRecord(
            ttl: probe.spec.ttl, flow: probe.spec.flow, sequence: reply.sequence,
            sentAt: Date(timeIntervalSince1970: probe.sentAt),
            outcome: .reply(ProbeReply(responder: reply.responder, rtt: rtt, kind: reply.kind, code: reply.code,
                                       mpls: reply.mpls))))
        if reply.kind.isFromDestination || reply.kind == .unreachable {
            if destinationTTL.map({ probe.spec.ttl < $0 }) ?? true { destinationTTL = probe.spec.ttl }
            destinationAnsweredAt = destinationAnsweredAt ?? reply.receivedAt
        }
        deepestReplies.append((probe.spec.ttl, probe.sentAt, rtt / 1000))
        tightenDeadlines()
        return true
    }

    /// A probe whose deeper neighbours (higher TTL, sent no later) already answered is given up once it has
    /// waited twice the slowest of their RTTs plus 20 ms: a hop that answers at all answers before the hops
    /// behind it (traceroute's "near" wait, made tighter). Silence then costs tens of milliseconds, not the
    /// full timeout.
    private mutating func tightenDeadlines() {
        for (sequence, probe) in inFlight {
            let deeper = deepestReplies.filter { $0.ttl > probe.spec.ttl && $0.sentAt >= probe.sentAt - 0.005 }
            guard let slowest = deeper.map(\.rtt).max() else { continue }
            inFlight[sequence]?.deadline = min(probe.timeoutAt, probe.sentAt + 2 * slowest + 0.020)
        }
    }

    /// Gives up every probe past its deadline and returns their sequences.
    mutating func expire(now: Double) -> [UInt16] {
        let expired = inFlight.filter { $0.value.deadline <= now }
        for (sequence, probe) in expired {
            inFlight[sequence] = nil
            finished.append(ProbeRecord(ttl: probe.spec.ttl, flow: probe.spec.flow, sequence: sequence,
                                        sentAt: Date(timeIntervalSince1970: probe.sentAt), outcome: .timeout))
        }
        return Array(expired.keys)
    }

    /// The round is over when every probe up to the destination is resolved (and the grace after the
    /// destination's first answer has passed), or at the round's maximum duration.
    func isFinished(now: Double) -> Bool {
        if now >= startedAt + plan.maxDuration.seconds { return true }
        let limit = destinationTTL ?? Int.max
        let unsent = specs[nextSpec...].contains { $0.ttl <= limit }
        let waiting = inFlight.values.contains { $0.spec.ttl <= limit }
        guard !unsent && !waiting else { return false }
        if let answered = destinationAnsweredAt { return now >= answered + plan.graceAfterDestination.seconds }
        return true
    }

    /// When the loop must look again even if nothing arrives.
    func nextWakeUp(now: Double) -> Double {
        var wake = startedAt + plan.maxDuration.seconds
        if let earliest = inFlight.values.map(\.deadline).min() { wake = min(wake, earliest) }
        if nextSpec < specs.count, inFlight.count < parallel {
            wake = min(wake, max(lastSendAt + sendInterval, lastTTLStartAt + ttlInterval))
        }
        if let answered = destinationAnsweredAt { wake = min(wake, max(now, answered + plan.graceAfterDestination.seconds)) }
        return max(now, wake)
    }

    /// Ends the round: probes still in flight past the destination are dropped, others time out.
    mutating func abandonOutstanding() -> [UInt16] {
        let limit = destinationTTL ?? Int.max
        for (sequence, probe) in inFlight where probe.spec.ttl <= limit {
            finished.append(ProbeRecord(ttl: probe.spec.ttl, flow: probe.spec.flow, sequence: sequence,
                                        sentAt: Date(timeIntervalSince1970: probe.sentAt), outcome: .timeout))
        }
        let all = Array(inFlight.keys)
        inFlight.removeAll()
        return all
    }

    /// Every probe of the round up to the destination, TTL then send order.
    func records() -> [ProbeRecord] {
        let limit = destinationTTL ?? Int.max
        return finished.filter { $0.ttl <= limit }.sorted { ($0.ttl, $0.sentAt) < ($1.ttl, $1.sentAt) }
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
