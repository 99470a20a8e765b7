#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TracemapModel
import TracemapNet

/// The real prober of one target: hands its rounds to the process's `ProbeReactor`, which sends and matches
/// the probes of every target on one thread. Rounds may overlap; no thread waits here.
public final class Prober: PathProber, @unchecked Sendable {
    public let target: TraceTarget
    public let options: ProbeOptions
    public var method: ProbeMethod { transport.method }
    public var source: IPAddress? { transport.source }

    private let transport: any ProbeTransport
    private let reactor: ProbeReactor
    private let late = Mutex<[LateReply]>([])

    init(target: TraceTarget, options: ProbeOptions, transport: any ProbeTransport, reactor: ProbeReactor) {
        self.target = target
        self.options = options
        self.transport = transport
        self.reactor = reactor
    }

    public func trace(round index: Int, plan: RoundPlan) async -> Round {
        let id = reactor.newRoundID()
        let request = ReactorCore.RoundRequest(
            id: id, index: index, destination: target.address, transport: transport, plan: plan, options: options,
            completion: { _ in }, onLate: { [weak self] reply in self?.late.withLock { $0.append(reply) } })
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Round, Never>) in
                var started = request
                started.completion = { round in continuation.resume(returning: round) }
                reactor.start(started)
            }
        } onCancel: {
            reactor.cancel(round: id)
        }
    }

    public func takeLateReplies() -> [LateReply] {
        late.withLock { replies in
            defer { replies = [] }
            return replies
        }
    }
}
