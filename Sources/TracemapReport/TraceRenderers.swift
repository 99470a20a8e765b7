#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapStats

/// Renders a finished trace in one of `trace`'s output formats.
public enum TraceRenderer {
    /// Where an address should print as a hostname, an address, or both.
    public struct Naming: Sendable {
        public var showNames: Bool
        public var info: [IPAddress: HostInfo]

        public init(showNames: Bool = true, info: [IPAddress: HostInfo] = [:]) {
            self.showNames = showNames
            self.info = info
        }

        public func label(_ address: IPAddress) -> String {
            if showNames, let name = info[address]?.hostname { return "\(name) (\(address))" }
            return address.description
        }
    }

    /// The human table (mtr `--report` style): a line per hop, a line per extra ECMP responder with its share.
    public static func table(meta: TraceMeta, statistics: PathStatistics, columns: [HopColumn],
                             naming: Naming) -> String {
        let extras = naming.info.isEmpty ? [] : ["ASN", "Location"]
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
                    info?.location?.shortText ?? "",
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
        let title = "tracemap to \(meta.target.name) (\(meta.target.address)) from \(meta.source?.description ?? "?"), "
            + "\(meta.protocolKind.rawValue.uppercased()) via \(meta.method.rawValue)"
            + (meta.options.flows > 1 ? ", \(meta.options.flows) flows" : "")
        let reached = statistics.lastRoundReached ? "" : "\ndestination not reached"
        return ([title, line(header)] + rows.map(line)).joined(separator: "\n") + reached + "\n"
    }

    public static func json(_ document: TraceDocument, pretty: Bool = true) throws -> String {
        String(decoding: try TracemapJSON.encoder(pretty: pretty).encode(document), as: UTF8.self) + "\n"
    }

    /// CSV (RFC 4180): a row per responder, a row per silent hop; the statistics columns from the shared table.
    public static func csv(meta: TraceMeta, statistics: PathStatistics, columns: [HopColumn],
                           naming: Naming) -> String {
        var lines = [(["target", "ttl", "address", "hostname", "share_pct"] + columns.map(\.key))
            .joined(separator: ",")]
        for hop in statistics.orderedHops {
            let hopView = StatsView.cumulative(hop)
            let responders = hop.respondersByShare
            if responders.isEmpty {
                lines.append(([csvField(meta.target.name), "\(hop.ttl)", "", "", ""]
                              + columns.map { $0.value(hopView).map(plain) ?? "" }).joined(separator: ","))
            }
            for responder in responders {
                let view = responders.count == 1 ? hopView : StatsView.responder(responder, windowed: false)
                let fields = [csvField(meta.target.name), "\(hop.ttl)", responder.address.description,
                              csvField(naming.info[responder.address]?.hostname ?? ""),
                              hop.share(of: responder).formatted(decimals: 1)]
                    + columns.map { column in
                        // Loss is the hop's, never one ECMP branch's.
                        (column.key == "loss_pct" || column.key == "sent" ? column.value(hopView) : column.value(view))
                            .map(plain) ?? ""
                    }
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line per probe event: `probe <target> ttl=<n> flow=<n> seq=<n> sent=<unix s> <result> …`,
    /// easy to cut, grep and awk.
    public static func raw(target: TraceTarget, probes: [ProbeRecord]) -> String {
        probes.map { probe in
            var line = "probe \(target.address) ttl=\(probe.ttl) flow=\(probe.flow) seq=\(probe.sequence) "
                + "sent=\(probe.sentAt.timeIntervalSince1970.formatted(decimals: 6)) "
            switch probe.outcome {
            case .reply(let reply):
                line += "reply from=\(reply.responder) rtt=\(reply.rtt.formatted(decimals: 3)) kind=\(reply.kind.rawValue)"
                if let code = reply.code { line += " code=\(code)" }
                if !reply.mpls.isEmpty { line += " mpls=" + reply.mpls.map { "\($0.label)" }.joined(separator: "/") }
            case .timeout:
                line += "timeout"
            case .sendFailed(let error):
                line += "send-failed error=\(error)"
            }
            return line
        }.joined(separator: "\n") + "\n"
    }

    private static func plain(_ value: Double) -> String { value.formatted(decimals: 3) }

    private static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + text.replacing("\"", with: "\"\"") + "\"" : text
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
