import Foundation
import TracemapCLI
import TracemapEnrich
import TracemapGeo
import TracemapImport
import TracemapModel
import TracemapReport
import TracemapStats

/// Shows remote traces: a table per vantage point headed by where it is, then a comparison of every vantage
/// point and target; or, with `--json`, every trace with its vantage point.
struct RemoteReport {
    var traces: [ImportedTrace]
    var fields: String
    var json: Bool
    var noReverseDNS: Bool
    var enrichment: EnrichmentArguments
    var notices: [String] = []

    /// Every trace as a `--json` document, its responders' info completed by the enrichment.
    func documents() async -> [TraceDocument] {
        documents(info: await hostInfo())
    }

    private func documents(info: [IPAddress: HostInfo]) -> [TraceDocument] {
        traces.map { trace in
            var document = trace.document
            // The geography check starts where the trace did: the vantage point, not this machine.
            let origin = document.meta.vantage.flatMap { vantage -> GeoLocation? in
                guard let latitude = vantage.latitude, let longitude = vantage.longitude else { return nil }
                return GeoLocation(city: vantage.city, countryCode: vantage.country, latitude: latitude,
                                   longitude: longitude)
            }
            for hop in document.hops.indices {
                for index in document.hops[hop].responders.indices {
                    let responder = document.hops[hop].responders[index]
                    var hostInfo = info[responder.address]
                    if let location = hostInfo?.location {
                        hostInfo?.confidence = GeoPlausibility.confidence(
                            source: origin, location: location, rtt: responder.figures.best ?? responder.figures.mean)
                    }
                    document.hops[hop].responders[index].info = hostInfo
                }
            }
            return document
        }
    }

    func render() async -> String {
        let info = await hostInfo()
        if json {
            let data = (try? TracemapJSON.encoder(pretty: true).encode(documents(info: info))) ?? Data("[]".utf8)
            return String(decoding: data, as: UTF8.self) + "\n"
        }
        let columns = HopField.columns(fields) ?? HopField.columns(HopField.defaultLetters) ?? []
        let naming = TraceRenderer.Naming(showNames: !noReverseDNS, info: info)
        var sections: [String] = []
        for trace in traces {
            let vantage = trace.document.meta.vantage
            let heading = Self.heading(vantage)
            if trace.document.hops.isEmpty {
                var why = trace.notes.map(Self.safe).joined(separator: "; ")
                if why.isEmpty && !trace.document.probes.isEmpty {
                    why = "no hop answered (\(trace.document.probes.count) probes timed out)"
                }
                sections.append("── \(heading) ──\nno trace to \(Self.safe(trace.document.meta.target.name)): "
                                + (why.isEmpty ? "the engine returned no hops" : why) + "\n")
                continue
            }
            let meta = trace.document.meta
            // A summary (Cloudflare, mtr) has no per-probe RTTs: columns that need them would be made up.
            let summaryOnly = trace.document.probes.isEmpty
            let shown = summaryOnly ? columns.filter { "LSNABWDR".contains($0.letter) } : columns
            let table = TraceRenderer.table(meta: meta, statistics: Self.statistics(trace.document), columns: shown,
                                            naming: naming)
            // The renderer's title names this machine as the source; a remote trace's heading says where it ran.
            var lines = table.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().map(String.init)
            let known = Self.targetKnown(meta)
            if !known { lines.removeAll { $0 == "destination not reached" } }
            let target = Self.safe(meta.target.name) + (known ? " (\(meta.target.address))" : " (address not reported)")
            var text = "── \(heading) ──\nto \(target), \(meta.protocolKind.rawValue.uppercased())\n"
                + lines.joined(separator: "\n")
            if !known { text += "reached: unknown (the engine does not say which address it traced)\n" }
            for note in trace.notes { text += "note: \(Self.safe(note))\n" }
            sections.append(text)
        }
        sections.append(comparison(info: info) + notices.map { "note: \(Self.safe($0))\n" }.joined())
        return sections.joined(separator: "\n")
    }

