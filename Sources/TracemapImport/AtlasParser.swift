#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

/// RIPE Atlas traceroute results (https://atlas.ripe.net/docs/apis/result-format/, firmware ≥ 4460): one object per
/// probe run with `prb_id`, `dst_addr`, `proto`, `timestamp`, and `result[]` of hops; each hop has `hop` (the TTL)
/// and `result[]` of replies: `from`/`rtt`/`size`/`ttl`, `x: "*"` for a timeout, `err` for an ICMP unreachable
/// ("N", "H", "A", "P", "p" or a code), `late` for a reply after the timeout, `icmpext` for RFC 4950 MPLS.
/// A file holds an array of results or one result per line; every result is a trace.
enum AtlasParser {
    static func looksLike(_ value: JSONValue) -> Bool {
        value["prb_id"] != nil && value["result"].array != nil && (value["type"].string ?? "traceroute") == "traceroute"
    }

    static func parse(_ values: [JSONValue], context: ImportContext) throws(ImportError) -> [ImportedTrace] {
        var traces: [ImportedTrace] = []
        for value in values {
            guard looksLike(value) else {
                throw context.malformed(.atlas, "an entry without prb_id and result[] (type \(value["type"].string ?? "?"))")
            }
            traces.append(try trace(value, context: context))
        }
        guard !traces.isEmpty else { throw context.malformed(.atlas, "no results") }
        return ImportSupport.uniqueLabels(traces)
    }

    static func trace(_ value: JSONValue, context: ImportContext) throws(ImportError) -> ImportedTrace {
        let probeID = value["prb_id"].int
        let protocolKind = ImportSupport.probeProtocol(value["proto"].string)
        let destination = value["dst_addr"].string.flatMap(IPAddress.init)
        let started = value["timestamp"].double.map { Date(timeIntervalSince1970: $0) } ?? context.fileDate
        let ended = value["endtime"].double.map { Date(timeIntervalSince1970: $0) }
        var notes: [String] = []
        var probes: [ProbeRecord] = []
        var queries = 0
        var sequence: UInt16 = 0
        for hop in value["result"].array ?? [] {
            guard let ttl = hop["hop"].int, ttl > 0, ttl < 256 else { continue }
            if let error = hop["error"].string { notes.append("hop \(ttl): \(error)") }
            let replies = hop["result"].array ?? []
            var counted = 0
            for reply in replies {
                if reply["dup"].bool == true { continue }  // a duplicate answer, not another probe
                if let error = reply["error"].string {
                    notes.append("hop \(ttl): \(error)")
                    continue
                }
                counted += 1
                sequence &+= 1
                let outcome: ProbeOutcome
                if let from = reply["from"].string.flatMap(IPAddress.init), let rtt = reply["rtt"].double {
                    outcome = .reply(ProbeReply(responder: from, rtt: rtt,
                                                kind: kind(reply, from: from, destination: destination,
                                                           protocolKind: protocolKind),
                                                code: code(reply["err"]), mpls: mpls(reply["icmpext"])))
                } else {
                    // "x": "*" is a timeout; "late" is a reply after the timeout, which Atlas does not time.
                    outcome = .timeout
                }
                probes.append(ProbeRecord(ttl: ttl, flow: 0, sequence: sequence, sentAt: started, outcome: outcome))
            }
            queries = max(queries, counted)
        }
        let label = probeID.map { "probe \($0)" } ?? "probe ?"
        let vantage = VantagePoint(engine: "ripe-atlas", id: label,
                                   address: value["from"].string.flatMap(IPAddress.init))
        let meta = ImportSupport.meta(target: value["dst_name"].string ?? value["dst_addr"].string ?? "?",
                                      address: destination, source: value["src_addr"].string.flatMap(IPAddress.init),
                                      protocolKind: protocolKind, queries: queries, startedAt: started,
                                      endedAt: ended, vantage: vantage)
        if destination == nil { notes.append("no dst_addr: the target's address is unknown") }
        return ImportedTrace(label: label, document: ImportSupport.document(meta: meta, probes: probes, info: [:]),
                             notes: notes)
    }

    private static func kind(_ reply: JSONValue, from: IPAddress, destination: IPAddress?,
                             protocolKind: ProbeProtocol) -> ReplyKind {
        if let err = reply["err"] {
            // "p" (port unreachable) from the target is how a UDP trace ends; the rest end the path as unreachable.
            if err.string == "p" || err.int == 3 { return from == destination ? .portUnreachable : .unreachable }
            return .unreachable
        }
        guard from == destination else { return .timeExceeded }
        if protocolKind == .tcp, let flags = reply["flags"].string, flags.contains("R") { return .tcpReset }
        return ImportSupport.destinationKind(protocolKind)
    }

    /// The ICMP unreachable code of an `err` letter (RFC 792) or number.
    private static func code(_ err: JSONValue?) -> UInt8? {
        guard let err else { return nil }
        switch err.string {
        case "N": return 0
        case "H": return 1
        case "P": return 2
        case "p": return 3
        case "A": return 13
        default: return err.int.flatMap { UInt8(exactly: $0) }
        }
    }

    /// `icmpext.obj[]` of class 1 type 1 (RFC 4950): `mpls[]` of {label, exp, s, ttl}.
    private static func mpls(_ extensions: JSONValue?) -> [MPLSLabel] {
        var labels: [MPLSLabel] = []
        for object in extensions["obj"].array ?? [] where object["class"].int == 1 {
            for entry in object["mpls"].array ?? [] {
                guard let label = entry["label"].int, label >= 0, label < 1 << 20 else { continue }
                labels.append(MPLSLabel(label: UInt32(label), trafficClass: UInt8(clamping: entry["exp"].int ?? 0),
                                        bottomOfStack: (entry["s"].int ?? 0) != 0,
                                        ttl: UInt8(clamping: entry["ttl"].int ?? 0)))
            }
        }
        return labels
    }
}
