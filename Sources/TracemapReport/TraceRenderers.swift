#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapGeo
import TracemapModel
import TracemapStats

/// Renders a finished trace in one of `trace`'s output formats.
public enum TraceRenderer {
    /// Where an address should print as a hostname, an address, or both.
    /// Under `--profile private` the two closures replace every address and name by its token before the
    /// layout is computed, so the columns stay aligned.
    public struct Naming: Sendable {
        public var showNames: Bool
        public var info: [IPAddress: HostInfo]
        /// `--origin LAT,LON` for the geography check, when the trace has no vantage point of its own.
        public var origin: GeoLocation?
        /// How an address prints (its text, or a redaction token).
        public var addressText: @Sendable (IPAddress) -> String
        /// How a host name prints (itself, or a redaction token); escaping for the output comes after.
        public var nameText: @Sendable (String) -> String

        public init(showNames: Bool = true, info: [IPAddress: HostInfo] = [:], origin: GeoLocation? = nil,
                    addressText: @escaping @Sendable (IPAddress) -> String = { $0.description },
                    nameText: @escaping @Sendable (String) -> String = { $0 }) {
            self.showNames = showNames
            self.info = info
            self.origin = origin
            self.addressText = addressText
            self.nameText = nameText
        }

        /// `name (address)` or the address, terminal-safe; a name longer than 80 characters is cut.
        public func label(_ address: IPAddress) -> String {
            if showNames, let name = info[address]?.hostname {
                return "\(Escaping.terminal(nameText(name), limit: 80)) (\(addressText(address)))"
            }
            return addressText(address)
        }
    }

