import Foundation
import TracemapGeo
import TracemapModel
import TracemapStats

/// One self-contained HTML page that works offline: no CDN, no web font, no external script or image. The world
/// map is inline SVG from the project's land mask (`SVGMap`), then the summary, the geography findings, for a
/// recording a timeline of RTT and loss at the destination with its events, and the hop table. A few lines of
/// inline script highlight a hop on the map and in the table together and switch the map between the path and
/// the world. Every value from the trace goes through `Escaping.html`; the script reads only numbers the
/// page itself wrote.
public enum HTMLExport {
    public static func render(_ trace: ExportTrace) -> String { render([trace]) }

    public static func render(_ traces: [ExportTrace]) -> String {
        let title = traces.count == 1 ? SVGMap.title(traces[0])
            : "tracemap: \(traces.count) traces of \(traces.first?.document.meta.target.name ?? "?")"
        let sections = traces.enumerated().map { section($1, prefix: "t\($0)-") }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="tracemap \(TracemapVersion.current)">
            <title>\(Escaping.html(title))</title>
            <style>\(css)</style>
            </head>
            <body>
            \(sections)
            <footer>Written by tracemap \(TracemapVersion.current). Land mask: global-land-mask 1.0.0 (MIT, © 2019 Todd Karin) from NOAA NGDC GLOBE (public domain). Locations as recorded in the trace or from the local GeoIP database (DB-IP City Lite, CC BY 4.0, when installed).</footer>
            <script>\(script)</script>
            </body>
            </html>

            """
    }

    static func section(_ trace: ExportTrace, prefix: String) -> String {
        let document = trace.document, meta = document.meta
        let summary = ExportSummary(document)
        let h = Escaping.html
        var out = "<section class=\"trace\">\n<header><h1><span class=\"brand\">tracemap</span> "
            + "\(h(meta.target.name))"
            + (meta.target.name == meta.target.address.description ? "" : " <span class=\"dim\">\(h(meta.target.address.description))</span>")
            + (trace.label.map { " <span class=\"tag\">\(h($0))</span>" } ?? "") + "</h1>\n"
        var sub: [String] = []
        if let source = meta.source { sub.append("from " + h(source.description)) }
        if let vantage = ExportSummary.vantage(meta) { sub.append("vantage point " + h(vantage)) }
        sub.append(h(ExportSummary.probing(meta)))
        sub.append(h(TimeText.utcSpan(meta.startedAt, meta.endedAt)))
        if let timeline = trace.timeline { sub.append("\(timeline.points.count) rounds") }
        out += "<p class=\"sub\">" + sub.joined(separator: " · ") + "</p></header>\n"

        // Cards: what one wants to know first.
        let geography = document.geography
        let impossible = geography?.findings.filter { $0.kind == .impossible }.count ?? 0
        let detours = geography?.findings.filter { $0.kind == .detour }.count ?? 0
        var cards: [(String, String, String, String)] = []   // label, value, note, class
        cards.append(("Destination", summary.destinationTTL.map { "hop \($0)" } ?? "not reached",
                      document.reached ? "reached" : "no answer", document.reached ? "ok" : "bad"))
        cards.append(("RTT at destination", summary.destinationMean.map { "\($0.formatted(decimals: 1)) ms" } ?? "—",
                      [summary.destinationBest.map { "best \($0.formatted(decimals: 1))" },
                       summary.destinationWorst.map { "worst \($0.formatted(decimals: 1))" }]
                        .compactMap { $0 }.joined(separator: " · "), ""))
        let loss = summary.destinationLoss ?? 100
        cards.append(("Loss at destination", "\(loss.formatted(decimals: 1))%", "\(summary.sent) probes per hop",
                      loss == 0 ? "ok" : loss < 5 ? "warn" : "bad"))
        cards.append(("Hops", "\(summary.hops)", "\(summary.responding) answering · \(summary.silent) silent", ""))
        cards.append(("Geography", geography == nil ? "—" : impossible + detours == 0 ? "plausible"
                        : "\(impossible + detours) finding\(impossible + detours == 1 ? "" : "s")",
                      geography == nil ? "no locations" : "\(geography!.checked) located",
                      geography == nil ? "" : impossible + detours == 0 ? "ok" : "bad"))
        if let timeline = trace.timeline {
            let alerts = timeline.events.filter(\.isAlert).count
            cards.append(("Events", "\(timeline.events.count)", "\(alerts) alert\(alerts == 1 ? "" : "s")",
                          alerts == 0 ? "ok" : "warn"))
        }
        out += "<div class=\"cards\">" + cards.map { label, value, note, style in
            "<div class=\"card \(style)\"><div class=\"label\">\(h(label))</div><div class=\"value\">\(h(value))</div>"
                + "<div class=\"note\">\(h(note))</div></div>"
        }.joined() + "</div>\n"

        // The map.
        out += "<div class=\"panel\"><div class=\"panel-head\"><h2>Path</h2>"
            + "<button type=\"button\" class=\"zoom\">World</button></div>\n"
            + SVGMap.inline(document, idPrefix: prefix)
            + "<svg class=\"legend\" viewBox=\"0 0 \(SVGMap.n(SVGMap.width)) 24\">" + SVGMap.legend(y: 17) + "</svg>"
        if SVGMap.places(document).isEmpty {
            out += "<p class=\"dim\">No responder has a location: the map shows no path.</p>"
        }
        out += "</div>\n"

        if let geography {
            out += "<div class=\"panel\"><h2>Geography</h2><p class=\"dim\">"
                + (geography.origin.map { "Checked from " + h($0.summary) + " against light in fibre (200 km/ms one way)." }
                    ?? "No origin (no vantage point, no --origin, no located hop within \(Int(PathGeography.standInMaximumRTT)) ms): only detours are checked.")
                + "</p>"
            if geography.findings.isEmpty {
                out += "<p class=\"ok-text\">Every location agrees with its RTT.</p>"
            } else {
                out += "<ul class=\"findings\">" + geography.findings.map { finding in
                    "<li data-ttl=\"\(([finding.fromTTL].compactMap { $0 } + [finding.ttl]).map(String.init).joined(separator: " "))\">"
                        + "<span class=\"badge\">\(finding.kind.rawValue)</span> "
                        + (finding.kind == .impossible ? "hop \(finding.ttl)"
                            + (finding.address.map { " <span class=\"mono\">\(h($0.description))</span>" } ?? "") + ": " : "")
                        + h(finding.message) + "</li>"
                }.joined() + "</ul>"
            }
            out += "</div>\n"
        }

        if let timeline = trace.timeline, !timeline.points.isEmpty {
            out += "<div class=\"panel\"><h2>Timeline at the destination</h2>\n" + timelineSVG(timeline)
            if !timeline.events.isEmpty {
                out += "<table class=\"events\"><thead><tr><th>Time</th><th>Round</th><th>Severity</th><th>Event</th>"
                    + "<th>Hop</th><th>What happened</th></tr></thead><tbody>" + timeline.events.map { event in
                        "<tr class=\"sev-\(event.severity.rawValue)\"><td>\(TimeText.utcClock(event.time))</td>"
                            + "<td>\(event.round)</td><td>\(event.severity.rawValue)</td><td>\(event.kind.rawValue)</td>"
                            + "<td>\(event.ttl.map(String.init) ?? "")</td><td>\(h(event.message))</td></tr>"
                    }.joined() + "</tbody></table>"
            }
            out += "</div>\n"
        }

        out += "<div class=\"panel\"><h2>Hops</h2>\n" + hopTable(document) + "</div>\n</section>"
        return out
    }

    static func hopTable(_ document: TraceDocument) -> String {
        let h = Escaping.html
        func ms(_ value: Double?) -> String { value.map { $0.formatted(decimals: 2) } ?? "" }
        let maxRTT = document.hops.flatMap { $0.responders.compactMap(\.figures.mean) }.max() ?? 0
        var out = "<table class=\"hops\"><thead><tr><th>Hop</th><th>Host</th><th>ASN</th><th>Location</th>"
            + (HopField.columns(HopField.defaultLetters) ?? []).map { "<th class=\"n\">\($0.title)</th>" }.joined()
            + "<th>RTT</th></tr></thead><tbody>\n"
        for hop in document.hops.sorted(by: { $0.ttl < $1.ttl }) {
            let figures = hop.figures
            if hop.responders.isEmpty {
                out += "<tr class=\"silent\" data-ttl=\"\(hop.ttl)\"><td class=\"n\">\(hop.ttl)</td>"
                    + "<td colspan=\"3\">silent: no reply to \(hop.sent) probe\(hop.sent == 1 ? "" : "s")</td>"
                    + "<td></td><td class=\"n\">\(hop.sent)</td><td colspan=\"6\"></td></tr>\n"
                continue
            }
            for (index, responder) in hop.responders.enumerated() {
                let info = responder.info
                var host = info?.hostname.map { "<span class=\"name\">\(h($0))</span><br>" } ?? ""
                host += "<span class=\"mono dim\">\(h(responder.address.description))</span>"
                if hop.responders.count > 1 {
                    host += " <span class=\"tag\">\(responder.sharePercent.formatted(decimals: 0))%</span>"
                }
                if !responder.mpls.isEmpty {
                    host += " <span class=\"tag\">MPLS " + responder.mpls.map { "\($0.label)" }.joined(separator: ",") + "</span>"
                }
                let asn = info?.asn.map { "AS\($0.number)" + ($0.organization.map { " <span class=\"dim\">\(h($0))</span>" } ?? "") }
                    ?? (info.map { $0.addressClass == .global ? "" : "<span class=\"dim\">\($0.addressClass.rawValue)</span>" } ?? "")
                var place = h(info?.location?.shortText ?? "")
                let impossible = document.geography?.impossible(ttl: hop.ttl, address: responder.address)
                if let impossible {
                    place += " <span class=\"badge\" title=\"\(h(impossible.message))\">impossible</span>"
                } else if document.geography?.findings.contains(where: { $0.kind == .detour && ($0.ttl == hop.ttl || $0.fromTTL == hop.ttl) }) == true,
                          index == 0 {
                    place += " <span class=\"badge warn\">detour</span>"
                }
                let first = index == 0
                let loss = hop.lossPercent
                let own = responder.figures
                let mean = first ? figures.mean : own.mean
                let bar = mean.map { value in
                    "<div class=\"bar\"><i style=\"width:\(SVGMap.n(maxRTT > 0 ? value / maxRTT * 100 : 0))%;"
                        + "background:\(SVGMap.rttColor(value))\"></i></div>"
                } ?? ""
                out += "<tr data-ttl=\"\(hop.ttl)\"\(first ? "" : " class=\"ecmp\"")>"
                    + "<td class=\"n\">\(first ? String(hop.ttl) : "")</td><td>\(host)</td><td>\(asn)</td><td>\(place)</td>"
                    + "<td class=\"n\(first && loss > 0 ? " lossy" : "")\">\(first ? loss.formatted(decimals: 1) + "%" : "")</td>"
                    + "<td class=\"n\">\(first ? String(hop.sent) : String(responder.replies))</td>"
                    + "<td class=\"n\">\(first ? ms(figures.last) : "")</td>"
                    + "<td class=\"n\">\(ms(mean))</td>"
                    + "<td class=\"n\">\(ms(first ? figures.best : own.best))</td>"
                    + "<td class=\"n\">\(ms(first ? figures.worst : own.worst))</td>"
                    + "<td class=\"n\">\(ms(first ? figures.standardDeviation : own.standardDeviation))</td>"
                    + "<td class=\"barcell\">\(bar)</td></tr>\n"
            }
        }
        out += "</tbody></table>\n"
        if !document.reached { out += "<p class=\"bad-text\">The destination did not answer.</p>\n" }
        return out
    }

    /// RTT at the destination per round (a line, broken where it did not answer), loss per round as red bars
    /// below, events as marks coloured by severity with their message on hover.
    static func timelineSVG(_ timeline: TraceTimeline) -> String {
        let width = 960.0, plotTop = 14.0, plotHeight = 150.0, lossTop = 178.0, lossHeight = 36.0, left = 52.0
        let right = width - 12
        let points = bucketed(timeline.points, limit: 1_500)
        let maxRTT = max(1, (points.compactMap(\.rttMs).max() ?? 1) * 1.15)
        let first = points.first!.time.timeIntervalSince1970
        let span = max(1e-3, points.last!.time.timeIntervalSince1970 - first)
        func x(_ date: Date) -> Double {
            points.count == 1 ? (left + right) / 2 : left + (date.timeIntervalSince1970 - first) / span * (right - left)
        }
        func y(_ rtt: Double) -> Double { plotTop + plotHeight - rtt / maxRTT * plotHeight }
        let n = SVGMap.n
        var out = "<svg class=\"timeline\" viewBox=\"0 0 \(n(width)) 236\" role=\"img\" aria-label=\"RTT and loss per round\">"
        for fraction in [0.0, 0.5, 1.0] {
            let value = maxRTT * fraction, yy = y(value)
            out += "<line x1=\"\(n(left))\" x2=\"\(n(right))\" y1=\"\(n(yy))\" y2=\"\(n(yy))\" class=\"gridline\"/>"
                + "<text x=\"\(n(left - 6))\" y=\"\(n(yy + 4))\" class=\"axis\" text-anchor=\"end\">\(Int(value.rounded())) ms</text>"
        }
        out += "<text x=\"\(n(left - 6))\" y=\"\(n(lossTop + lossHeight / 2 + 4))\" class=\"axis\" text-anchor=\"end\">loss</text>"
        out += "<rect x=\"\(n(left))\" y=\"\(n(lossTop))\" width=\"\(n(right - left))\" height=\"\(n(lossHeight))\" class=\"lossbg\"/>"
        let barWidth = max(1, (right - left) / Double(max(1, points.count)) * 0.8)
        for point in points where point.lossPercent > 0 {
            let height = point.lossPercent / 100 * lossHeight
            out += "<rect x=\"\(n(x(point.time) - barWidth / 2))\" y=\"\(n(lossTop + lossHeight - height))\" "
                + "width=\"\(n(barWidth))\" height=\"\(n(height))\" class=\"lossbar\"><title>round \(point.round): "
                + "\(point.lossPercent.formatted(decimals: 0))% lost</title></rect>"
        }
        // The RTT line, broken at rounds without an answer.
        var path = "", pen = false
        for point in points {
            guard let rtt = point.rttMs else { pen = false; continue }
            path += (pen ? "L" : "M") + "\(n(x(point.time))) \(n(y(rtt)))"
            pen = true
        }
        out += "<path d=\"\(path)\" class=\"rttline\"/>"
        if points.count <= 400 {
            for point in points {
                guard let rtt = point.rttMs else { continue }
                out += "<circle cx=\"\(n(x(point.time)))\" cy=\"\(n(y(rtt)))\" r=\"2\" fill=\"\(SVGMap.rttColor(rtt))\">"
                    + "<title>round \(point.round), \(TimeText.utcClock(point.time)): \(rtt.formatted(decimals: 2)) ms</title></circle>"
            }
        }
        for event in timeline.events {
            let xx = x(event.time)
            out += "<g class=\"event sev-\(event.severity.rawValue)\"><line x1=\"\(n(xx))\" x2=\"\(n(xx))\" "
                + "y1=\"\(n(plotTop))\" y2=\"\(n(lossTop + lossHeight))\"/><path d=\"M\(n(xx - 5)) \(n(plotTop - 9))"
                + "h10l-5 8z\"/><title>\(TimeText.utcClock(event.time)) \(event.kind.rawValue): \(Escaping.html(event.message))</title></g>"
        }
        out += "<text x=\"\(n(left))\" y=\"232\" class=\"axis\">\(TimeText.utcClock(points.first!.time))</text>"
            + "<text x=\"\(n(right))\" y=\"232\" class=\"axis\" text-anchor=\"end\">\(TimeText.utcClock(points.last!.time))</text>"
        return out + "</svg>\n"
    }

    /// At most `limit` points: a day of rounds at one a second would be a 2 MB chart. Each bucket keeps its best
    /// RTT (what the line shows) and its mean loss.
    static func bucketed(_ points: [TraceTimeline.Point], limit: Int) -> [TraceTimeline.Point] {
        guard points.count > limit else { return points }
        let size = (points.count + limit - 1) / limit
        return stride(from: 0, to: points.count, by: size).map { start in
            let bucket = points[start..<min(points.count, start + size)]
            var point = bucket.first!
            point.rttMs = bucket.compactMap(\.rttMs).min()
            point.lossPercent = bucket.map(\.lossPercent).reduce(0, +) / Double(bucket.count)
            return point
        }
    }

    static let css = """
        :root{color-scheme:dark}*{box-sizing:border-box}\
        body{margin:0 auto;max-width:1040px;padding:24px 20px;background:#0d1117;color:#e6edf3;\
        font:14px/1.45 \(SVGMap.fontStack)}\
        h1{font-size:22px;margin:0 0 2px}h2{font-size:15px;margin:0 0 10px;color:#c9d1d9}\
        .brand{color:#58a6ff;font-weight:700;margin-right:6px}.sub,.dim{color:#8b949e}.sub{margin:0 0 16px}\
        .mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,monospace;font-size:12.5px}\
        .tag{display:inline-block;padding:0 6px;border-radius:9px;background:#21262d;color:#8b949e;font-size:12px;font-weight:400}\
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin-bottom:14px}\
        .card{background:#161b22;border:1px solid #30363d;border-radius:8px;padding:10px 12px;border-top:3px solid #30363d}\
        .card.ok{border-top-color:#3fb950}.card.warn{border-top-color:#d29922}.card.bad{border-top-color:#f85149}\
        .card .label{color:#8b949e;font-size:12px}.card .value{font-size:20px;font-weight:600}.card .note{color:#8b949e;font-size:12px}\
        .panel{background:#161b22;border:1px solid #30363d;border-radius:8px;padding:14px;margin-bottom:14px}\
        .panel-head{display:flex;justify-content:space-between;align-items:center}\
        button.zoom{background:#21262d;color:#c9d1d9;border:1px solid #30363d;border-radius:6px;padding:3px 12px;cursor:pointer}\
        button.zoom:hover{border-color:#58a6ff}\
        svg.map{width:100%;height:auto;aspect-ratio:\(SVGMap.n(SVGMap.width))/\(SVGMap.n(SVGMap.height));display:block;border-radius:6px;background:#0b1a2a}\
        svg.legend{width:100%;height:auto;display:block;margin-top:4px}\
        .sea{fill:#0b1a2a}.land{fill:#22384d}.grat{stroke:#16283a;fill:none}\
        .hop{stroke:#0d1117}.hop-label{fill:#e6edf3;font-weight:600;paint-order:stroke;stroke:#0d1117}\
        .origin{fill:none;stroke:#e6edf3}.legend text,text.legend{fill:#8b949e;font-size:12px}\
        .marker.hl circle{stroke:#fff;stroke-width:3px;vector-effect:non-scaling-stroke}\
        path.hl{stroke-width:5px;vector-effect:non-scaling-stroke}\
        table{width:100%;border-collapse:collapse}th{text-align:left;color:#8b949e;font-weight:500;font-size:12px;\
        border-bottom:1px solid #30363d;padding:6px 8px}td{padding:6px 8px;border-bottom:1px solid #21262d;vertical-align:top}\
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.ecmp td{border-bottom-style:dashed}\
        tr.silent td{color:#6e7681;font-style:italic}tr.hl td,li.hl{background:#1f2a37}.name{font-weight:500}\
        td.lossy{color:#f85149}.barcell{width:110px}.bar{height:8px;background:#21262d;border-radius:4px;margin-top:6px}\
        .bar i{display:block;height:8px;border-radius:4px}\
        .badge{display:inline-block;padding:0 6px;border-radius:4px;background:#f85149;color:#0d1117;font-size:11px;\
        font-weight:700;text-transform:uppercase}.badge.warn{background:#d29922}\
        ul.findings{margin:0;padding-left:18px}ul.findings li{margin:4px 0;padding:2px 4px;border-radius:4px}\
        .ok-text{color:#3fb950}.bad-text{color:#f85149}\
        svg.timeline{width:100%;height:auto;display:block}.gridline{stroke:#21262d}.axis{fill:#8b949e;font-size:11px}\
        .rttline{fill:none;stroke:#58a6ff;stroke-width:1.5}.lossbg{fill:#0d1117}.lossbar{fill:#f85149}\
        .event line{stroke-width:1.5;stroke-dasharray:3 3}.event path{stroke:none}\
        .sev-info line{stroke:#3fb950}.sev-info path{fill:#3fb950}.sev-warning line{stroke:#d29922}\
        .sev-warning path{fill:#d29922}.sev-critical line{stroke:#f85149}.sev-critical path{fill:#f85149}\
        table.events{margin-top:10px}table.events td:nth-child(-n+5){white-space:nowrap}table.events tr.sev-warning td:nth-child(3){color:#d29922}\
        table.events tr.sev-critical td:nth-child(3){color:#f85149}table.events tr.sev-info td:nth-child(3){color:#3fb950}\
        section.trace{margin-bottom:36px}footer{color:#6e7681;font-size:12px;margin-top:8px}
        """

    /// Hover a hop anywhere (map marker, leg, table row, finding) to light it up everywhere in its trace; the
    /// button switches the map between the path and the world.
    static let script = """
        document.querySelectorAll('section.trace').forEach(function(s){\
        var m=s.querySelector('svg.map'),b=s.querySelector('button.zoom');\
        if(m&&b)b.addEventListener('click',function(){var w=m.getAttribute('viewBox')===m.dataset.world;\
        m.setAttribute('viewBox',w?m.dataset.path:m.dataset.world);b.textContent=w?'World':'Path';});\
        function mark(ttls,on){ttls.split(' ').forEach(function(t){\
        s.querySelectorAll('[data-ttl~="'+t+'"]').forEach(function(e){e.classList.toggle('hl',on);});});}\
        s.querySelectorAll('[data-ttl]').forEach(function(e){\
        e.addEventListener('mouseenter',function(){mark(e.dataset.ttl,true);});\
        e.addEventListener('mouseleave',function(){mark(e.dataset.ttl,false);});});});
        """
}
