#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

/// trippy's JSON report (`trip -m json`, trippy-tui `report/types.rs`): `info.target` {ip, hostname} and `hops[]`
/// {ttl, hosts[] {ip, hostname}, extensions[] ({"mpls": {"members": [{label, exp, bos, ttl}]}}), loss_pct, sent,
/// recv, last, avg, best, worst, stddev, jitter…}, every float written as a string with two decimals. Statistics
/// are per hop, not per host: with several hosts at a TTL (ECMP) the replies are shared out evenly and each host
/// carries the hop's RTT figures.
enum TrippyParser {
    static func looksLike(_ value: JSONValue) -> Bool {
        value["info"]["target"] != nil && value["hops"].array != nil
    }

    static func parse(_ values: [JSONValue], context: ImportContext) throws(ImportError) -> [ImportedTrace] {
        var traces: [ImportedTrace] = []
        for value in values { traces.append(try trace(value, context: context)) }
        return traces
    }

    static func trace(_ value: JSONValue, context: ImportContext) throws(ImportError) -> ImportedTrace {
        guard looksLike(value) else { throw context.malformed(.trippy, "expected info.target and hops[]") }
        let target = value["info"]["target"]
        let destination = target["ip"].string.flatMap(IPAddress.init)
        let name = target["hostname"].string ?? target["ip"].string ?? "?"
        var hops: [TraceDocument.Hop] = []
        var queries = 0
        for (index, hop) in (value["hops"].array ?? []).enumerated() {
            let ttl = hop["ttl"].int ?? index + 1
            let sent = max(0, hop["sent"].int ?? 0)
            let received = min(sent, max(0, hop["recv"].int ?? 0))
            queries = max(queries, sent)
            let hosts = (hop["hosts"].array ?? []).compactMap { host -> (IPAddress, String?)? in
                guard let address = host["ip"].string.flatMap(IPAddress.init) else { return nil }
                return (address, ImportSupport.hostname(host["hostname"].string, address: address))
            }
            let labels = mpls(hop["extensions"])
            let responders = hosts.enumerated().map { position, host in
                let share = received / max(1, hosts.count) + (position < received % max(1, hosts.count) ? 1 : 0)
                return TraceDocument.Responder(
                    address: host.0, replies: share,
                    sharePercent: received > 0 ? Double(share) / Double(received) * 100 : 0,
                    best: received > 0 ? hop["best"].double : nil, mean: received > 0 ? hop["avg"].double : nil,
                    worst: received > 0 ? hop["worst"].double : nil,
                    standardDeviation: received > 0 ? hop["stddev"].double : nil,
                    kind: host.0 == destination ? .echoReply : .timeExceeded, mpls: labels,
                    info: ImportSupport.info(hostname: host.1, asn: nil))
            }
            let lost = sent - received
            hops.append(TraceDocument.Hop(ttl: ttl, sent: sent, lost: lost,
                                          lossPercent: hop["loss_pct"].double
                                              ?? (sent > 0 ? Double(lost) / Double(sent) * 100 : 0),
                                          silent: received == 0, responders: responders))
        }
        let reached = destination.map { address in hops.contains { $0.responders.contains { $0.address == address } } }
            ?? false
        let vantage = VantagePoint(engine: "trippy")
        let meta = ImportSupport.meta(target: name, address: destination, source: nil, protocolKind: .icmp,
                                      queries: queries, startedAt: context.fileDate, vantage: vantage)
        return ImportedTrace(label: name, document: TraceDocument(meta: meta, reached: reached, hops: hops))
    }

    private static func mpls(_ extensions: JSONValue?) -> [MPLSLabel] {
        (extensions.array ?? []).flatMap { ext in
            (ext["mpls"]["members"].array ?? []).compactMap { member -> MPLSLabel? in
                guard let label = member["label"].int, label >= 0, label < 1 << 20 else { return nil }
                return MPLSLabel(label: UInt32(label), trafficClass: UInt8(clamping: member["exp"].int ?? 0),
                                 bottomOfStack: (member["bos"].int ?? 0) != 0,
                                 ttl: UInt8(clamping: member["ttl"].int ?? 0))
            }
        }
    }
}
