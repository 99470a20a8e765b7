#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

/// What `tracemap stats` says about one trace: the path, the destination's RTT, and for a recording its timeline.
/// Everything is derived from the `TraceDocument` (and a recording's rounds and events), never re-measured.
public struct TraceSummary: Codable, Sendable {
    public struct RTT: Codable, Sendable, Hashable {
        public var minMs: Double
        public var meanMs: Double
        public var maxMs: Double
        /// Nearest-rank 95th percentile; nil when the file has per-hop summaries, not probes (mtr, trippy,
        /// Cloudflare).
        public var p95Ms: Double?
        public var samples: Int

        enum CodingKeys: String, CodingKey {
            case minMs = "best_ms", meanMs = "avg_ms", maxMs = "worst_ms", p95Ms = "p95_ms", samples
        }
    }

    /// An alert of a recording and how long it lasted: until its recovery event, or open at the end.
    public struct Alert: Codable, Sendable, Hashable {
        public var kind: MonitorEvent.Kind
        public var ttl: Int?
        public var start: Date
        public var end: Date?
        public var seconds: Double
        /// No recovery was recorded: the alert was still on when the recording ended.
        public var open: Bool
        public var message: String
    }

    public struct Timeline: Codable, Sendable {
        public var rounds: Int
        public var start: Date
        public var end: Date
        public var eventsByKind: [String: Int]
        public var alerts: [Alert]
        /// Share of rounds in which the destination answered, percent.
        public var availabilityPercent: Double

        enum CodingKeys: String, CodingKey {
            case rounds, start, end, eventsByKind = "events_by_kind", alerts, availabilityPercent = "availability_pct"
        }
    }

    /// The file the trace came from, when the caller says.
    public var file: String?
    public var label: String
    public var format: ImportFormat
    public var target: String
    public var targetAddress: IPAddress
    public var source: IPAddress?
    public var vantage: VantagePoint?
    public var method: ProbeMethod
    public var start: Date
    public var reached: Bool
    public var hops: Int
    public var respondingHops: Int
    public var silentHops: Int
    /// Loss at the destination's hop (the last hop when it was not reached), percent.
    public var lossPercent: Double?
    public var destinationRTT: RTT?
    /// Autonomous systems in path order, each once per run ("AS64500 → AS64501").
    public var asnPath: [UInt32]
    /// Detour and impossible-location warnings, from the geography check (`TraceSummary.detourCheck`).
    public var detours: [String]
    public var timeline: Timeline?
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case file, label, format, target, targetAddress = "target_address", source, vantage, method, start, reached, hops
        case respondingHops = "responding_hops", silentHops = "silent_hops", lossPercent = "loss_pct"
        case destinationRTT = "destination_rtt", asnPath = "asn_path", detours, timeline, notes
    }

    /// The hook where geography's physics check (issue 9b) plugs in: detour warnings for one document. None by
    /// default.
    public typealias DetourCheck = @Sendable (TraceDocument) -> [String]

    public init(_ trace: ImportedTrace, format: ImportFormat, file: String? = nil, detourCheck: DetourCheck? = nil) {
        let document = trace.document
        self.file = file
        label = trace.label
        self.format = format
        target = document.meta.target.name
        targetAddress = document.meta.target.address
        source = document.meta.source
        vantage = document.meta.vantage
        method = document.meta.method
        start = document.meta.startedAt
        reached = document.reached
        hops = document.hops.count
        respondingHops = document.hops.filter { !$0.silent }.count
        silentHops = document.hops.filter(\.silent).count
        lossPercent = document.hops.last?.lossPercent
        destinationRTT = TraceSummary.destinationRTT(document, rounds: trace.rounds)
        asnPath = TraceSummary.asnPath(document)
        detours = detourCheck?(document) ?? []
        timeline = trace.isRecording ? TraceSummary.timeline(trace) : nil
        notes = trace.notes
    }

    /// The destination's RTT: from its probes when the file has them (a recording's rounds, or a trace's probes),
    /// else from its hop's summary. In each round only the lowest TTL the destination answered counts: probes sent
    /// past it are answered by the destination too and would only repeat it (as `PathStatistics` does).
    static func destinationRTT(_ document: TraceDocument, rounds: [Round] = []) -> RTT? {
        let target = document.meta.target.address
        var samples: [Double] = []
        func collect(_ probes: [ProbeRecord]) {
            let fromTarget = probes.compactMap { probe -> (Int, Double)? in
                guard let reply = probe.reply, reply.kind.isFromDestination || reply.responder == target,
                      reply.kind != .unreachable else { return nil }
                return (probe.ttl, reply.rtt)
            }
            guard let ttl = fromTarget.map(\.0).min() else { return }
            samples += fromTarget.filter { $0.0 == ttl }.map(\.1)
        }
        if rounds.isEmpty { collect(document.probes) } else { rounds.forEach { collect($0.probes) } }
        samples.sort()
        if !samples.isEmpty {
            let rank = Int((0.95 * Double(samples.count)).rounded(.up))
            return RTT(minMs: samples[0], meanMs: samples.reduce(0, +) / Double(samples.count),
                       maxMs: samples[samples.count - 1], p95Ms: samples[max(0, rank - 1)], samples: samples.count)
        }
        guard document.reached, document.probes.isEmpty, rounds.isEmpty, let last = document.hops.last else { return nil }
        // A summary's figures (another tool's file): the hop's, combined from its responders' when read.
        let figures = last.figures
        guard figures.received > 0, let mean = figures.mean else { return nil }
        return RTT(minMs: figures.best ?? mean, meanMs: mean, maxMs: figures.worst ?? mean, p95Ms: nil,
                   samples: figures.received)
    }

    static func asnPath(_ document: TraceDocument) -> [UInt32] {
        var path: [UInt32] = []
        for hop in document.hops {
            guard let asn = hop.responders.first(where: { $0.info?.asn != nil })?.info?.asn?.number else { continue }
            if path.last != asn { path.append(asn) }
        }
        return path
    }

    static func timeline(_ trace: ImportedTrace) -> Timeline {
        let rounds = trace.rounds
        let start = rounds.first?.startedAt ?? trace.document.meta.startedAt
        let end = rounds.last?.endedAt ?? start
        var byKind: [String: Int] = [:]
        for entry in trace.events { byKind[entry.event.kind.rawValue, default: 0] += 1 }
        // An alert lasts until its recovery at the same TTL (or for the destination, the next reach).
        let recovery: [MonitorEvent.Kind: MonitorEvent.Kind] = [
            .rttSpike: .rttRecovery, .loss: .lossRecovery, .destinationLost: .destinationReached,
        ]
        var alerts: [Alert] = []
        let events = trace.events.map(\.event)
        for (index, event) in events.enumerated() where event.isAlert {
            var ended: Date?
            if let closing = recovery[event.kind] {
                ended = events[(index + 1)...].first { $0.kind == closing && ($0.ttl == event.ttl || closing ==
                    .destinationReached) }?.time
            } else {
                ended = event.time  // a route change is a moment, not a state
            }
            alerts.append(Alert(kind: event.kind, ttl: event.ttl, start: event.time, end: ended,
                                seconds: max(0, (ended ?? end).timeIntervalSince(event.time)), open: ended == nil,
                                message: event.message))
        }
        let reachedRounds = rounds.filter { $0.destinationTTL != nil }.count
        return Timeline(rounds: rounds.count, start: start, end: end, eventsByKind: byKind, alerts: alerts,
                        availabilityPercent: rounds.isEmpty ? 0 : Double(reachedRounds) / Double(rounds.count) * 100)
    }
}
