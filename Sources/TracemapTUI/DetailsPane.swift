import Foundation
import TracemapModel
import TracemapReport
import TracemapStats

/// Everything about one hop (Enter): each responder with name, ASN, location, class and MPLS labels; the
/// statistics since start and over the window; an RTT history chart, a histogram, and the hop's events.
enum DetailsPane {
    static func render(into canvas: inout Canvas, rect: Rect, frame: Frame, state: ViewState) {
        guard let ttl = state.effectiveSelection(among: frame.ttls),
              let hop = frame.hops.first(where: { $0.ttl == ttl }) else {
            canvas.put("no hop selected", x: rect.x + 1, y: rect.y, style: CellStyle(.dim))
            return
        }
        let hopState = frame.states(rolling: state.rolling)[ttl] ?? .healthy
        canvas.put(Format.rule("Hop \(ttl) of \(frame.ttls.last ?? ttl): \(hopState.label)", width: rect.width,
                               unicode: state.unicode), x: rect.x, y: rect.y, style: CellStyle(.accent), limit: rect.width)
        var y = rect.y + 1
        func line(_ text: String, style: CellStyle = .plain, indent: Int = 1) {
            guard y < rect.maxY else { return }
            canvas.put(text, x: rect.x + indent, y: y, style: style, limit: rect.width - indent)
            y += 1
        }

        if hop.responders.isEmpty {
            line("no responder: this router sends no ICMP time-exceeded (or filters it)", style: CellStyle(.dim))
        }
        for responder in hop.respondersByShare {
            responderLines(responder, hop: hop, frame: frame).enumerated().forEach { index, text in
                line(text, style: index == 0 ? .bold : .plain, indent: index == 0 ? 1 : 3)
            }
        }
        y += 1
        for (index, text) in statisticsTable(hop, frame: frame).enumerated() {
            line(text, style: index == 0 ? CellStyle(.accent, bold: true) : .plain)
        }
        y += 1

        let samples = frame.model.history[ttl] ?? []
        let remaining = rect.maxY - y
        let events = frame.model.events.filter { $0.ttl == ttl }.reversed()
        let chartHeight = min(8, max(0, remaining - 2 - min(events.count, 4) - (events.isEmpty ? 0 : 1)))
        if chartHeight >= 2 {
            let histogramWidth = rect.width >= 110 ? min(48, rect.width / 3) : 0
            let chartWidth = rect.width - 10 - (histogramWidth > 0 ? histogramWidth + 3 : 0)
            let shown = Array(samples.suffix(chartWidth))
            let high = shown.compactMap { $0 }.max()
            line("RTT history, last \(shown.count) probes (× = no reply)", style: .bold)
            let rows = Charts.history(shown, width: chartWidth, height: chartHeight, unicode: state.unicode)
            for (index, row) in rows.enumerated() {
                let axis = index == 0 ? (high.map { $0.formatted(decimals: 1) } ?? "").rightAligned(to: 7)
                    : index == rows.count - 1 ? Charts.chartFloor(shown.compactMap { $0 }).formatted(decimals: 1)
                        .rightAligned(to: 7) : String(repeating: " ", count: 7)
                canvas.put(axis + " │", x: rect.x, y: y + index, style: CellStyle(.dim))
                canvas.put(row, x: rect.x + 9, y: y + index, style: CellStyle(.cyan))
            }
            if histogramWidth > 0 {
                let values = samples.compactMap { $0 }
                let hx = rect.x + rect.width - histogramWidth
                canvas.put("Histogram (\(values.count) replies)", x: hx, y: y - 1, style: .bold, limit: histogramWidth)
                let buckets = Charts.histogram(values, buckets: chartHeight)
                let most = buckets.map(\.count).max() ?? 1
                for (index, bucket) in buckets.enumerated() {
                    let label = String(format: "%7.1f–%-7.1f", bucket.low, bucket.high)
                    let barWidth = max(1, histogramWidth - label.count - 7)
                    let bar = Charts.bar(Double(bucket.count) / Double(max(1, most)), width: barWidth,
                                         unicode: state.unicode)
                    canvas.put(label, x: hx, y: y + index, style: CellStyle(.dim), limit: histogramWidth)
                    canvas.put(bar, x: hx + label.count + 1, y: y + index, style: CellStyle(.cyan))
                    canvas.put(String(bucket.count), x: hx + label.count + 2 + bar.count, y: y + index)
                }
            }
            y += rows.count + 1
        }
        if !events.isEmpty {
            line("Events of this hop", style: .bold)
            for event in events { line(AlertsPane.line(event, frame: frame), style: AlertsPane.style(event)) }
        }
    }