    /// Names and ASNs the engines reported, completed by this machine's enrichment (GeoIP, ASN databases).
    private func hostInfo() async -> [IPAddress: HostInfo] {
        var fromEngines: [IPAddress: HostInfo] = [:]
        for trace in traces {
            for hop in trace.document.hops {
                for responder in hop.responders { if let info = responder.info { fromEngines[responder.address] = info } }
            }
        }
        let addresses = Array(Set(traces.flatMap { $0.document.hops.flatMap { $0.responders.map(\.address) } }))
        let enricher = enrichment.makeEnricher(noReverseDNS: noReverseDNS)
        var info = await enricher.resolve(addresses, timeout: .milliseconds(1500))
        for warning in await enricher.warnings {
            Output.error("warning: \(warning)")
        }
        for (address, engine) in fromEngines {
            var merged = info[address] ?? engine
            // An engine's names are hostile data (a PTR record can hold terminal escapes): made safe to print.
            merged.hostname = engine.hostname.map(Self.safe) ?? merged.hostname
            merged.asn = engine.asn.map { asn in
                var asn = asn
                asn.organization = asn.organization.map(Self.safe)
                return asn
            } ?? merged.asn
            merged.location = merged.location ?? engine.location
            info[address] = merged
        }
        return info
    }

    /// "Frankfurt, DE · AS64496 Example Telecom AG · Globalping probe 1"
    static func heading(_ vantage: VantagePoint?) -> String {
        guard let vantage else { return "unknown vantage point" }
        let place = [vantage.city, vantage.country].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        let network = [vantage.asn.map { "AS\($0)" }, vantage.network].compactMap { $0 }.joined(separator: " ")
        let engine: String
        switch vantage.engine {
        case "globalping": engine = "Globalping"
        case "ripe-atlas": engine = "RIPE Atlas"
        case "cloudflare": engine = "Cloudflare colo"
        default: engine = vantage.engine
        }
        let who = [engine, vantage.id].compactMap { $0 }.joined(separator: " ")
        return safe([place, network, who].filter { !$0.isEmpty }.joined(separator: " · "))
    }

    /// Statistics for the table: from the probes when the engine gave them; from the hop summaries otherwise, as
    /// replies whose best, mean and worst are the summary's.
    static func statistics(_ document: TraceDocument) -> PathStatistics {
        var statistics = PathStatistics(windowRounds: 1)
        var probes = document.probes
        if probes.isEmpty {
            let start = document.meta.startedAt
            for hop in document.hops {
                var sequence: UInt16 = 0
                for responder in hop.responders {
                    let rtts = summaryRTTs(count: responder.replies, min: responder.figures.best, mean: responder.figures.mean,
                                           max: responder.figures.worst)
                    for rtt in rtts {
                        sequence &+= 1
                        probes.append(ProbeRecord(ttl: hop.ttl, flow: 0, sequence: sequence, sentAt: start,
                                                  outcome: .reply(ProbeReply(responder: responder.address, rtt: rtt,
                                                                             kind: responder.kind, mpls: responder.mpls))))
                    }
                }
                for _ in 0..<max(0, hop.lost) {
                    sequence &+= 1
                    probes.append(ProbeRecord(ttl: hop.ttl, flow: 0, sequence: sequence, sentAt: start, outcome: .timeout))
                }
            }
        }
        statistics.record(Round(index: 0, startedAt: document.meta.startedAt,
                                endedAt: document.meta.endedAt ?? document.meta.startedAt, probes: probes))
        return statistics
    }

    /// `count` RTTs with exactly the given min, max and mean (when the summary has them).
    static func summaryRTTs(count: Int, min: Double?, mean: Double?, max: Double?) -> [Double] {
        guard count > 0, let mean else { return [] }
        guard let min, let max, count > 1 else { return Array(repeating: mean, count: count) }
        if count == 2 { return [min, max] }
        let middle = (mean * Double(count) - min - max) / Double(count - 2)
        return [min] + Array(repeating: middle, count: count - 2) + [max]
    }

    // MARK: Comparison

    private struct Row {
        var vantage: String
        var target: String
        var reached: String
        var hops: String
        var rtt: String
        var loss: String
        var differing: String
    }