    /// The human table (mtr `--report` style): a line per hop, a line per extra ECMP responder with its share.
    public static func table(meta: TraceMeta, statistics: PathStatistics, columns: [HopField],
                             naming: Naming) -> String {
        let extras = naming.info.isEmpty ? [] : ["ASN", "Location"]
        let geography = TraceGeography.check(meta: meta, statistics: statistics, info: naming.info,
                                             origin: naming.origin)
        var rows: [[String]] = []
        for hop in statistics.orderedHops {
            let view = StatsView.cumulative(hop)
            let responders = hop.respondersByShare
            if responders.isEmpty {
                let label = hop.sendFailures == hop.sent ? "(send failed)" : "(silent)"
                // A hop that never answers is silent, not "100% loss": only the probe count is shown.
                let cells = columns.map { $0.key == "sent" ? $0.cell(view) : "" }
                rows.append(["\(hop.ttl).", label] + cells + extras.map { _ in "" })
                continue
            }
            for (position, responder) in responders.enumerated() {
                var host = naming.label(responder.address)
                if responders.count > 1 { host += " [\(hop.share(of: responder).formatted(decimals: 0))%]" }
                if !responder.mpls.isEmpty {
                    host += " MPLS " + responder.mpls.map { "L=\($0.label)" }.joined(separator: ",")
                }
                let cells = position == 0 ? columns.map { $0.cell(view) }
                    : columns.map { $0.cell(StatsView.responder(responder, windowed: false)) }
                let info = naming.info[responder.address]
                let enrichment = extras.isEmpty ? [] : [
                    info?.asn.map { "AS\($0.number)" } ?? (info?.addressClass).map { $0 == .global ? "" : $0.rawValue } ?? "",
                    Escaping.terminal(info?.location?.shortText ?? "", limit: 60)
                        + geographyMark(geography, ttl: hop.ttl, address: responder.address),
                ]
                rows.append([position == 0 ? "\(hop.ttl)." : "", host] + cells + enrichment)
            }
        }
        let header = ["", "Host"] + columns.map(\.title) + extras
        let widths = header.indices.map { index in
            ([header] + rows).map { $0[index].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                // TTL and numbers right-aligned, host and enrichment left-aligned.
                return (index == 0 || (index >= 2 && index < 2 + columns.count)) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces
        }
        let title = "tracemap to \(Escaping.terminal(naming.nameText(meta.target.name))) (\(naming.addressText(meta.target.address))) "
            + "from \(meta.source.map(naming.addressText) ?? "?"), "
            + "\(meta.protocolKind.rawValue.uppercased()) via \(meta.method.rawValue)"
            + (meta.options.flows > 1 ? ", \(meta.options.flows) flows" : "")
        let reached = statistics.lastRoundReached ? "" : "\ndestination not reached"
        return ([title, line(header)] + rows.map(line)).joined(separator: "\n") + reached + "\n"
            + geographyNotes(geography, naming: naming, statistics: statistics)
    }

    /// The table's mark beside a location: `!` impossible, `~` an end of a detour leg (README "Geography").
    static func geographyMark(_ geography: GeoAssessment?, ttl: Int, address: IPAddress) -> String {
        guard let geography else { return "" }
        if geography.impossible(ttl: ttl, address: address) != nil { return " !" }
        let detour = geography.findings.contains {
            $0.kind == .detour && ($0.ttl == ttl || $0.fromTTL == ttl)
        }
        return detour ? " ~" : ""
    }

    /// The lines under the table that explain each mark; nothing when the places agree with the RTTs.
    static func geographyNotes(_ geography: GeoAssessment?, naming: Naming, statistics: PathStatistics) -> String {
        guard let geography, !geography.findings.isEmpty else { return "" }
        var lines = ["geography, checked from " + (geography.origin?.summary ?? "no origin (detours only)") + ":"]
        for finding in geography.findings {
            switch finding.kind {
            case .impossible:
                let who = finding.address.map { " " + naming.label($0) } ?? ""
                lines.append("  ! hop \(finding.ttl)\(who): " + Escaping.visible(finding.message))
            case .detour:
                lines.append("  ~ " + Escaping.visible(finding.message))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ document: TraceDocument, pretty: Bool = true) throws -> String {
        String(decoding: try TracemapJSON.encoder(pretty: pretty).encode(document), as: UTF8.self) + "\n"
    }

    /// CSV (RFC 4180): a row per responder, a row per silent hop; the statistics columns from the shared table.
    public static func csv(meta: TraceMeta, statistics: PathStatistics, columns: [HopField],
                           naming: Naming) -> String {
        var lines = [(["target", "ttl", "address", "hostname", "share_pct"] + columns.map(\.key) + ["protocol", "method"])
            .joined(separator: ",")]
        let how = [meta.protocolKind.rawValue, meta.method.rawValue]
        let target = Escaping.csv(naming.nameText(meta.target.name))
        for hop in statistics.orderedHops {
            let hopView = StatsView.cumulative(hop)
            let responders = hop.respondersByShare
            if responders.isEmpty {
                lines.append(([target, "\(hop.ttl)", "", "", ""]
                              + columns.map { column in column.value(hopView).map { plain($0, column) } ?? "" } + how)
                    .joined(separator: ","))
            }
            for responder in responders {
                let view = responders.count == 1 ? hopView : StatsView.responder(responder, windowed: false)
                let fields = [target, "\(hop.ttl)", Escaping.csv(naming.addressText(responder.address)),
                              Escaping.csv(naming.info[responder.address]?.hostname.map(naming.nameText) ?? ""),
                              hop.share(of: responder).formatted(decimals: 1)]
                    + columns.map { column in
                        // Loss and probes sent are the hop's, never one ECMP branch's.
                        (column.ofHop ? column.value(hopView) : column.value(view))
                            .map { plain($0, column) } ?? ""
                    } + how
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line per probe event: `probe <target> ttl=<n> flow=<n> seq=<n> sent=<unix s> <result> …`,
    /// easy to cut, grep and awk.
    public static func raw(target: TraceTarget, probes: [ProbeRecord], meta: TraceMeta? = nil,
                           naming: Naming = Naming()) -> String {
        // The method and protocol once, as a comment line a parser skips.
        let head = meta.map { "# tracemap to \(naming.addressText($0.target.address)) \($0.protocolKind.rawValue) via \($0.method.rawValue)\n" } ?? ""
        let how = meta.map { " proto=\($0.protocolKind.rawValue) method=\($0.method.rawValue)" } ?? ""
        return head + probes.map { probe in
            var line = "probe \(naming.addressText(target.address)) ttl=\(probe.ttl) flow=\(probe.flow) seq=\(probe.sequence)\(how) "
                + "sent=\(probe.sentAt.timeIntervalSince1970.formatted(decimals: 6)) "
            switch probe.outcome {
            case .reply(let reply):
                line += "reply from=\(naming.addressText(reply.responder)) rtt=\(reply.rtt.formatted(decimals: 3)) kind=\(reply.kind.rawValue)"
                if let code = reply.code { line += " code=\(code)" }
                if !reply.mpls.isEmpty { line += " mpls=" + reply.mpls.map { "\($0.label)" }.joined(separator: "/") }
            case .timeout:
                line += "timeout"
            case .sendFailed(let error):
                line += "send-failed error=\(Escaping.terminal(error).replacingOccurrences(of: " ", with: "_"))"
            }
            return line
        }.joined(separator: "\n") + "\n"
    }

    private static func plain(_ value: Double) -> String { value.formatted(decimals: 3) }

    /// Counts as integers (`3`, not `3.000`), measurements with three decimals.
    private static func plain(_ value: Double, _ column: HopField) -> String {
        column.decimals == 0 ? column.format(value) : value.formatted(decimals: 3)
    }
}

extension String {
    /// The text without the spaces and tabs at its end (a padded last column).
    var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
