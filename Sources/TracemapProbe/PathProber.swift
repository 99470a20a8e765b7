import Foundation
import TracemapModel

/// What one round sends: the TTLs, how many probes per TTL and flow, and when it ends.
public struct RoundPlan: Sendable, Hashable {
    public var ttls: ClosedRange<Int>
    /// Probes per TTL and flow (a one-shot trace's `-q`; 1 for a monitor round).
    public var queries: Int
    public var flows: Int
    /// The round ends this long after the destination first answered, once lower TTLs are answered or given up.
    public var graceAfterDestination: Duration
    /// The round never lasts longer than this.
    public var maxDuration: Duration

    public init(ttls: ClosedRange<Int>, queries: Int = 1, flows: Int = 1,
                graceAfterDestination: Duration = .milliseconds(50), maxDuration: Duration = .seconds(3)) {
        self.ttls = ttls
        self.queries = queries
        self.flows = flows
        self.graceAfterDestination = graceAfterDestination
        self.maxDuration = maxDuration
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
    /// sent is a `.sendFailed` record.
    func trace(round index: Int, plan: RoundPlan) async -> Round
}
