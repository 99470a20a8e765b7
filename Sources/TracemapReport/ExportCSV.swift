import TracemapModel
import TracemapStats

/// `export --format csv`: exactly `trace --csv` when the file has its probes (tracemap's own documents and
/// recordings: the statistics are rebuilt from them), else the same columns from the hop summaries a file of
/// another tool gives (figures it lacks stay empty).
public enum ExportCSV {
    public static func render(_ traces: [ExportTrace], columns: [HopField]) -> String {
        var out = ""
        for (index, trace) in traces.enumerated() {
            let text = render(trace, columns: columns)
            out += index == 0 ? text : String(text.drop { $0 != "\n" }.dropFirst())
        }
        return out
    }

    static func render(_ trace: ExportTrace, columns: [HopField]) -> String {
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
            let hopView = hop.figures
            if hop.responders.isEmpty {
                lines.append(([Escaping.csv(document.meta.target.name), "\(hop.ttl)", "", "", ""]
                              + columns.map { $0.value(hopView).map { $0.formatted(decimals: 3) } ?? "" })
                    .joined(separator: ","))
            }
            for responder in hop.responders {
                let view = hop.responders.count == 1 ? hopView : responder.figures
                let fields = [Escaping.csv(document.meta.target.name), "\(hop.ttl)",
                              responder.address.description, Escaping.csv(responder.info?.hostname ?? ""),
                              responder.sharePercent.formatted(decimals: 1)]
                    + columns.map { column in
                        (column.ofHop ? column.value(hopView) : column.value(view))
                            .map { $0.formatted(decimals: 3) } ?? ""
                    }
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
