#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import TracemapModel

/// What one round sends: the TTLs, how many probes per TTL and flow, and when it ends.
///
/// Every probe waits for its reply until its own deadline, `ProbeOptions.timeout` after it was sent. A monitor
/// round keeps that deadline for every probe (its rounds overlap: the next round is sent on the clock while this
/// one still waits). A one-shot trace may give a silent TTL up earlier (`giveUpSilentEarly`), by a rule that
/// still waits long enough for a router that is slow to send ICMP (see `RoundState`).
public struct RoundPlan: Sendable, Hashable {
    public var ttls: ClosedRange<Int>
    /// Probes per TTL and flow (a one-shot trace's `-q`; 1 for a monitor round).
    public var queries: Int
    public var flows: Int
    /// The round ends this long after the destination first answered, once lower TTLs are answered or given up.
    public var graceAfterDestination: Duration
    /// Give a TTL up before its timeout once deeper TTLs answered (one-shot traces only).
    public var giveUpSilentEarly: Bool

    public init(ttls: ClosedRange<Int>, queries: Int = 1, flows: Int = 1,
                graceAfterDestination: Duration = .zero,
                giveUpSilentEarly: Bool = false) {
        self.ttls = ttls
        self.queries = queries
        self.flows = flows
        self.graceAfterDestination = graceAfterDestination
        self.giveUpSilentEarly = giveUpSilentEarly
    }
}

/// Something that can trace a path one round at a time: the real prober, or a scripted one in tests.
/// The monitor and the one-shot trace only talk to this.
public protocol PathProber: Sendable {
    var target: TraceTarget { get }
    var method: ProbeMethod { get }
    var source: IPAddress? { get }
    var options: ProbeOptions { get }
    /// Runs one round and returns every probe it sent with its outcome. Never throws: a probe that could not be
    /// sent is a `.sendFailed` record. Rounds may overlap: a caller can start the next before this one returns.
    /// Cancelling the calling task ends the round at once with what it has.
    func trace(round index: Int, plan: RoundPlan) async -> Round
    /// Replies that arrived after their probe's deadline since the last call.
    func takeLateReplies() -> [LateReply]
}

extension PathProber {
    public func takeLateReplies() -> [LateReply] { [] }
}
