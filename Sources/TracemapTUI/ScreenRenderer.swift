/// Composes the panes into one canvas: the pure render core. The terminal wrapper only copies its result out.
public enum ScreenRenderer {
    /// Below this the panes cannot show a hop row with its numbers: a short notice replaces them.
    public static let minimumWidth = 60
    public static let minimumHeight = 12

    public static func render(_ frame: Frame, state: ViewState, width: Int, height: Int) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            renderTooSmall(into: &canvas)
            return canvas
        }
        HeaderPane.render(into: &canvas, row: 0, frame: frame, state: state)
        StatusPane.render(into: &canvas, row: height - 1, state: state, replay: frame.playback != nil)
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        switch state.screen {
        case .help: HelpPane.render(into: &canvas, rect: body, state: state)
        case .details: DetailsPane.render(into: &canvas, rect: body, frame: frame, state: state)
        case .main: renderMain(into: &canvas, body: body, frame: frame, state: state)
        }
        return canvas
    }

    /// The hop table on top, sized to its rows; below it the map (left) and alerts (right), either of which may
    /// take the whole width when the other is hidden.
    static func renderMain(into canvas: inout Canvas, body: Rect, frame: Frame, state: ViewState) {
        let tableRows = HopTablePane.lines(frame).count + 1
        if body.height < smallBodyHeight {
            renderSmall(into: &canvas, body: body, frame: frame, state: state, tableRows: tableRows)
            return
        }
        let lower = state.showMap || state.showAlerts
        let tableHeight = lower ? min(max(tableRows, 4), max(4, body.height * 11 / 20)) : body.height
        HopTablePane.render(into: &canvas, rect: Rect(x: body.x, y: body.y, width: body.width, height: tableHeight),
                            frame: frame, state: state)
        guard lower else { return }
        let bottom = Rect(x: body.x, y: body.y + tableHeight, width: body.width, height: body.height - tableHeight)
        guard bottom.height >= 2 else { return }
        if state.showMap && state.showAlerts && bottom.width >= 100 {
            let alertsWidth = min(70, bottom.width * 2 / 5)
            let map = Rect(x: bottom.x, y: bottom.y, width: bottom.width - alertsWidth - 1, height: bottom.height)
            MapPane.render(into: &canvas, rect: map, frame: frame, state: state)
            AlertsPane.render(into: &canvas, rect: Rect(x: map.maxX + 1, y: bottom.y, width: alertsWidth,
                                                        height: bottom.height), frame: frame, state: state)
        } else if state.showMap && state.showAlerts {
            let alertsHeight = min(6, bottom.height / 3)
            MapPane.render(into: &canvas, rect: Rect(x: bottom.x, y: bottom.y, width: bottom.width,
                                                     height: bottom.height - alertsHeight), frame: frame, state: state)
            AlertsPane.render(into: &canvas, rect: Rect(x: bottom.x, y: bottom.maxY - alertsHeight, width: bottom.width,
                                                        height: alertsHeight), frame: frame, state: state)
        } else if state.showMap {
            MapPane.render(into: &canvas, rect: bottom, frame: frame, state: state)
        } else {
            AlertsPane.render(into: &canvas, rect: bottom, frame: frame, state: state)
        }
    }

    /// Below this many body rows the map cannot show a useful picture next to the hops.
    static let smallBodyHeight = 16

    /// A short screen: the hops come first (scrolling, with a line saying how many are hidden); below them the
    /// alerts pane keeps its title and the newest events; the map only when everything else fits.
    static func renderSmall(into canvas: inout Canvas, body: Rect, frame: Frame, state: ViewState, tableRows: Int) {
        let alertsHeight = state.showAlerts ? min(3, max(0, body.height - 4)) : 0
        var tableHeight = body.height - alertsHeight
        let mapFits = state.showMap && tableRows + alertsHeight + 6 <= body.height
        if mapFits { tableHeight = tableRows }
        HopTablePane.render(into: &canvas, rect: Rect(x: body.x, y: body.y, width: body.width, height: tableHeight),
                            frame: frame, state: state)
        if mapFits {
            MapPane.render(into: &canvas, rect: Rect(x: body.x, y: body.y + tableHeight, width: body.width,
                                                     height: body.height - tableHeight - alertsHeight),
                           frame: frame, state: state)
        }
        if alertsHeight > 0 {
            AlertsPane.render(into: &canvas, rect: Rect(x: body.x, y: body.maxY - alertsHeight, width: body.width,
                                                        height: alertsHeight), frame: frame, state: state)
        }
    }

    /// Too small for the panes: say so, with the size needed, centred as far as it fits.
    static func renderTooSmall(into canvas: inout Canvas) {
        let lines = ["Terminal too small", "enlarge the window to", "at least \(minimumWidth)x\(minimumHeight)",
                     "(now \(canvas.width)x\(canvas.height))", "q quits"]
        let top = max(0, (canvas.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            canvas.put(line, x: max(0, (canvas.width - line.count) / 2), y: top + index,
                       style: index == 0 ? .bold : .plain)
        }
    }
}
