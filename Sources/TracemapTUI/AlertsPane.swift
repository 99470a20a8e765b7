import TracemapModel

/// Timestamped monitor events, newest first, with the hop they concern, coloured by severity.
enum AlertsPane {
    static func render(into canvas: inout Canvas, rect: Rect, frame: Frame, state: ViewState) {
        guard rect.height >= 1 else { return }
        let active = frame.model.activeAlerts
        canvas.put(Format.rule("Alerts: \(active) active, \(frame.model.events.count) events", width: rect.width,
                               unicode: state.unicode), x: rect.x, y: rect.y, style: CellStyle(.accent), limit: rect.width)
        var top = rect.y + 1
        // A recording that stopped being written is said first: what the user asked for is not happening.
        for note in frame.notes where note.hasPrefix("cannot write recording") && top < rect.maxY {
            canvas.put(note.padded(to: rect.width), x: rect.x, y: top, style: CellStyle(.red, bold: true), limit: rect.width)
            top += 1
        }
        let events = frame.model.events.reversed()
        if events.isEmpty {
            if top < rect.maxY {
                canvas.put("no events yet", x: rect.x + 1, y: top, style: CellStyle(.dim), limit: rect.width - 1)
            }
            return
        }
        for (index, event) in events.prefix(max(0, rect.maxY - top)).enumerated() {
            canvas.put(line(event, frame: frame).padded(to: rect.width), x: rect.x, y: top + index, style: style(event),
                       limit: rect.width)
        }
    }

    /// `12:03:04 hop 5  route-change  message`.
    static func line(_ event: MonitorEvent, frame: Frame? = nil) -> String {
        let hop = event.ttl.map { "hop \($0)".padded(to: 6) } ?? "path  "
        let message = frame?.show(text: event.message) ?? event.message
        return "\(Format.clock(event.time)) \(hop) \(event.kind.rawValue.padded(to: 12)) \(message)"
    }

    static func style(_ event: MonitorEvent) -> CellStyle {
        switch event.severity {
        case .critical: CellStyle(.red, bold: true)
        case .warning: CellStyle(.yellow)
        case .info: event.kind == .rttRecovery || event.kind == .lossRecovery || event.kind == .destinationReached
            ? CellStyle(.green) : CellStyle()
        }
    }
}
