#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

/// scamper's JSON (`scamper -O json`, `sc_warts2json`): one object per line, `cycle-start` {hostname, start_time},
/// then a `trace` per target {method, src, dst, start {sec, usec}, firsthop, attempts, hop_count, stop_reason,
/// hops[]}, then `cycle-stop`. A trace lists only the replies: each hop entry is one reply {addr, probe_ttl,
/// probe_id (the attempt, from 1), tx {sec, usec}, rtt, icmp_type, icmp_code, icmpext[] with mpls_labels[]}. A TTL
/// without an entry sent `attempts` probes and heard nothing; one with replies sent as many as its last attempt.
enum ScamperParser {
    static func looksLike(_ value: JSONValue) -> Bool {
        value["type"].string == "trace" && value["hops"] != nil || ["cycle-start", "cycle-stop", "list"]
            .contains(value["type"].string ?? "")
    }

    static func parse(_ values: [JSONValue], context: ImportContext) throws(ImportError) -> [ImportedTrace] {
        var host: String?
        var traces: [ImportedTrace] = []
        for value in values {
            switch value["type"].string {
            case "cycle-start": host = value["hostname"].string
            case "trace": traces.append(trace(value, host: host, context: context))
            default: continue  // cycle-stop, list, and other measurement types (ping, tracelb) are not traces
            }
        }
        guard !traces.isEmpty else { throw context.malformed(.scamper, "no trace object") }
        return ImportSupport.uniqueLabels(traces)
    }

    private static func time(_ value: JSONValue?) -> Date? {
        guard let seconds = value["sec"].double else { return nil }
        return Date(timeIntervalSince1970: seconds + (value["usec"].double ?? 0) / 1e6)
    }

    static func trace(_ value: JSONValue, host: String?, context: ImportContext) -> ImportedTrace {
        let method = value["method"].string ?? "icmp-echo"
        let protocolKind = ImportSupport.probeProtocol(method)
        let destination = value["dst"].string.flatMap(IPAddress.init)
        let started = time(value["start"]) ?? context.fileDate
        // scamper allows at most 20 attempts per hop (`trace -q`); more is a corrupt file.
        let attempts = min(20, max(1, value["attempts"].int ?? 1))
        let firstHop = max(1, value["firsthop"].int ?? 1)
        var byTTL: [Int: [JSONValue]] = [:]
        for reply in value["hops"].array ?? [] {
            guard let ttl = reply["probe_ttl"].int, ttl > 0, ttl <= ImportSupport.maxTTL else { continue }
            byTTL[ttl, default: []].append(reply)
        }
        let lastTTL = min(ImportSupport.maxTTL, max(byTTL.keys.max() ?? 0, value["hop_count"].int ?? 0))
        var probes: [ProbeRecord] = []
        var sequence: UInt16 = 0
        if lastTTL >= firstHop {
            for ttl in firstHop...lastTTL {
                let replies = byTTL[ttl] ?? []
                let sent = replies.isEmpty ? attempts
                    : ImportSupport.clampCount(max(replies.compactMap { $0["probe_id"].int }.max() ?? 1, replies.count))
                var answered = Set<Int>()
                for reply in replies {
                    guard let address = reply["addr"].string.flatMap(IPAddress.init),
                          let rtt = reply["rtt"].double else { continue }
                    let attempt = reply["probe_id"].int ?? answered.count + 1
                    if !answered.insert(attempt).inserted { continue }  // a duplicate reply to one probe
                    sequence &+= 1
                    let (kind, code) = kind(reply, protocolKind: protocolKind, from: address, destination: destination)
                    probes.append(ProbeRecord(ttl: ttl, flow: 0, sequence: sequence,
                                              sentAt: time(reply["tx"]) ?? started,
                                              outcome: .reply(ProbeReply(responder: address, rtt: rtt, kind: kind,
                                                                         code: code, mpls: mpls(reply["icmpext"])))))
                }
                for _ in 0..<max(0, sent - answered.count) {
                    sequence &+= 1
                    probes.append(ProbeRecord(ttl: ttl, flow: 0, sequence: sequence, sentAt: started,
                                              outcome: .timeout))
                }
            }
        }
        var notes: [String] = []
        if let reason = value["stop_reason"].string, reason != "COMPLETED" { notes.append("stopped: \(reason)") }
        let vantage = VantagePoint(engine: "scamper", id: host, address: value["src"].string.flatMap(IPAddress.init))
        let meta = ImportSupport.meta(target: value["dst"].string ?? "?", address: destination,
                                      source: value["src"].string.flatMap(IPAddress.init), protocolKind: protocolKind,
                                      queries: attempts, startedAt: started, vantage: vantage)
        return ImportedTrace(label: value["dst"].string ?? "?",
                             document: ImportSupport.document(meta: meta, probes: probes, info: [:]), notes: notes)
    }

    /// ICMP type 11 is time exceeded, 0/129 an echo reply, 3/1 unreachable (code 3/4 from the target: UDP's end);
    /// a TCP reply carries `tcp_flags`.
    private static func kind(_ reply: JSONValue, protocolKind: ProbeProtocol, from: IPAddress,
                             destination: IPAddress?) -> (ReplyKind, UInt8?) {
        if let flags = reply["tcp_flags"].int { return (flags & 0x04 != 0 ? .tcpReset : .tcpSynAck, nil) }
        let type = reply["icmp_type"].int ?? -1
        let code = reply["icmp_code"].int.flatMap { UInt8(exactly: $0) }
        let v6 = from.family == .v6
        switch type {
        case v6 ? 3 : 11: return (.timeExceeded, nil)
        case v6 ? 129 : 0: return (.echoReply, nil)
        case v6 ? 1 : 3:
            let portUnreachable = v6 ? code == 4 : code == 3
            return (portUnreachable && from == destination ? .portUnreachable : .unreachable, code)
        default: return (from == destination ? ImportSupport.destinationKind(protocolKind) : .timeExceeded, nil)
        }
    }

    private static func mpls(_ extensions: JSONValue?) -> [MPLSLabel] {
        (extensions.array ?? []).flatMap { ext in
            (ext["mpls_labels"].array ?? []).compactMap { entry -> MPLSLabel? in
                guard let label = entry["mpls_label"].int, label >= 0, label < 1 << 20 else { return nil }
                return MPLSLabel(label: UInt32(label), trafficClass: UInt8(clamping: entry["mpls_exp"].int ?? 0),
                                 bottomOfStack: (entry["mpls_s"].int ?? 0) != 0,
                                 ttl: UInt8(clamping: entry["mpls_ttl"].int ?? 0))
            }
        }
    }
}