    /// Vantage point × target: reached, hops, destination RTT and loss, and where the AS path differs from the
    /// first vantage point's path to the same target, compared from the destination backwards (where routes into
    /// the destination part ways).
    private func comparison(info: [IPAddress: HostInfo]) -> String {
        var reference: [String: [(asn: UInt32, ttl: Int)]] = [:]
        var rows: [Row] = []
        for trace in traces {
            let document = trace.document
            let target = document.meta.target
            let label = Self.heading(document.meta.vantage)
            guard !document.hops.isEmpty else {
                rows.append(Row(vantage: label, target: Self.safe(target.name),
                                reached: document.probes.isEmpty ? "failed" : "no", hops: "", rtt: "",
                                loss: "", differing: ""))
                continue
            }
            let destination = document.hops.first { hop in
                hop.responders.contains { $0.kind.isFromDestination || $0.address == target.address }
            }
            let last = document.hops.last { !$0.responders.isEmpty }
            let responder = destination?.responders.first { $0.kind.isFromDestination || $0.address == target.address }
            let path = Self.asPath(document, info: info)
            var differing = ""
            if let first = reference[target.name] {
                differing = Self.firstDifference(path, from: first).map { "AS\($0.asn) at hop \($0.ttl)" } ?? "same"
            } else {
                reference[target.name] = path
                differing = "(reference)"
            }
            let known = Self.targetKnown(document.meta)
            if path.isEmpty && differing != "(reference)" { differing = "- (no ASNs)" }
            rows.append(Row(vantage: label, target: Self.safe(target.name),
                            reached: !known ? "?" : document.reached ? "yes" : "no",
                            hops: ((document.reached ? destination?.ttl : last?.ttl)).map(String.init) ?? "-",
                            rtt: responder?.figures.mean.map { $0.formatted(decimals: 2) } ?? "-",
                            loss: destination.map { $0.lossPercent.formatted(decimals: 1) + "%" } ?? "-",
                            differing: differing))
        }
        let header = Row(vantage: "Vantage point", target: "Target", reached: "Reached", hops: "Hops",
                         rtt: "Dest RTT", loss: "Loss", differing: "First differing ASN")
        let all = [header] + rows
        func width(_ key: KeyPath<Row, String>) -> Int { all.map { $0[keyPath: key].count }.max() ?? 0 }
        let widths = [width(\.vantage), width(\.target), width(\.reached), width(\.hops), width(\.rtt), width(\.loss)]
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let space = String(repeating: " ", count: max(0, width - text.count))
            return right ? space + text : text + space
        }
        let lines = all.map { row in
            [pad(row.vantage, widths[0]), pad(row.target, widths[1]), pad(row.reached, widths[2]),
             pad(row.hops, widths[3], right: true), pad(row.rtt, widths[4], right: true),
             pad(row.loss, widths[5], right: true), row.differing].joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return "comparison (\(traces.count) trace\(traces.count == 1 ? "" : "s")):\n" + lines.joined(separator: "\n") + "\n"
    }

    /// Whether the engine said which address it traced (Cloudflare names only the target it was given).
    static func targetKnown(_ meta: TraceMeta) -> Bool {
        let address = meta.target.address.description
        return address != "0.0.0.0" && address != "::"
    }

    /// The AS path: each hop's most frequent responder's ASN, repeats collapsed, with the TTL it starts at.
    static func asPath(_ document: TraceDocument, info: [IPAddress: HostInfo]) -> [(asn: UInt32, ttl: Int)] {
        var path: [(asn: UInt32, ttl: Int)] = []
        for hop in document.hops {
            guard let responder = hop.responders.first,
                  let asn = (responder.info ?? info[responder.address])?.asn?.number else { continue }
            if path.last?.asn != asn { path.append((asn, hop.ttl)) }
        }
        return path
    }

    /// The ASN nearest the destination at which `path` leaves `reference`, both read backwards; nil when they agree.
    static func firstDifference(_ path: [(asn: UInt32, ttl: Int)],
                                from reference: [(asn: UInt32, ttl: Int)]) -> (asn: UInt32, ttl: Int)? {
        for (mine, theirs) in zip(path.reversed(), reference.reversed()) where mine.asn != theirs.asn {
            return mine
        }
        return path.count > reference.count ? path[path.count - reference.count - 1] : nil
    }

    /// Text from a remote engine is hostile data: control characters (terminal escapes) never reach the screen.
    static func safe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                ? "?" : scalar
        }))
    }
}
