import Foundation
import TracemapModel

/// The top line: source → target (address), protocol and method, round count, elapsed, live/paused, alerts.
enum HeaderPane {
    static func render(into canvas: inout Canvas, row: Int, frame: Frame, state: ViewState) {
        let meta = frame.model.meta
        let arrow = state.unicode ? "→" : "->"
        // An imported trace was taken elsewhere: name its vantage point ("ripe-atlas probe 6012", "cloudflare FRA").
        let source = meta.source.map { frame.show($0) } ?? meta.vantage.map { [$0.engine, $0.id].compactMap { $0 }
            .joined(separator: " ") } ?? "this host"
        let target = meta.target.name == meta.target.address.description
            ? frame.show(meta.target.address) : "\(frame.show(name: meta.target.name)) (\(frame.show(meta.target.address)))"
        let method = "\(meta.protocolKind.rawValue.uppercased()) \(meta.method.rawValue)"
        let status: (String, CellStyle)
        if let playback = frame.playback {
            let speed = playback.speed == playback.speed.rounded()
                ? String(format: "%.0f", playback.speed) : String(format: "%g", playback.speed)
            status = ("\(playback.playing ? "REPLAY" : "REPLAY PAUSED") \(speed)× \(playback.position)/\(playback.total)",
                      CellStyle(playback.playing ? .cyan : .yellow, bold: true, reverse: true))
        } else if state.paused {
            status = ("PAUSED", CellStyle(.yellow, bold: true, reverse: true))
        } else {
            status = ("LIVE", CellStyle(.green, bold: true, reverse: true))
        }
        let alerts = frame.model.activeAlerts
        let window = state.rolling ? "window \(frame.model.windowRounds)" : "since start"
        var x = canvas.put("tracemap ", x: 0, y: row, style: CellStyle(.accent, bold: true))
        if let target = frame.target, target.of > 1 {
            x += canvas.put("[\(target.number)/\(target.of)] ", x: x, y: row, style: CellStyle(.accent, bold: true))
        }
        x += canvas.put("\(source) \(arrow) \(target)", x: x, y: row, style: .bold)
        let rest = "  \(method)  round \(frame.model.rounds)  \(Format.duration(frame.elapsed))  \(window)  "
        x += canvas.put(rest, x: x, y: row)
        x += canvas.put(" \(status.0) ", x: x, y: row, style: status.1)
        let alertText = alerts == 1 ? "  1 alert" : "  \(alerts) alerts"
        canvas.put(alertText, x: x, y: row, style: alerts > 0 ? CellStyle(.red, bold: true) : CellStyle(.dim))
    }
}
