import TracemapGeo
import TracemapModel
import TracemapReport
import TracemapStats

/// The world map: land in braille, the located hops numbered by TTL, the path as lines between consecutive
/// located hops coloured by RTT, the segments of the newest route change highlighted; `z` zooms to the path.
enum MapPane {
    struct Point: Equatable {
        var ttl: Int
        var latitude: Double
        var longitude: Double
        var rtt: Double?
    }

    /// The located hops in TTL order (a hop counts where its current responder's GeoIP position is known).
    static func points(_ frame: Frame, rolling: Bool) -> [Point] {
        frame.hops.compactMap { hop in
            guard let address = frame.mainResponder(of: hop),
                  let location = frame.hostInfo[address]?.location,
                  let latitude = location.latitude, let longitude = location.longitude else { return nil }
            return Point(ttl: hop.ttl, latitude: latitude, longitude: longitude,
                         rtt: StatsView.of(hop, rolling: rolling).mean)
        }
    }

    static func render(into canvas: inout Canvas, rect: Rect, frame: Frame, state: ViewState) {
        guard rect.height >= 2, rect.width >= 4 else { return }
        let points = points(frame, rolling: state.rolling)
        let zoomed = state.zoomed && !points.isEmpty
        let title = zoomed ? "Map: path (z: world)" : "Map: world (z: zoom to path)"
        canvas.put(Format.rule(title, width: rect.width, unicode: state.unicode), x: rect.x, y: rect.y,
                   style: CellStyle(.accent), limit: rect.width)
        var area = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        if !zoomed {
            // The world at one scale across and down needs this many rows; more would only show empty sea and
            // Antarctica, so the map is centred in the pane instead.
            let rows = Int((Double(area.width * 2) * 142 / 360 / 4).rounded(.up))
            if rows < area.height {
                area = Rect(x: area.x, y: area.y + (area.height - rows) / 2, width: area.width, height: rows)
            }
        }
        let canvasMap = draw(points: points, changed: frame.model.recentlyChangedTTLs(), width: area.width,
                             height: area.height, zoomed: zoomed, unicode: state.unicode)
        canvas.blit(canvasMap, x: area.x, y: area.y)
        if points.isEmpty {
            let geo = frame.notes.first { $0.contains("GeoIP") || $0.contains("location") }
            let note = frame.hops.isEmpty ? "no hops yet" : geo ?? "no hop has a known location"
            canvas.put(note, x: area.x + max(0, (area.width - note.count) / 2), y: area.y + area.height / 2,
                       style: CellStyle(.dim), limit: area.width)
        }
    }

    /// The map alone, `width` × `height` cells: the part the unit tests and the benchmark draw.
    static func draw(points: [Point], changed: Set<Int>, width: Int, height: Int, zoomed: Bool,
                     unicode: Bool) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        let projection = zoomed
            ? MapProjection.fitting(points.map { ($0.latitude, $0.longitude) }, dotWidth: width * 2,
                                    dotHeight: height * 4)
            : MapProjection.world(dotWidth: width * 2, dotHeight: height * 4)
        let land = LandMask.shared.grid(columns: width, rows: height, projection: projection)
        land.draw(on: &canvas, x: 0, y: 0, unicode: unicode, style: CellStyle(.land))

        var path = DotGrid(columns: width, rows: height)
        let dots = points.map { projection.dot(latitude: $0.latitude, longitude: $0.longitude) }
        for index in points.indices.dropFirst() {
            guard let from = dots[index - 1], let to = dots[index] else { continue }
            let isChanged = (points[index - 1].ttl...points[index].ttl).contains { changed.contains($0) }
            path.line(from: from, to: to, color: isChanged ? .magenta : RTTColor.color(points[index].rtt))
        }
        for (index, dot) in dots.enumerated() {
            if let dot { path.set(x: dot.x, y: dot.y, color: RTTColor.color(points[index].rtt)) }
        }
        // Path cells replace land cells rather than merging with them: a line through a coastline stays legible.
        for row in 0..<height {
            for column in 0..<width where path.pattern(column: column, row: row) != 0 {
                let character: Character = unicode ? path.character(column: column, row: row, unicode: true) : "*"
                canvas[column, row] = Cell(character, CellStyle(path.color(column: column, row: row) ?? .normal))
            }
        }
        drawMarkers(points: points, dots: dots, changed: changed, on: &canvas)
        return canvas
    }

    /// TTL numbers at their cells. Hops sharing a cell share a label ("3,4" or "3-6"), and so do hops whose
    /// labels would overlap on a row (neighbouring cities at world scale), so no label hides another's digits.
    static func drawMarkers(points: [Point], dots: [(x: Int, y: Int)?], changed: Set<Int>, on canvas: inout Canvas) {
        var markers: [(x: Int, y: Int, ttls: [Int], rtt: Double?)] = []
        for (index, dot) in dots.enumerated() {
            guard let dot else { continue }
            markers.append((dot.x / 2, dot.y / 4, [points[index].ttl], points[index].rtt))
        }
        markers.sort { ($0.y, $0.x) < ($1.y, $1.x) }
        var placed: [(x: Int, y: Int, ttls: [Int], rtt: Double?)] = []
        for marker in markers {
            if let last = placed.last, last.y == marker.y, marker.x <= last.x + markerLabel(last.ttls).count {
                placed[placed.count - 1].ttls = Array(Set(last.ttls + marker.ttls)).sorted()
                placed[placed.count - 1].rtt = max(last.rtt ?? 0, marker.rtt ?? 0)
            } else {
                placed.append(marker)
            }
        }
        for marker in placed {
            let label = markerLabel(marker.ttls)
            let x = min(max(0, canvas.width - label.count), marker.x)
            let isChanged = marker.ttls.contains { changed.contains($0) }
            let style = isChanged ? CellStyle(.magenta, bold: true, reverse: true)
                                  : CellStyle(RTTColor.color(marker.rtt), bold: true, reverse: true)
            canvas.put(label, x: x, y: marker.y, style: style)
        }
    }

    static func markerLabel(_ ttls: [Int]) -> String {
        guard let first = ttls.first, let last = ttls.last else { return "" }
        if ttls.count == 1 { return String(first) }
        if ttls.count == 2 { return "\(first),\(last)" }
        return "\(first)-\(last)"
    }
}
