/// Equirectangular projection of a longitude/latitude box onto a dot grid: x grows with longitude, y falls with
/// latitude, both linearly (plate carrée), so the land mask and the path share one simple mapping.
public struct MapProjection: Sendable, Hashable {
    public var west: Double
    public var east: Double
    public var north: Double
    public var south: Double
    public var dotWidth: Int
    public var dotHeight: Int

    public init(west: Double, east: Double, north: Double, south: Double, dotWidth: Int, dotHeight: Int) {
        self.west = west
        self.east = max(east, west + 1e-6)
        self.north = north
        self.south = min(south, north - 1e-6)
        self.dotWidth = max(1, dotWidth)
        self.dotHeight = max(1, dotHeight)
    }

    /// The inhabited world (84° N to 58° S: Antarctica and the far Arctic carry no routers), at one scale
    /// across and down so continents keep their shape; the box grows past the world's edges to fill the grid.
    public static func world(dotWidth: Int, dotHeight: Int) -> MapProjection {
        let perDot = max(360 / Double(max(1, dotWidth)), 142 / Double(max(1, dotHeight)))
        let halfX = perDot * Double(max(1, dotWidth)) / 2, halfY = perDot * Double(max(1, dotHeight)) / 2
        return MapProjection(west: -halfX, east: halfX, north: 13 + halfY, south: 13 - halfY,
                             dotWidth: dotWidth, dotHeight: dotHeight)
    }

    /// A box around `points` with a margin, widened so a degree spans as many dots across as down (a braille
    /// dot is about square on a terminal whose cells are twice as tall as wide), kept inside the world.
    public static func fitting(_ points: [(latitude: Double, longitude: Double)], dotWidth: Int, dotHeight: Int,
                               minimumSpan: Double = 8) -> MapProjection {
        guard !points.isEmpty else { return world(dotWidth: dotWidth, dotHeight: dotHeight) }
        var west = points.map(\.longitude).min()!, east = points.map(\.longitude).max()!
        var south = points.map(\.latitude).min()!, north = points.map(\.latitude).max()!
        let marginX = max((east - west) * 0.15, minimumSpan / 2), marginY = max((north - south) * 0.15, minimumSpan / 2)
        west -= marginX; east += marginX; south -= marginY; north += marginY
        let perDot = max((east - west) / Double(max(1, dotWidth)), (north - south) / Double(max(1, dotHeight)))
        let centerX = (west + east) / 2, centerY = (north + south) / 2
        let halfX = perDot * Double(dotWidth) / 2, halfY = perDot * Double(dotHeight) / 2
        west = centerX - halfX; east = centerX + halfX
        south = centerY - halfY; north = centerY + halfY
        if west < -180 { east += -180 - west; west = -180 }
        if east > 180 { west -= east - 180; east = 180 }
        if north > 90 { south -= north - 90; north = 90 }
        if south < -90 { north += -90 - south; south = -90 }
        return MapProjection(west: max(-180, west), east: min(180, east), north: min(90, north),
                             south: max(-90, south), dotWidth: dotWidth, dotHeight: dotHeight)
    }

    /// The dot of a position; nil when it falls outside the box.
    public func dot(latitude: Double, longitude: Double) -> (x: Int, y: Int)? {
        let fx = (longitude - west) / (east - west), fy = (north - latitude) / (north - south)
        guard fx >= 0, fx <= 1, fy >= 0, fy <= 1 else { return nil }
        return (min(dotWidth - 1, Int(fx * Double(dotWidth))), min(dotHeight - 1, Int(fy * Double(dotHeight))))
    }

    /// The position at the centre of a dot.
    public func position(x: Int, y: Int) -> (latitude: Double, longitude: Double) {
        (north - (Double(y) + 0.5) / Double(dotHeight) * (north - south),
         west + (Double(x) + 0.5) / Double(dotWidth) * (east - west))
    }
}
