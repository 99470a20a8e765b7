import TracemapGeo
import TracemapModel
import TracemapStats

/// An incident report a ticket can hold (GitHub/GitLab/Jira Markdown): summary, hop table, events of a
/// recording, and what the geography check found. Every value from the trace goes through
/// `Escaping.markdown`, so a hostile PTR name stays text.
public enum MarkdownReport {
    public static func render(_ traces: [ExportTrace]) -> String {
        traces.map(render).joined(separator: "\n---\n\n")
    }

    public static func render(_ trace: ExportTrace) -> String {
        let document = trace.document, meta = document.meta
        let summary = ExportSummary(document)
        let md = Escaping.markdown
        var out = "## tracemap: \(md(meta.target.name))"
            + (meta.target.name == meta.target.address.description ? "" : " (\(md(meta.target.address.description)))")
            + (trace.label.map { " — \(md($0))" } ?? "") + "\n\n"

        var rows: [(String, String)] = [("Target", md(meta.target.name)
            + (meta.target.name == meta.target.address.description ? "" : " (\(md(meta.target.address.description)))"))]
        if let source = meta.source { rows.append(("From", md(source.description))) }
        if let vantage = ExportSummary.vantage(meta) { rows.append(("Vantage point", md(vantage))) }
        rows.append(("When", TimeText.utcSpan(meta.startedAt, meta.endedAt)))
        rows.append(("Probes", md(ExportSummary.probing(meta))
                     + (trace.timeline.map { ", \($0.points.count) rounds" } ?? ", \(summary.sent) per hop")))
        rows.append(("Result", md(summary.result)))
        rows.append(("Hops", "\(summary.hops) (\(summary.responding) answering, \(summary.silent) silent)"))
        rows.append(("Geography", md(ExportSummary.geography(document.geography))))
        if let timeline = trace.timeline {
            let alerts = timeline.events.filter(\.isAlert).count
            rows.append(("Events", "\(timeline.events.count) (\(alerts) alert\(alerts == 1 ? "" : "s"))"))
        }
        out += "| | |\n|---|---|\n" + rows.map { "| **\($0.0)** | \($0.1) |" }.joined(separator: "\n") + "\n\n"

        out += "### Hops\n\n"
        // mtr's default fields (Loss%, Snt, Last, Avg, Best, Wrst, StDev) from the hop field table.
        let fields = HopField.columns(HopField.defaultLetters) ?? []
        out += "| Hop | Host | ASN | Location | " + fields.map(\.title).joined(separator: " | ") + " |\n"
        out += "|---:|---|---|---|" + String(repeating: "---:|", count: fields.count) + "\n"
        func cells(_ view: StatsView, blank: Set<String> = []) -> [String] {
            fields.map { blank.contains($0.key) ? "" : $0.value(view).map($0.format) ?? "" }
        }
        for hop in document.hops.sorted(by: { $0.ttl < $1.ttl }) {
            let numbers = cells(hop.figures)
            if hop.responders.isEmpty {
                // A silent hop shows only its probe count.
                out += "| \(hop.ttl) | *(silent)* | | |" + fields.map { $0.key == "sent" ? " \(hop.sent) |" : " |" }
                    .joined() + "\n"
                continue
            }
            for (index, responder) in hop.responders.enumerated() {
                var host = responder.info?.hostname.map { md($0) + " (\(md(responder.address.description)))" }
                    ?? md(responder.address.description)
                if hop.responders.count > 1 { host += " \(responder.sharePercent.formatted(decimals: 0))%" }
                let info = responder.info
                let asn = info?.asn.map { "AS\($0.number)" + ($0.organization.map { " " + md($0) } ?? "") }
                    ?? (info.map { $0.addressClass == .global ? "" : $0.addressClass.rawValue } ?? "")
                var place = md(info?.location?.shortText ?? "")
                if document.geography?.impossible(ttl: hop.ttl, address: responder.address) != nil {
                    place += " ⚠ impossible"
                }
                let cells = index == 0 ? numbers
                    : cells(responder.figures, blank: ["loss_pct", "sent", "last_ms"])
                out += "| \(index == 0 ? String(hop.ttl) : "") | \(host) | \(asn) | \(place) | "
                    + cells.joined(separator: " | ") + " |\n"
            }
        }
        if !document.reached { out += "\nThe destination did not answer.\n" }

        if let timeline = trace.timeline {
            out += "\n### Events\n\n"
            if timeline.events.isEmpty {
                out += "No events: the path held steady for all \(timeline.points.count) rounds.\n"
            } else {
                for event in timeline.events {
                    out += "- \(TimeText.utcClock(event.time)) round \(event.round) **\(event.severity.rawValue)** "
                        + "`\(event.kind.rawValue)`" + (event.ttl.map { " hop \($0)" } ?? "") + ": \(md(event.message))\n"
                }
            }
            let answered = timeline.points.filter { $0.rttMs != nil }.count
            if !timeline.points.isEmpty {
                let share = Double(answered) / Double(timeline.points.count) * 100
                out += "\nThe destination answered in \(answered) of \(timeline.points.count) rounds "
                    + "(\(share.formatted(decimals: 1))%).\n"
            }
        }

        out += "\n### Geography and detours\n\n"
        if let geography = document.geography {
            if let origin = geography.origin {
                out += "Checked from \(md(origin.summary)) against light in fibre (200 km/ms one way).\n\n"
            } else {
                out += "No origin (no vantage point, no `--origin`, no located hop within "
                    + "\(Int(PathGeography.standInMaximumRTT)) ms): only detours are checked.\n\n"
            }
            if geography.findings.isEmpty {
                out += "Every location agrees with its RTT.\n"
            } else {
                for finding in geography.findings {
                    let who = finding.kind == .impossible ? "hop \(finding.ttl)"
                        + (finding.address.map { " (\(md($0.description)))" } ?? "") + ": " : ""
                    out += "- \(who)\(md(finding.message))\n"
                }
            }
        } else {
            out += "No responder has a location.\n"
        }
        return out
    }
}
