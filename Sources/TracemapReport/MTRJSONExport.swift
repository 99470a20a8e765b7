import TracemapModel
import TracemapStats

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
                // mtr's keys are the titles of its default fields (ours are the same letters and titles).
                fields += mtrFields.map { field in
                    let value = field.value(hop.figures)
                    return "\"\(field.title)\": " + (field.unit == .count ? String(Int(value ?? 0)) : number(value))
                }
                lines.append("            {")
                lines += fields.enumerated().map { "                " + $1 + ($0 < fields.count - 1 ? "," : "") }
                lines.append("            }" + (index < hops.count - 1 ? "," : ""))
            }
            lines.append("        ]")
        }
        lines += ["    }", "}"]
        return lines.joined(separator: "\n" + indent)
    }

    /// Loss%, Snt, Last, Avg, Best, Wrst, StDev: what `mtr --json` writes per hub.
    static let mtrFields = HopField.columns(HopField.defaultLetters) ?? []

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
