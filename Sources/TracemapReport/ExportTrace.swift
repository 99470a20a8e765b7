import Foundation
import TracemapGeo
import TracemapModel
import TracemapStats

/// One trace as the exports see it: the document (hops, responders with their places, the geography check),
/// and for a recording the timeline of its rounds and events.
public struct ExportTrace: Sendable {
    public var document: TraceDocument
    public var timeline: TraceTimeline?
    /// Which trace of a file with several ("probe 6012", "target 2 of 3"); nil for a file with one.
    public var label: String?

    public init(document: TraceDocument, timeline: TraceTimeline? = nil, label: String? = nil) {
        self.document = document
        self.timeline = timeline
        self.label = label
    }

    /// A recording (`watch --record`): statistics over every round, the document they make, and the timeline.
    public static func recording(meta: TraceMeta, rounds: [Round], events: [MonitorEvent],
                                 info: [IPAddress: HostInfo] = [:], origin: GeoLocation? = nil) -> ExportTrace {
        var statistics = PathStatistics(windowRounds: max(1, rounds.count))
        for round in rounds { statistics.record(round) }
        var meta = meta
        meta.endedAt = rounds.last?.endedAt ?? meta.endedAt
        let document = TraceDocument(meta: meta, statistics: statistics, probes: rounds.flatMap(\.probes),
                                     info: info, origin: origin)
        return ExportTrace(document: document,
                           timeline: TraceTimeline(rounds: rounds, events: events,
                                                   destinationTTL: statistics.destinationTTL))
    }

    /// The statistics `trace` prints its table and CSV from, rebuilt from the document's probes (one round for a
    /// `trace --json` document, every round for a recording); nil when the file carried summaries only.
    public var statistics: PathStatistics? {
        guard !document.probes.isEmpty else { return nil }
        var statistics = PathStatistics(windowRounds: max(1, timeline?.points.count ?? 1))
        if let timeline, !timeline.rounds.isEmpty {
            for round in timeline.rounds { statistics.record(round) }
        } else {
            let probes = document.probes
            let start = probes.map(\.sentAt).min() ?? document.meta.startedAt
            statistics.record(Round(index: 0, startedAt: start, endedAt: document.meta.endedAt ?? start,
                                    probes: probes))
        }
        return statistics
    }
}

/// A recording round by round at the destination: its best RTT and loss per round, and the monitor's events.
public struct TraceTimeline: Sendable {
    public struct Point: Sendable, Hashable {
        public var round: Int
        public var time: Date
        /// The destination's best RTT in the round; nil when it did not answer.
        public var rttMs: Double?
        /// Probes to the destination's TTL that went unanswered, percent.
        public var lossPercent: Double
    }

    public var points: [Point]
    public var events: [MonitorEvent]
    let rounds: [Round]

    public init(rounds: [Round], events: [MonitorEvent], destinationTTL: Int?) {
        self.rounds = rounds
        self.events = events
        points = rounds.map { round in
            let ttl = round.destinationTTL ?? destinationTTL
            let atDestination = round.probes.filter { ttl == nil || $0.ttl == ttl }
            let rtt = round.probes.compactMap { $0.reply?.kind.isFromDestination == true ? $0.reply?.rtt : nil }.min()
            let answered = atDestination.filter { $0.reply?.kind.isFromDestination == true }.count
            let loss = atDestination.isEmpty ? 100 : Double(atDestination.count - answered) / Double(atDestination.count) * 100
            return Point(round: round.index, time: round.startedAt, rttMs: rtt, lossPercent: ttl == nil ? 100 : loss)
        }
    }
}
