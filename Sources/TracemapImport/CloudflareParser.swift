#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

/// The Cloudflare diagnostics traceroute response (`POST /accounts/{account_id}/diagnostics/traceroute`,
/// developers.cloudflare.com/api/resources/diagnostics/subresources/traceroutes): `result[]` per target, each with
/// `colos[]`: `colo` {name, city}, `error` ("" or "Could not gather traceroute data: Code N"), `hops[]` of
/// {packets_sent, packets_lost, packets_ttl, nodes[] {ip, name, asn "AS…", packet_count, min/mean/max/std_dev_rtt_ms,
/// labels}}, and `target_summary`. Statistics per node, not probes. Every target × colo is a trace; a colo that
/// failed is a trace without hops whose note says why. Accepts the whole envelope or its bare `result` array.
enum CloudflareParser {
    static func looksLike(_ value: JSONValue) -> Bool {
        let targets = value["result"].array ?? value.array ?? []
        return !targets.isEmpty && targets.allSatisfy { $0["colos"] != nil && $0["target"] != nil }
    }

    static func parse(_ value: JSONValue, context: ImportContext) throws(ImportError) -> [ImportedTrace] {
        guard looksLike(value) else {
            if value["success"].bool == false {
                let messages = (value["errors"].array ?? []).compactMap { $0["message"].string }
                throw context.malformed(.cloudflare, "the API call failed: "
                                        + (messages.isEmpty ? "success is false" : messages.joined(separator: "; ")))
            }
            throw context.malformed(.cloudflare, "expected result[] of targets with colos[]")
        }
        var traces: [ImportedTrace] = []
        for target in value["result"].array ?? value.array ?? [] {
            let targetName = target["target"].string ?? "?"
            for colo in target["colos"].array ?? [] {
                traces.append(trace(colo, targetName: targetName, context: context))
            }
        }
        guard !traces.isEmpty else { throw context.malformed(.cloudflare, "no colos in the result") }
        return ImportSupport.uniqueLabels(traces)
    }

    private static func trace(_ colo: JSONValue, targetName: String, context: ImportContext) -> ImportedTrace {
        let name = colo["colo"]["name"].string ?? "?"
        let summary = colo["target_summary"]
        let destination = IPAddress(targetName) ?? summary["ip"].string.flatMap(IPAddress.init)
        var notes: [String] = []
        if let error = colo["error"].string, !error.isEmpty { notes.append("colo \(name): \(error)") }
        var hops: [TraceDocument.Hop] = []
        var packetsPerTTL = 0
        for (index, hop) in (colo["hops"].array ?? []).enumerated() {
            let ttl = hop["packets_ttl"].int.flatMap { $0 > 0 ? $0 : nil } ?? index + 1
            let nodes = (hop["nodes"].array ?? []).filter { $0["ip"].string.flatMap(IPAddress.init) != nil }
            let received = nodes.reduce(0) { $0 + max(0, $1["packet_count"].int ?? 0) }
            let lostField = hop["packets_lost"].int ?? 0
            let sent = max(hop["packets_sent"].int ?? 0, received + lostField, received)
            let lost = max(0, sent - received)
            packetsPerTTL = max(packetsPerTTL, sent)
            let responders = nodes.map { node -> TraceDocument.Responder in
                let address = IPAddress(node["ip"].string!)!
                let count = max(0, node["packet_count"].int ?? 0)
                let hostname = ImportSupport.hostname(node["name"].string, address: address)
                return TraceDocument.Responder(
                    address: address, replies: count,
                    sharePercent: received > 0 ? Double(count) / Double(received) * 100 : 0,
                    best: count > 0 ? node["min_rtt_ms"].double : nil,
                    mean: count > 0 ? node["mean_rtt_ms"].double : nil,
                    worst: count > 0 ? node["max_rtt_ms"].double : nil,
                    standardDeviation: count > 0 ? node["std_dev_rtt_ms"].double : nil,
                    kind: address == destination ? .echoReply : .timeExceeded,
                    info: ImportSupport.info(hostname: hostname, asn: ImportSupport.asn(node["asn"])))
            }.sorted { $0.replies > $1.replies }
            hops.append(TraceDocument.Hop(ttl: ttl, sent: sent, lost: lost,
                                          lossPercent: sent > 0 ? Double(lost) / Double(sent) * 100 : 0,
                                          silent: received == 0, responders: responders))
        }
        // Hops past the first one the target answered only repeat it.
        if let destination, let end = hops.firstIndex(where: { $0.responders.contains { $0.address == destination } }) {
            hops = Array(hops[...end])
        }
        let reached = destination.map { address in hops.last?.responders.contains { $0.address == address } ?? false }
            ?? false
        let vantage = VantagePoint(engine: "cloudflare", id: name, city: colo["colo"]["city"].string)
        // The API gives no time; the packet type is in the request, not the response (ICMP is its default).
        let meta = ImportSupport.meta(target: targetName, address: destination, source: nil, protocolKind: .icmp,
                                      queries: packetsPerTTL, startedAt: context.fileDate, vantage: vantage)
        return ImportedTrace(label: "colo \(name) → \(targetName)",
                             document: TraceDocument(meta: meta, reached: reached, hops: hops), notes: notes)
    }
}
