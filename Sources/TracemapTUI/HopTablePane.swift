import TracemapModel
import TracemapReport
import TracemapStats

/// The hop table: one row per TTL with mtr's columns, host, ASN, location and a sparkline; ECMP responders on
/// rows of their own under their hop; rows coloured by `HopState`.
enum HopTablePane {
    struct Layout: Equatable {
        var hostWidth: Int
        var asnWidth: Int
        var locationWidth: Int
        var sparkWidth: Int
    }

    static let ttlWidth = 4

    /// Fits the optional parts to the width. The host keeps at least 20 columns; below that the sparkline
    /// goes first, then the location, then the ASN. Room to spare widens the host to 32, then the sparkline to
    /// 40, then the host to 48, then the sparkline.
    static func layout(width: Int, columns: [HopField]) -> Layout {
        let numbers = TUIColumns.width(columns)
        var layout = Layout(hostWidth: 0, asnWidth: 8, locationWidth: 16, sparkWidth: 10)
        func room(_ l: Layout) -> Int {
            width - ttlWidth - numbers - 1 - (l.asnWidth > 0 ? l.asnWidth + 1 : 0)
                - (l.locationWidth > 0 ? l.locationWidth + 1 : 0) - (l.sparkWidth > 0 ? l.sparkWidth + 2 : 0)
        }
        if room(layout) < 20 { layout.sparkWidth = 0 }
        if room(layout) < 20 { layout.locationWidth = 0 }
        if room(layout) < 20 { layout.asnWidth = 0 }
        var spare = room(layout)
        layout.hostWidth = max(8, min(32, spare))
        spare -= layout.hostWidth
        if layout.sparkWidth > 0 {
            let grow = min(spare, 30)
            layout.sparkWidth += grow
            spare -= grow
            let host = min(spare, 16)
            layout.hostWidth += host
            layout.sparkWidth += spare - host
        } else {
            layout.hostWidth += max(0, min(spare, 16))
        }
        return layout
    }

    /// One drawn line of the table: a hop, or an extra ECMP responder of the hop above.
    enum Line: Equatable {
        case hop(Int)
        case responder(Int, IPAddress)
    }

    static func lines(_ frame: Frame) -> [Line] {
        var lines: [Line] = []
        for hop in frame.hops {
            lines.append(.hop(hop.ttl))
            guard hop.responders.count > 1 else { continue }
            let main = frame.mainResponder(of: hop)
            for responder in hop.respondersByShare where responder.address != main {
                lines.append(.responder(hop.ttl, responder.address))
            }
        }
        return lines
    }

    static func render(into canvas: inout Canvas, rect: Rect, frame: Frame, state: ViewState) {
        guard rect.height > 0 else { return }
        let columns = TUIColumns.current(jitter: state.showJitter, fields: state.fields)
        let layout = layout(width: rect.width, columns: columns)
        var header = " #  " + "Host".padded(to: layout.hostWidth) + " "
        if layout.asnWidth > 0 { header += "ASN".padded(to: layout.asnWidth) + " " }
        if layout.locationWidth > 0 { header += "Location".padded(to: layout.locationWidth) + " " }
        for column in columns { header += TUIColumns.header(column) }
        if layout.sparkWidth > 0 { header += "  " + "History".padded(to: layout.sparkWidth) }
        canvas.put(header.padded(to: rect.width), x: rect.x, y: rect.y, style: CellStyle(.accent, bold: true), limit: rect.width)

        let hops = Dictionary(uniqueKeysWithValues: frame.hops.map { ($0.ttl, $0) })
        let states = frame.states(rolling: state.rolling)
        let selected = state.effectiveSelection(among: frame.ttls)
        let all = lines(frame)
        let visible = rect.height - 1
        guard visible > 0 else { return }
        if all.isEmpty {
            canvas.put("waiting for the first round…", x: rect.x + ttlWidth, y: rect.y + 1, style: CellStyle(.dim))
            return
        }
        let selectedIndex = all.firstIndex(of: .hop(selected ?? 0)) ?? 0
        // When the rows do not fit, the last line says how many are hidden above and below (never a silent cut).
        let slots = all.count > visible && visible >= 2 ? visible - 1 : visible
        let offset = max(0, min(selectedIndex - slots / 2, all.count - slots))
        if slots < visible {
            let below = all.count - offset - slots
            let up = state.unicode ? "↑" : "^", down = state.unicode ? "↓" : "v"
            let text = "    \(offset > 0 ? "\(up) \(offset) more above  " : "")\(below > 0 ? "\(down) \(below) more below  " : "")"
                + "(\(up)\(down) select)"
            canvas.put(text.padded(to: rect.width), x: rect.x, y: rect.y + visible, style: CellStyle(.dim), limit: rect.width)
        }
        for (index, line) in all.dropFirst(offset).prefix(slots).enumerated() {
            let y = rect.y + 1 + index
            switch line {
            case .hop(let ttl):
                guard let hop = hops[ttl] else { continue }
                let style = states[ttl]?.style ?? .plain
                let text = hopRow(hop, frame: frame, state: state, columns: columns, layout: layout)
                var rowStyle = style
                if ttl == selected { rowStyle.reverse = true }
                canvas.put(text.padded(to: rect.width), x: rect.x, y: y, style: rowStyle, limit: rect.width)
            case .responder(let ttl, let address):
                guard let hop = hops[ttl], let responder = hop.responders[address] else { continue }
                let share = String(format: "%.0f%%", hop.share(of: responder))
                let arrow = state.unicode ? "└ " : "` "
                var text = "    " + (arrow + frame.label(address, names: state.showNames) + "  " + share)
                    .padded(to: layout.hostWidth) + " "
                let info = frame.hostInfo[address]
                if layout.asnWidth > 0 { text += Format.asn(info).padded(to: layout.asnWidth) + " " }
                if layout.locationWidth > 0 {
                    text += (info?.location?.shortText ?? "").padded(to: layout.locationWidth) + " "
                }
                text += "avg " + Format.milliseconds(responder.cumulative.meanOrNil)
                canvas.put(text.padded(to: rect.width), x: rect.x, y: y, style: CellStyle(.dim), limit: rect.width)
            }
        }
    }

    static func hopRow(_ hop: HopStatistics, frame: Frame, state: ViewState, columns: [HopField],
                       layout: Layout) -> String {
        var text = "\(hop.ttl).".rightAligned(to: 3) + " "
        let view = StatsView.of(hop, rolling: state.rolling)
        let main = frame.mainResponder(of: hop)
        let info = main.flatMap { frame.hostInfo[$0] }
        if hop.isSilent || main == nil {
            text += "??? (silent)".padded(to: layout.hostWidth) + " "
        } else if let main {
            text += frame.label(main, names: state.showNames).padded(to: layout.hostWidth) + " "
        }
        if layout.asnWidth > 0 { text += Format.asn(info).padded(to: layout.asnWidth) + " " }
        if layout.locationWidth > 0 { text += (info?.location?.shortText ?? "").padded(to: layout.locationWidth) + " " }
        for column in columns {
            let blank = hop.isSilent && column.letter != "L" && column.letter != "S"
            text += blank ? String(repeating: " ", count: column.width + 1) : TUIColumns.cell(column, view)
        }
        if layout.sparkWidth > 0 {
            text += "  " + Charts.sparkline(frame.model.history[hop.ttl] ?? [], width: layout.sparkWidth,
                                            unicode: state.unicode)
        }
        return text
    }
}
