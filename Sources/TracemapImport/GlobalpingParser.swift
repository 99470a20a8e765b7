#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

/// A Globalping measurement (`GET /v1/measurements/{id}`, https://globalping.io/docs/api.globalping.io) of type
/// `traceroute` or `mtr`: `target`, `createdAt`, `measurementOptions`, and `results[]`, each with the `probe`
/// (continent, country, city, asn, network, latitude, longitude) and its `result`: `status`, `resolvedAddress`,
/// `hops[]`. A traceroute hop has `resolvedAddress`/`resolvedHostname` ("*" or null when silent) and
/// `timings[].rtt`; an mtr hop adds `asn[]` and `stats` (total, rcv, drop, min, avg, max, stDev), its lost
/// timings having a null `rtt`. Every probe is a trace; hops are numbered from TTL 1 in order.
enum GlobalpingParser {
    static func looksLike(_ value: JSONValue) -> Bool {
        guard let type = value["type"].string, let results = value["results"].array else { return false }
        return (type == "traceroute" || type == "mtr") && results.allSatisfy { $0["probe"] != nil }
    }

    static func parse(_ value: JSONValue, context: ImportContext) throws(ImportError) -> [ImportedTrace] {
        guard looksLike(value) else {
            throw context.malformed(.globalping, "expected a measurement of type traceroute or mtr with results[]")
        }
        let isMTR = value["type"].string == "mtr"
        let options = value["measurementOptions"]
        let protocolKind = ImportSupport.probeProtocol(options["protocol"].string)
        let started = ImportSupport.isoDate(value["createdAt"].string) ?? context.fileDate
        let ended = ImportSupport.isoDate(value["updatedAt"].string)
        let targetName = value["target"].string ?? "?"
        var traces: [ImportedTrace] = []
        for entry in value["results"].array ?? [] {
            let probe = entry["probe"]
            let result = entry["result"]
            var notes: [String] = []
            if let status = result["status"].string, status != "finished" {
                notes.append("the probe's result is \(status)")
            }
            let destination = result["resolvedAddress"].string.flatMap(IPAddress.init)
            let hops = result["hops"].array ?? []
            // Globalping's traceroute sends two probes per TTL (`traceroute -q 2`); a hop lists only the timings it
            // got, so the most any hop got is the number sent.
            let perHop = isMTR ? (options["packets"].int ?? 3)
                               : max(2, hops.map { ($0["timings"].array ?? []).count }.max() ?? 2)
            var probes: [ProbeRecord] = []
            var info: [IPAddress: HostInfo] = [:]
            var sequence: UInt16 = 0
            for (index, hop) in hops.prefix(ImportSupport.maxTTL).enumerated() {
                let ttl = index + 1
                let address = hop["resolvedAddress"].string.flatMap(IPAddress.init)
                let timings = hop["timings"].array ?? []
                let sent = ImportSupport.clampCount(isMTR ? max(hop["stats"]["total"].int ?? timings.count,
                                                                timings.count)
                                                          : max(perHop, timings.count))
                if let address {
                    let name = ImportSupport.hostname(hop["resolvedHostname"].string, address: address)
                    let asn = hop["asn"].array?.first.flatMap { ImportSupport.asn($0) }
                    if let hostInfo = ImportSupport.info(hostname: name, asn: asn) { info[address] = hostInfo }
                }
                for index in 0..<sent {
                    sequence &+= 1
                    let rtt = index < timings.count ? timings[index]["rtt"].double : nil
                    let outcome: ProbeOutcome
                    if let address, let rtt {
                        let kind: ReplyKind = address == destination ? ImportSupport.destinationKind(protocolKind)
                                                                     : .timeExceeded
                        outcome = .reply(ProbeReply(responder: address, rtt: rtt, kind: kind))
                    } else {
                        outcome = .timeout
                    }
                    probes.append(ProbeRecord(ttl: ttl, flow: 0, sequence: sequence, sentAt: started,
                                              outcome: outcome))
                }
            }
            let city = probe["city"].string
            let country = probe["country"].string
            let place = [city, country].compactMap { $0 }.joined(separator: ", ")
            var label = "probe \(traces.count + 1)"
            if !place.isEmpty { label += " (\(place))" }
            if let network = probe["network"].string { label += " \(network)" }
            let vantage = VantagePoint(engine: "globalping", id: "probe \(traces.count + 1)", city: city,
                                       country: country, asn: probe["asn"].int, network: probe["network"].string,
                                       latitude: probe["latitude"].double, longitude: probe["longitude"].double)
            let meta = ImportSupport.meta(target: targetName, address: destination, source: nil,
                                          protocolKind: protocolKind, queries: perHop, startedAt: started,
                                          endedAt: ended, vantage: vantage)
            traces.append(ImportedTrace(label: label,
                                        document: ImportSupport.document(meta: meta, probes: probes, info: info),
                                        notes: notes))
        }
        guard !traces.isEmpty else { throw context.malformed(.globalping, "no results") }
        return ImportSupport.uniqueLabels(traces)
    }
}
