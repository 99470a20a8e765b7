import TracemapGeo
import TracemapModel

/// The world map with the path, as SVG: the project's land mask (`LandMask`, the TUI's map too) drawn as
/// rectangles, the path between located hops coloured by RTT, a marker per place numbered by TTL, the origin the
/// geography check used, and its findings in red. Plate carrée, in land-mask cells: x = (lon + 180) × 2,
/// y = (90 − lat) × 2, so the 720 × 360 mask needs no scaling at all.
public enum SVGMap {
    /// Pixel size of the image; the map keeps this aspect whatever it shows.
    public static let width = 960.0
    public static let height = 400.0

    /// A standalone SVG file: title, map, legend.
    public static func render(_ trace: ExportTrace) -> String {
        render([trace])
    }

    /// Several traces stacked in one image, each with its title.
    public static func render(_ traces: [ExportTrace]) -> String {
        let titleHeight = 34.0, legendHeight = 30.0
        let block = titleHeight + height + legendHeight
        var body = ""
        for (index, trace) in traces.enumerated() {
            let top = Double(index) * block
            body += "<g transform=\"translate(0 \(n(top)))\">\n"
            body += "<rect width=\"\(n(width))\" height=\"\(n(block))\" fill=\"#0d1117\"/>\n"
            body += "<text x=\"14\" y=\"22\" class=\"title\">\(Escaping.html(title(trace)))</text>\n"
            body += "<svg x=\"0\" y=\"\(n(titleHeight))\" width=\"\(n(width))\" height=\"\(n(height))\" "
                + "viewBox=\"\(fittedBox(trace.document).text)\" preserveAspectRatio=\"xMidYMid meet\">\n"
                + mapContent(trace.document, idPrefix: "t\(index)-", scale: fittedBox(trace.document).w / width)
                + "</svg>\n"
            body += legend(y: titleHeight + height + 20) + "</g>\n"
        }
        let total = block * Double(traces.count)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(total))" \
            viewBox="0 0 \(n(width)) \(n(total))" font-family="\(fontStack)">
            <style>\(style)</style>
            \(body)</svg>

