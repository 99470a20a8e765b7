import TracemapModel
import TracemapStats

/// `export --format csv`: exactly `trace --csv` when the file has its probes (tracemap's own documents and
/// recordings: the statistics are rebuilt from them), else the same columns from the hop summaries a file of
/// another tool gives (figures it lacks stay empty).
public enum ExportCSV {
    public static func render(_ traces: [ExportTrace], columns: [HopColumn]) -> String {
        var out = ""
        for (index, trace) in traces.enumerated() {
            let text = render(trace, columns: columns)
            out += index == 0 ? text : String(text.drop { $0 != "\n" }.dropFirst())
        }
        return out
    }

    static func render(_ trace: ExportTrace, columns: [HopColumn]) -> String {
        let document = trace.document
        var info: [IPAddress: HostInfo] = [:]
        for hop in document.hops {
            for responder in hop.responders { if let value = responder.info { info[responder.address] = value } }
        }
        let naming = TraceRenderer.Naming(showNames: true, info: info)
        if let statistics = trace.statistics {
            return TraceRenderer.csv(meta: document.meta, statistics: statistics, columns: columns, naming: naming)
        }
        var lines = [(["target", "ttl", "address", "hostname", "share_pct"] + columns.map(\.key)).joined(separator: ",")]
        for hop in document.hops.sorted(by: { $0.ttl < $1.ttl }) {
            let figures = HopFigures(hop, probes: [])
            let received = hop.sent - hop.lost
            let hopView = StatsView(sent: hop.sent, received: received, lossPercent: hop.lossPercent,
                                    last: figures.last, mean: figures.mean, best: figures.best, worst: figures.worst,
                                    standardDeviation: figures.standardDeviation)
            if hop.responders.isEmpty {
                lines.append(([Escaping.csv(document.meta.target.name), "\(hop.ttl)", "", "", ""]
                              + columns.map { $0.value(hopView).map { $0.formatted(decimals: 3) } ?? "" })
                    .joined(separator: ","))
            }
            for responder in hop.responders {
                let view = hop.responders.count == 1 ? hopView
                    : StatsView(sent: responder.replies, received: responder.replies, lossPercent: nil,
                                last: nil, mean: responder.meanMs, best: responder.minMs, worst: responder.maxMs,
                                standardDeviation: responder.stddevMs)
                let fields = [Escaping.csv(document.meta.target.name), "\(hop.ttl)",
                              responder.address.description, Escaping.csv(responder.info?.hostname ?? ""),
                              responder.sharePercent.formatted(decimals: 1)]
                    + columns.map { column in
                        (column.key == "loss_pct" || column.key == "sent" ? column.value(hopView) : column.value(view))
                            .map { $0.formatted(decimals: 3) } ?? ""
                    }
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension StatsView {
    /// A view from summary figures only (a file of another tool).
    init(sent: Int, received: Int, lossPercent: Double?, last: Double?, mean: Double?, best: Double?, worst: Double?,
         standardDeviation: Double?) {
        self.init(sent: sent, received: received, lossPercent: lossPercent, last: last, mean: mean, best: best,
                  worst: worst, standardDeviation: standardDeviation, lastJitter: nil, meanJitter: nil,
                  maxJitter: nil, interarrivalJitter: nil, median: nil, p95: nil)
    }
}