    static func responderLines(_ responder: ResponderStatistics, hop: HopStatistics, frame: Frame) -> [String] {
        let info = frame.hostInfo[responder.address]
        var lines: [String] = []
        let share = String(format: "%.0f%% of replies", hop.share(of: responder))
        lines.append("\(frame.show(responder.address))  \(info?.hostname.map { frame.show(name: $0) } ?? "(no reverse name)")  \(share)")
        var asn = "ASN: " + (info?.asn.map { "AS\($0.number)" } ?? "unknown")
        if let org = info?.asn?.organization { asn += " \(org)" }
        if let prefix = info?.asn?.prefix { asn += " (\(prefix))" }
        asn += "   class: \(info?.addressClass.rawValue ?? "unknown")"
        lines.append(asn)
        if let location = info?.location {
            var text = "Location: " + [location.city, location.region, location.country ?? location.countryCode].compactMap { $0 }
                .joined(separator: ", ")
            if let latitude = location.latitude, let longitude = location.longitude {
                text += String(format: "  %.2f, %.2f", latitude, longitude)
            }
            if let radius = location.accuracyRadius { text += String(format: "  ±%.0f km", radius) }
            // Judged on the whole path (`PathGeography`), as `trace` and the exports judge it.
            let geography = TraceGeography.check(meta: frame.model.meta, statistics: frame.model.statistics,
                                                 info: frame.hostInfo)
            let origin = geography?.origin
            if let origin, origin.source == .hop, origin.ttl == hop.ttl,
               origin.latitude == location.latitude, origin.longitude == location.longitude {
                text += "  confidence: origin of the check"
            } else {
                let confidence = geography?.confidence(ttl: hop.ttl, address: responder.address,
                                                       checkable: responder.cumulative.bestOrNil != nil)
                text += "  confidence: \(confidence?.rawValue ?? info?.confidence?.rawValue ?? "not checked")"
            }
            lines.append(text)
            for finding in geography?.findings ?? [] where finding.kind == .impossible
                ? finding.ttl == hop.ttl && finding.address == responder.address
                : (finding.ttl == hop.ttl && finding.address == responder.address) || finding.fromTTL == hop.ttl {
                lines.append("Geography: " + finding.message + (origin.map { " (from \($0.summary))" } ?? ""))
            }
        } else {
            lines.append("Location: unknown")
        }
        if !responder.mpls.isEmpty {
            lines.append("MPLS: " + responder.mpls.map {
                "label \($0.label) tc \($0.trafficClass) ttl \($0.ttl)\($0.bottomOfStack ? " (bottom)" : "")"
            }.joined(separator: " | "))
        }
        let first = responder.firstSeen.map(Format.clock) ?? "—", last = responder.lastSeen.map(Format.clock) ?? "—"
        lines.append("first seen \(first)  last seen \(last)  \(responder.replies) replies  reply: \(responder.kind.rawValue)"
                     + "  avg \(Format.milliseconds(responder.cumulative.meanOrNil))")
        return lines
    }

    /// Since start and over the window, side by side: sent, loss, mean, median, p95, σ, jitter, best, worst — the
    /// hop fields `SLAEPVMBW` (the hop table's figures), under this pane's longer titles.
    static let statisticsFields = HopField.columns("SLAEPVMBW") ?? []

    static func statisticsTable(_ hop: HopStatistics, frame: Frame) -> [String] {
        let titles = ["", "Sent", "Loss%", "Mean", "Median", "p95", "σ", "Jitter", "Best", "Worst"]
        let widths = [22, 7, 8, 9, 9, 9, 9, 9, 9, 9]
        func row(_ cells: [String]) -> String {
            zip(cells, widths).enumerated().map { index, pair in
                index == 0 ? pair.0.padded(to: pair.1) : pair.0.rightAligned(to: pair.1)
            }.joined()
        }
        func cells(_ view: StatsView) -> [String] {
            statisticsFields.map { field in
                field.value(view).map { field.unit == .milliseconds ? $0.formatted(decimals: 2) : field.format($0) } ?? ""
            }
        }
        let samples = (frame.model.history[hop.ttl] ?? []).compactMap { $0 }
        let all = RTTSummary(samples)
        let truncated = frame.model.historyTruncated.contains(hop.ttl)
        // Since the start, median and p95 too: over the probes the TUI keeps, not over the window.
        var cumulative = StatsView.cumulative(hop)
        cumulative.median = all.median
        cumulative.p95 = all.p95
        let since = row([truncated ? "since start*" : "since start"] + cells(cumulative))
        let rolling = row(["window (\(frame.model.windowRounds) rounds)"] + cells(.window(hop)))
        var lines = [row(titles), since, rolling]
        if truncated { lines.append("* median and p95 over the newest \(TUIModel.historyLimit) probes") }
        return lines
    }
}
