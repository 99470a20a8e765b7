/// The bottom line: the keys that matter on the current screen.
enum StatusPane {
    static func text(state: ViewState, replay: Bool) -> String {
        let arrows = state.unicode ? "↑↓" : "Up/Dn"
        switch state.screen {
        case .help:
            return " Esc back  q quit"
        case .details:
            return " Esc back  \(arrows) other hop  w \(state.rolling ? "since start" : "window")  q quit  ? help"
        case .main:
            var parts = ["q quit", "\(arrows) select", "Enter details", "j \(state.showJitter ? "RTT" : "jitter")",
                         "w \(state.rolling ? "since start" : "window")", "m map", "z zoom", "a alerts",
                         "n \(state.showNames ? "addresses" : "names")"]
            if replay {
                parts += ["Space \(state.paused ? "play" : "pause")", state.unicode ? "←→ seek" : "Left/Right seek",
                          "+/- speed"]
            } else {
                parts += ["p \(state.paused ? "resume" : "pause")", "r reset"]
            }
            parts.append("? help")
            return " " + parts.joined(separator: "  ")
        }
    }

    static func render(into canvas: inout Canvas, row: Int, state: ViewState, replay: Bool) {
        canvas.put(text(state: state, replay: replay).padded(to: canvas.width), x: 0, y: row, style: .reverse)
    }
}
