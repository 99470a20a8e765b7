import Foundation
import TracemapModel
import TracemapNet

/// The real prober: drives one transport through rounds on its own serial queue, one round at a time.
/// A round is a single-threaded loop around `poll(2)` (traceroute's design): send while the in-flight limit
/// allows, wait for replies or the next deadline, match, repeat. No thread runs between rounds.
public final class Prober: PathProber, @unchecked Sendable {
    public let target: TraceTarget
    public let options: ProbeOptions
    public var method: ProbeMethod { transport.method }
    public var source: IPAddress? { transport.source }

    private let transport: ProbeTransport
    private let queue = DispatchQueue(label: "tracemap.prober")
    /// The next sequence to hand out; sequences are unique among outstanding probes and never 0.
    private var nextSequence: UInt16 = UInt16.random(in: 1...0x7fff)

    init(target: TraceTarget, options: ProbeOptions, transport: ProbeTransport) {
        self.target = target
        self.options = options
        self.transport = transport
    }

    public func trace(round index: Int, plan: RoundPlan) async -> Round {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.runRound(index: index, plan: plan))
            }
        }
    }

    private func takeSequence() -> UInt16 {
        // 0 means "no checksum" in a UDP header and 0xffff is its one's-complement twin: neither is a sequence.
        nextSequence = nextSequence >= 0xfffe ? 1 : nextSequence + 1
        return nextSequence
    }

    private func runRound(index: Int, plan: RoundPlan) -> Round {
        var state = RoundState(plan: plan, options: options, startedAt: wallClockNow())
        while !state.isFinished(now: wallClockNow()) {
            sendReady(&state)
            let now = wallClockNow()
            let wait = max(0, state.nextWakeUp(now: now) - now)
            for ready in pollReadable(transport.pollSet(), timeout: wait) {
                for reply in transport.receive(fd: ready.fd, revents: ready.revents) {
                    if state.resolve(reply) { transport.finish(sequence: reply.sequence) }
                }
            }
            for expired in state.expire(now: wallClockNow()) { transport.finish(sequence: expired) }
        }
        for abandoned in state.abandonOutstanding() { transport.finish(sequence: abandoned) }
        return Round(index: index, startedAt: Date(timeIntervalSince1970: state.startedAt),
                     endedAt: Date(timeIntervalSince1970: wallClockNow()), probes: state.records())
    }

    /// Sends every probe whose turn has come, within the in-flight limit and the pacing options.
    private func sendReady(_ state: inout RoundState) {
        while let spec = state.nextToSend(now: wallClockNow()) {
            let sequence = takeSequence()
            do {
                let sentAt = try transport.send(ttl: spec.ttl, flow: spec.flow, sequence: sequence)
                state.sent(spec, sequence: sequence, at: sentAt)
            } catch {
                state.failed(spec, error: error.symbol, at: wallClockNow())
            }
        }
    }
}
