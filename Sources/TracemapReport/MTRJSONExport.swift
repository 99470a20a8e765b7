import TracemapModel

/// What `mtr --json` writes (checked against mtr 0.95's own output: key order, four-space indentation, numbers
/// rounded to three decimals, `???` for a hop that never answered, `ASN` only when known), so tools built for
/// mtr read tracemap's traces.
public enum MTRJSONExport {
    /// One trace as one mtr report object.
    public static func render(_ document: TraceDocument) -> String {
        object(document, indent: "") + "\n"
    }

    /// Several traces: a JSON array of mtr report objects (mtr itself traces one host per run).
    public static func render(_ documents: [TraceDocument]) -> String {
        if documents.count == 1 { return render(documents[0]) }
        return "[\n" + documents.map { "    " + object($0, indent: "    ") }.joined(separator: ",\n") + "\n]\n"
    }

    private static func object(_ document: TraceDocument, indent: String) -> String {
        let meta = document.meta
        let hops = document.hops.sorted { $0.ttl < $1.ttl }
        let withASN = hops.contains { $0.responders.contains { $0.info?.asn != nil } }
        let probesByTTL = Dictionary(grouping: document.probes, by: \.ttl)
        let tests = hops.map(\.sent).max() ?? meta.options.queries
        let source = meta.vantage?.id ?? meta.source?.description ?? meta.vantage?.engine ?? "unknown"
        var lines = ["{", "    \"report\": {", "        \"mtr\": {",
                     "            \"src\": \(string(source)),",
                     "            \"dst\": \(string(meta.target.name)),",
                     "            \"tos\": \(meta.options.tos),",
                     "            \"tests\": \(tests),",
                     "            \"psize\": \(string(String(meta.options.packetSize ?? 64))),",
                     "            \"bitpattern\": \"0x00\"",
                     "        },"]
        if hops.isEmpty {
            lines.append("        \"hubs\": []")
        } else {
            lines.append("        \"hubs\": [")
            for (index, hop) in hops.enumerated() {
                // mtr's report line is the hop's first host; its statistics are the hop's.
                let first = hop.responders.first
                var fields = ["\"count\": \(hop.ttl)",
                              "\"host\": " + string(first.map { $0.info?.hostname ?? $0.address.description } ?? "???")]
                if withASN { fields.append("\"ASN\": " + string(first?.info?.asn.map { "AS\($0.number)" } ?? "AS???")) }
                let stats = HopFigures(hop, probes: probesByTTL[hop.ttl] ?? [])
                fields += ["\"Loss%\": \(number(hop.lossPercent))", "\"Snt\": \(hop.sent)",
                           "\"Last\": \(number(stats.last))", "\"Avg\": \(number(stats.mean))",
                           "\"Best\": \(number(stats.best))", "\"Wrst\": \(number(stats.worst))",
                           "\"StDev\": \(number(stats.standardDeviation))"]
                lines.append("            {")
                lines += fields.enumerated().map { "                " + $1 + ($0 < fields.count - 1 ? "," : "") }
                lines.append("            }" + (index < hops.count - 1 ? "," : ""))
            }
            lines.append("        ]")
        }
        lines += ["    }", "}"]
        return lines.joined(separator: "\n" + indent)
    }

    /// mtr prints its milliseconds rounded to microseconds, in the shortest form (`0.22`, `0.0`, `100.0`).
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "0.0" }
        return ((value * 1000).rounded() / 1000).description
    }

    /// A JSON string with every control and non-ASCII character as `\uXXXX` (safe for any reader).
    static func string(_ text: String) -> String {
        var result = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: result += "\\\""
            case 0x5C: result += "\\\\"
            case 0x20..<0x7F: result.unicodeScalars.append(Unicode.Scalar(unit)!)
            default:
                let hex = String(unit, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return result + "\""
    }
}

/// A hop's figures for one report line: from every probe when the document has them (mtr's last, avg, best,
/// worst and sample σ over all replies of the TTL), else from its responders' summaries.
struct HopFigures {
    var last: Double?
    var mean: Double?
    var best: Double?
    var worst: Double?
    var standardDeviation: Double?

    /// `probes`: the hop's own (the callers group a document's probes by TTL once).
    init(_ hop: TraceDocument.Hop, probes: [ProbeRecord]) {
        let rtts = probes.filter { $0.ttl == hop.ttl }.sorted { $0.sentAt < $1.sentAt }.compactMap { $0.reply?.rtt }
        if !rtts.isEmpty {
            let mean = rtts.reduce(0, +) / Double(rtts.count)
            last = rtts.last
            self.mean = mean
            best = rtts.min()
            worst = rtts.max()
            standardDeviation = rtts.count > 1
                ? (rtts.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rtts.count - 1)).squareRoot() : 0
            return
        }
        let responders = hop.responders
        let replies = responders.map(\.replies).reduce(0, +)
        guard replies > 0 else { return }
        mean = responders.compactMap { r in r.meanMs.map { $0 * Double(r.replies) } }.reduce(0, +) / Double(replies)
        best = responders.compactMap(\.minMs).min()
        worst = responders.compactMap(\.maxMs).max()
        last = responders.first?.meanMs
        standardDeviation = responders.first?.stddevMs
    }
}