            """
    }

    /// The map as an inline `<svg>` element for the HTML page: fitted to the path, with the world's box in
    /// `data-world` and the path's in `data-path` for the page's zoom button.
    static func inline(_ document: TraceDocument, idPrefix: String) -> String {
        let fitted = fittedBox(document)
        return "<svg class=\"map\" viewBox=\"\(fitted.text)\" data-path=\"\(fitted.text)\" "
            + "data-world=\"\(worldBox.text)\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" "
            + "aria-label=\"map of the path\">\n"
            + mapContent(document, idPrefix: idPrefix, scale: fitted.w / width) + "</svg>\n"
    }

    static let fontStack = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"

    static let style = """
        .title{fill:#e6edf3;font-size:15px;font-weight:600}.legend{fill:#8b949e;font-size:12px}\
        .sea{fill:#0b1a2a}.land{fill:#22384d}.grat{stroke:#16283a;fill:none}\
        .hop{stroke:#0d1117}.hop-label{fill:#e6edf3;font-weight:600;paint-order:stroke;stroke:#0d1117}\
        .bad{fill:#ff5c5c}.origin{fill:none;stroke:#e6edf3}
        """

    // MARK: Geometry

    struct Box {
        var x: Double, y: Double, w: Double, h: Double
        var text: String { "\(n(x)) \(n(y)) \(n(w)) \(n(h))" }
    }

    /// The inhabited world, 84° N to 58° S, widened to the image's aspect.
    static var worldBox: Box {
        let top = (90 - 84) * 2.0, bottom = (90 + 58) * 2.0
        let h = bottom - top, w = 720.0
        let needH = w / (width / height)
        return Box(x: 0, y: (top + bottom) / 2 - max(h, needH) / 2, w: w, h: max(h, needH))
    }

    static func point(latitude: Double, longitude: Double) -> (x: Double, y: Double) {
        ((longitude + 180) * 2, (90 - latitude) * 2)
    }

    /// A box around the located hops and the origin with a margin, at least 30° across, in the image's aspect.
    static func fittedBox(_ document: TraceDocument) -> Box {
        var points = places(document).map { point(latitude: $0.latitude, longitude: $0.longitude) }
        if let origin = document.geography?.origin {
            points.append(point(latitude: origin.latitude, longitude: origin.longitude))
        }
        guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(),
              let minY = points.map(\.y).min(), let maxY = points.map(\.y).max() else { return worldBox }
        let aspect = width / height
        var w = max((maxX - minX) * 1.35, 60), h = max((maxY - minY) * 1.5, 30)
        if w / h < aspect { w = h * aspect } else { h = w / aspect }
        let world = worldBox
        if w >= world.w { return world }
        var x = (minX + maxX) / 2 - w / 2, y = (minY + maxY) / 2 - h / 2
        x = min(max(x, 0), 720 - w)
        y = min(max(y, 0), 360 - h)
        return Box(x: x, y: y, w: w, h: h)
    }

    // MARK: Content

    /// One place on the map: the hops located there (a path often stays in one city for several hops).
    struct Place {
        var latitude: Double
        var longitude: Double
        var ttls: [Int]
        var name: String
        var rtt: Double?
        var impossible: Bool
    }

    /// Located hops in TTL order (each hop's first located responder), consecutive hops at one spot merged.
    static func places(_ document: TraceDocument) -> [Place] {
        var result: [Place] = []
        for hop in document.hops.sorted(by: { $0.ttl < $1.ttl }) {
            guard let responder = hop.responders.first(where: { $0.info?.location?.latitude != nil
                                                                && $0.info?.location?.longitude != nil }),
                  let location = responder.info?.location else { continue }
            let latitude = location.latitude!, longitude = location.longitude!
            let impossible = document.geography?.impossible(ttl: hop.ttl, address: responder.address) != nil
            let rtt = responder.figures.mean ?? responder.figures.best
            if var last = result.last, abs(last.latitude - latitude) < 0.01, abs(last.longitude - longitude) < 0.01 {
                last.ttls.append(hop.ttl)
                last.rtt = rtt ?? last.rtt
                last.impossible = last.impossible || impossible
                result[result.count - 1] = last
            } else {
                result.append(Place(latitude: latitude, longitude: longitude, ttls: [hop.ttl],
                                    name: location.shortText, rtt: rtt, impossible: impossible))
            }
        }
        return result
    }

    /// Sea, graticule, land, path, markers. `scale` is map units per image pixel, so strokes and markers keep
    /// their size on the page whatever the zoom.
    static func mapContent(_ document: TraceDocument, idPrefix: String, scale: Double) -> String {
        var out = "<rect class=\"sea\" x=\"-360\" y=\"-180\" width=\"1440\" height=\"720\"/>\n"
        var graticule = ""
        for longitude in stride(from: -150, through: 150, by: 30) {
            graticule += "M\(n(Double(longitude + 180) * 2)) 0V360"
        }
        for latitude in stride(from: -60, through: 60, by: 30) {
            graticule += "M0 \(n(Double(90 - latitude) * 2))H720"
        }
        out += "<path class=\"grat\" stroke-width=\"\(n(scale))\" d=\"\(graticule)\"/>\n"
        out += "<path class=\"land\" shape-rendering=\"crispEdges\" d=\"\(landPath)\"/>\n"

        let places = places(document)
        let detourLegs = Set(document.geography?.findings.filter { $0.kind == .detour }
            .flatMap { [$0.fromTTL ?? 0, $0.ttl] } ?? [])
        // The legs: a gentle arc from place to place, coloured by the RTT where it arrives.
        for (a, b) in zip(places, places.dropFirst()) {
            let p = point(latitude: a.latitude, longitude: a.longitude)
            let q = point(latitude: b.latitude, longitude: b.longitude)
            let dx = q.x - p.x, dy = q.y - p.y
            let control = ((p.x + q.x) / 2 + dy * 0.15, (p.y + q.y) / 2 - abs(dx) * 0.15)
            let suspicious = detourLegs.contains(b.ttls.first ?? -1) && detourLegs.contains(a.ttls.last ?? -1)
            out += "<path d=\"M\(n(p.x)) \(n(p.y))Q\(n(control.0)) \(n(control.1)) \(n(q.x)) \(n(q.y))\" "
                + "fill=\"none\" stroke=\"\(rttColor(b.rtt))\" stroke-width=\"\(n(2.5 * scale))\" "
                + "stroke-linecap=\"round\"" + (suspicious ? " stroke-dasharray=\"\(n(6 * scale)) \(n(4 * scale))\"" : "")
                + " data-ttl=\"\(b.ttls.map(String.init).joined(separator: " "))\"/>\n"
        }
        if let origin = document.geography?.origin {
            let o = point(latitude: origin.latitude, longitude: origin.longitude)
            out += "<circle class=\"origin\" cx=\"\(n(o.x))\" cy=\"\(n(o.y))\" r=\"\(n(9 * scale))\" "
                + "stroke-width=\"\(n(1.5 * scale))\"><title>origin of the geography check: "
                + "\(Escaping.html(origin.summary))</title></circle>\n"
        }
        // Markers first, then every label above them; labels nudged down past each other, since a path often
        // passes several cities a few pixels apart.
        var labels: [(x: Double, y: Double)] = []
        var texts = ""
        for (index, place) in places.enumerated() {
            let p = point(latitude: place.latitude, longitude: place.longitude)
            var label = (x: p.x + 8 * scale, y: p.y - 7 * scale)
            while labels.contains(where: { abs($0.x - label.x) < 26 * scale && abs($0.y - label.y) < 13 * scale }) {
                label.y += 14 * scale
            }
            labels.append(label)
            let ttls = ttlRange(place.ttls)
            let fill = place.impossible ? "#ff5c5c" : rttColor(place.rtt)
            let tip = "hop\(place.ttls.count > 1 ? "s" : "") \(ttls): \(place.name.isEmpty ? "?" : place.name)"
                + (place.rtt.map { ", \($0.formatted(decimals: 1)) ms" } ?? "")
                + (place.impossible ? " (impossible for its RTT)" : "")
            let ttlList = place.ttls.map(String.init).joined(separator: " ")
            out += "<g class=\"marker\" id=\"\(idPrefix)place-\(index)\" data-ttl=\"\(ttlList)\">"
                + "<circle class=\"hop\" cx=\"\(n(p.x))\" cy=\"\(n(p.y))\" r=\"\(n(6 * scale))\" fill=\"\(fill)\" "
                + "stroke-width=\"\(n(1.5 * scale))\"/><title>\(Escaping.html(tip))</title></g>\n"
            texts += "<text class=\"hop-label\" x=\"\(n(label.x))\" y=\"\(n(label.y))\" "
                + "font-size=\"\(n(12 * scale))\" stroke-width=\"\(n(3 * scale))\" data-ttl=\"\(ttlList)\">"
                + Escaping.html(ttls) + (place.impossible ? " !" : "") + "</text>\n"
        }
        out += "<g class=\"labels\" pointer-events=\"none\">\n" + texts + "</g>\n"
        return out
    }

    /// "1–6", "3, 5", "7".
    static func ttlRange(_ ttls: [Int]) -> String {
        guard let first = ttls.first, let last = ttls.last else { return "" }
        if ttls.count > 1, ttls == Array(first...last) { return "\(first)–\(last)" }
        return ttls.map(String.init).joined(separator: ", ")
    }

    static func legend(y: Double) -> String {
        var out = "<text x=\"14\" y=\"\(n(y))\" class=\"legend\">RTT</text>\n"
        for (index, ms) in [0.0, 25, 50, 100, 150, 200].enumerated() {
            let x = 46 + Double(index) * 74
            out += "<rect x=\"\(n(x))\" y=\"\(n(y - 10))\" width=\"14\" height=\"10\" rx=\"2\" fill=\"\(rttColor(ms))\"/>"
                + "<text x=\"\(n(x + 18))\" y=\"\(n(y))\" class=\"legend\">\(index == 5 ? "≥200" : String(Int(ms))) ms</text>\n"
        }
        out += "<circle cx=\"502\" cy=\"\(n(y - 5))\" r=\"5\" fill=\"#ff5c5c\"/><text x=\"512\" y=\"\(n(y))\" "
            + "class=\"legend\">place its RTT cannot reach</text>\n"
            + "<line x1=\"690\" y1=\"\(n(y - 5))\" x2=\"718\" y2=\"\(n(y - 5))\" stroke=\"#8b949e\" stroke-width=\"2.5\" "
            + "stroke-dasharray=\"6 4\"/><text x=\"724\" y=\"\(n(y))\" class=\"legend\">detour</text>\n"
            + "<circle cx=\"790\" cy=\"\(n(y - 5))\" r=\"6\" fill=\"none\" stroke=\"#e6edf3\" stroke-width=\"1.5\"/>"
            + "<text x=\"802\" y=\"\(n(y))\" class=\"legend\">origin</text>\n"
        return out
    }

    /// Green at 0 ms through yellow to red at 200 ms and beyond (hue 130° → 0°), the TUI's bands made smooth.
    static func rttColor(_ rtt: Double?) -> String {
        guard let rtt else { return "#8b949e" }
        let hue = 130 * (1 - min(max(rtt, 0), 200) / 200)
        return "hsl(\(Int(hue.rounded())),75%,55%)"
    }

    static func title(_ trace: ExportTrace) -> String {
        let meta = trace.document.meta
        var text = "tracemap: \(meta.target.name)"
        if meta.target.name != meta.target.address.description { text += " (\(meta.target.address))" }
        if let source = meta.source { text += " from \(source)" }
        if let vantage = meta.vantage {
            text += " via \(vantage.engine)" + (vantage.id.map { " \($0)" } ?? "")
        }
        if let label = trace.label { text += " — \(label)" }
        return text
    }

    /// The land mask as one path of rectangles: runs of land per row, merged down while the run repeats. Built
    /// once.
    static let landPath: String = {
        let mask = LandMask.shared
        var open: [Int: (x: Int, y: Int, w: Int, h: Int)] = [:]   // keyed by x << 16 | width
        var out = ""
        func emit(_ r: (x: Int, y: Int, w: Int, h: Int)) { out += "M\(r.x) \(r.y)h\(r.w)v\(r.h)h-\(r.w)z" }
        for row in 0...mask.height {
            var runs: [(Int, Int)] = []
            if row < mask.height {
                var column = 0
                while column < mask.width {
                    guard mask.isLand(row: row, column: column) else { column += 1; continue }
                    let start = column
                    while column < mask.width && mask.isLand(row: row, column: column) { column += 1 }
                    runs.append((start, column - start))
                }
            }
            var next: [Int: (x: Int, y: Int, w: Int, h: Int)] = [:]
            for (x, w) in runs {
                let key = x << 16 | w
                if var rect = open.removeValue(forKey: key) { rect.h += 1; next[key] = rect }
                else { next[key] = (x, row, w, 1) }
            }
            for rect in open.values.sorted(by: { ($0.y, $0.x) < ($1.y, $1.x) }) { emit(rect) }
            open = next
        }
        return out
    }()

    static func n(_ value: Double) -> String {
        let text = value.formatted(decimals: 2)
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return trimmed == "-0" ? "0" : String(trimmed)
    }
}
