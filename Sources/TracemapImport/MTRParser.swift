#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

/// `mtr --json` (mtr's ui/report.c, `report_close` in JSON mode): `report.mtr` {src (the local host name), dst (the
/// target as given), tos, tests, psize, bitpattern} and `report.hubs[]` {count (the TTL), host, "Loss%", Snt, Last,
/// Avg, Best, Wrst, StDev, and with `-z` ASN "AS…"}. Before 0.94 `count`, `tos` and `tests` are strings. A host
/// "???" is a silent hop; `-b` writes "name (address)"; without `-n` a resolved host is a name only, which becomes
/// the unspecified address with that name (and a note). mtr lists one host per hop: its ECMP sets are lost.
enum MTRParser {
    static func looksLike(_ value: JSONValue) -> Bool { value["report"]["hubs"].array != nil }

    static func parse(_ values: [JSONValue], context: ImportContext) throws(ImportError) -> [ImportedTrace] {
        var traces: [ImportedTrace] = []
        for value in values { traces.append(try trace(value, context: context)) }
        return traces
    }

    static func trace(_ value: JSONValue, context: ImportContext) throws(ImportError) -> ImportedTrace {
        guard let hubs = value["report"]["hubs"].array else { throw context.malformed(.mtr, "no report.hubs[]") }
        let header = value["report"]["mtr"]
        let dst = header["dst"].string ?? "?"
        var notes: [String] = []
        var hops: [TraceDocument.Hop] = []
        // mtr writes the target as the user gave it: a name is matched to a hop named the same ("-b" or "-n"-less
        // output gives "name (address)").
        var destination = IPAddress(dst) ?? hubs.lazy.compactMap { hub -> IPAddress? in
            let (address, name) = split(hub["host"].string ?? "???")
            return name == dst ? address : nil
        }.first
        for (index, hub) in hubs.enumerated() {
            let ttl = hub["count"].int ?? index + 1
            let sent = max(0, hub["Snt"].int ?? header["tests"].int ?? 0)
            let lossPercent = min(100, max(0, hub["Loss%"].double ?? 0))
            let received = hub["Rcv"].int ?? Int((Double(sent) * (100 - lossPercent) / 100).rounded())
            let host = hub["host"].string ?? "???"
            let (address, name) = split(host)
            var responders: [TraceDocument.Responder] = []
            if host != "???", received > 0 || address != nil || name != nil {
                let shown = address ?? ImportSupport.unspecified(like: destination)
                if address == nil { notes.append("hop \(ttl): mtr gave the name \(host) without an address") }
                if address == nil, name == dst { destination = destination ?? shown }
                let asn = ImportSupport.asn(hub["ASN"])
                responders.append(TraceDocument.Responder(
                    address: shown, replies: received, sharePercent: 100,
                    best: received > 0 ? hub["Best"].double : nil, mean: received > 0 ? hub["Avg"].double : nil,
                    worst: received > 0 ? hub["Wrst"].double : nil, standardDeviation: received > 0 ? hub["StDev"].double : nil,
                    kind: .timeExceeded, info: ImportSupport.info(hostname: name, asn: asn)))
            }
            hops.append(TraceDocument.Hop(ttl: ttl, sent: sent, lost: max(0, sent - received),
                                          lossPercent: lossPercent, silent: responders.isEmpty || received == 0,
                                          responders: responders))
        }
        // mtr keeps probing TTLs past the last answer; those trailing "???" say nothing about the path.
        while let last = hops.last, last.responders.isEmpty, hops.count > 1 { hops.removeLast() }
        let reached: Bool
        if let destination, let end = hops.firstIndex(where: { $0.responders.contains { $0.address == destination } }) {
            hops = Array(hops[...end])
            hops[end].responders = hops[end].responders.map { responder in
                var responder = responder
                responder.kind = .echoReply  // mtr's default probe is an ICMP echo; -u/-T are not recorded
                return responder
            }
            reached = true
        } else {
            reached = false
        }
        let queries = header["tests"].int
        let vantage = VantagePoint(engine: "mtr", id: header["src"].string)
        let meta = ImportSupport.meta(target: dst, address: destination, source: nil, protocolKind: .icmp,
                                      queries: queries, startedAt: context.fileDate, vantage: vantage)
        return ImportedTrace(label: dst, document: TraceDocument(meta: meta, reached: reached, hops: hops),
                             notes: notes)
    }

    /// "203.0.113.1" → (address, nil); "r1.example (203.0.113.1)" → (address, name); "r1.example" → (nil, name).
    static func split(_ host: String) -> (IPAddress?, String?) {
        if host == "???" { return (nil, nil) }
        if let address = IPAddress(host) { return (address, nil) }
        if host.hasSuffix(")"), let open = host.lastIndex(of: "(") {
            let inner = host[host.index(after: open)..<host.index(before: host.endIndex)]
            if let address = IPAddress(String(inner)) {
                let name = host[..<open].trimmingSuffix(" ")
                return (address, ImportSupport.hostname(String(name), address: address))
            }
        }
        return (nil, host)
    }
}

extension Substring {
    func trimmingSuffix(_ character: Character) -> Substring {
        var text = self
        while text.last == character { text = text.dropLast() }
        return text
    }
}
