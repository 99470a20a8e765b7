import Foundation
import TracemapGeo

/// The land mask drawn into the TUI's braille dot grids.
extension LandMask {
    /// Sets every dot of `grid` whose centre is on land under `projection`.
    public func rasterize(into grid: inout DotGrid, projection: MapProjection) {
        for y in 0..<grid.dotHeight {
            for x in 0..<grid.dotWidth {
                let position = projection.position(x: x, y: y)
                if isLand(latitude: position.latitude, longitude: position.longitude) { grid.set(x: x, y: y) }
            }
        }
    }

    /// The land of a grid size and projection, rasterised once and reused while they stay the same (the map
    /// redraws every second; the land only changes on a resize or a zoom).
    public func grid(columns: Int, rows: Int, projection: MapProjection) -> DotGrid {
        LandMask.cache.grid(columns: columns, rows: rows, projection: projection) {
            var grid = DotGrid(columns: columns, rows: rows)
            rasterize(into: &grid, projection: projection)
            return grid
        }
    }

    private static let cache = GridCache()
}

/// The last rasterised land grid (one entry: the TUI draws one map at a time).
private final class GridCache: @unchecked Sendable {
    private let lock = NSLock()
    private var key: (columns: Int, rows: Int, projection: MapProjection)?
    private var value: DotGrid?

    func grid(columns: Int, rows: Int, projection: MapProjection, make: () -> DotGrid) -> DotGrid {
        lock.lock()
        defer { lock.unlock() }
        if let key, let value, key.columns == columns, key.rows == rows, key.projection == projection { return value }
        let grid = make()
        key = (columns, rows, projection)
        value = grid
        return grid
    }
}
