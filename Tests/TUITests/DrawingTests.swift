import XCTest
@testable import TracemapTUI
import TracemapGeo

/// The drawing primitives: braille dots, Bresenham lines, the projection, the land mask, the charts.
final class DrawingTests: XCTestCase {
    func testBrailleDotNumbering() {
        // Unicode: dots 1,2,3,7 down the left column, 4,5,6,8 down the right; dot n is bit n-1 above U+2800.
        var grid = DotGrid(columns: 1, rows: 1)
        grid.set(x: 0, y: 0)
        XCTAssertEqual(grid.character(column: 0, row: 0, unicode: true), "⠁")
        grid = DotGrid(columns: 1, rows: 1)
        grid.set(x: 1, y: 3)
        XCTAssertEqual(grid.character(column: 0, row: 0, unicode: true), "⢀")
        grid = DotGrid(columns: 1, rows: 1)
        grid.set(x: 0, y: 3)
        grid.set(x: 1, y: 0)
        XCTAssertEqual(grid.character(column: 0, row: 0, unicode: true), "⡈")
        for x in 0..<2 { for y in 0..<4 { grid.set(x: x, y: y) } }
        XCTAssertEqual(grid.character(column: 0, row: 0, unicode: true), "⣿")
        XCTAssertEqual(grid.character(column: 0, row: 0, unicode: false), "#")
    }

    func testDotsOutsideTheGridAreClipped() {
        var grid = DotGrid(columns: 2, rows: 1)
        grid.set(x: -1, y: 0)
        grid.set(x: 4, y: 0)
        grid.set(x: 0, y: 4)
        XCTAssertEqual(grid.pattern(column: 0, row: 0), 0)
        XCTAssertEqual(grid.pattern(column: 1, row: 0), 0)
    }

    func testBresenhamLines() {
        func points(_ a: (Int, Int), _ b: (Int, Int)) -> [String] {
            DotGrid.linePoints(from: (a.0, a.1), to: (b.0, b.1)).map { "\($0.x),\($0.y)" }
        }
        XCTAssertEqual(points((0, 0), (3, 0)), ["0,0", "1,0", "2,0", "3,0"])
        XCTAssertEqual(points((0, 0), (2, 2)), ["0,0", "1,1", "2,2"])
        XCTAssertEqual(points((0, 0), (4, 2)), ["0,0", "1,1", "2,1", "3,2", "4,2"])
        XCTAssertEqual(points((1, 4), (0, 0)), ["1,4", "1,3", "0,2", "0,1", "0,0"])
        XCTAssertEqual(points((5, 5), (5, 5)), ["5,5"])
    }

    func testLineDrawnAsBraille() {
        var grid = DotGrid(columns: 2, rows: 1)
        grid.line(from: (0, 0), to: (3, 3))
        var canvas = Canvas(width: 2, height: 1)
        grid.draw(on: &canvas, x: 0, y: 0, unicode: true)
        // Dots (0,0) and (1,1) in the first cell (bits 1 and 5), (2,2) and (3,3) in the second (bits 3 and 8).
        XCTAssertEqual(canvas.text, "⠑⢄")
    }

    func testWorldProjectionKeepsTheScaleEqualAcrossAndDown() {
        let projection = MapProjection.world(dotWidth: 360, dotHeight: 142)
        XCTAssertEqual(projection.west, -180, accuracy: 1e-9)
        XCTAssertEqual(projection.east, 180, accuracy: 1e-9)
        XCTAssertEqual(projection.north, 84, accuracy: 1e-9)
        XCTAssertEqual(projection.south, -58, accuracy: 1e-9)
        XCTAssertEqual(projection.dot(latitude: 84, longitude: -180)?.x, 0)
        XCTAssertEqual(projection.dot(latitude: 84, longitude: -180)?.y, 0)
        XCTAssertEqual(projection.dot(latitude: 13, longitude: 0)?.x, 180)
        XCTAssertEqual(projection.dot(latitude: 13, longitude: 0)?.y, 71)
        XCTAssertNil(projection.dot(latitude: -70, longitude: 0))
        // A grid twice as tall shows more latitude, not taller continents.
        let tall = MapProjection.world(dotWidth: 360, dotHeight: 284)
        XCTAssertEqual(tall.north - tall.south, 284, accuracy: 1e-9)
    }

    func testFittingBoxIsSquareInDotsAndInsideTheWorld() {
        let box = MapProjection.fitting([(48.85, 2.35), (40.7, -74.0)], dotWidth: 200, dotHeight: 100)
        let perDotX = (box.east - box.west) / 200, perDotY = (box.north - box.south) / 100
        XCTAssertEqual(perDotX, perDotY, accuracy: 1e-9)
        XCTAssertLessThan(box.west, -74)
        XCTAssertGreaterThan(box.east, 2.35)
        XCTAssertNotNil(box.dot(latitude: 48.85, longitude: 2.35))
        let edge = MapProjection.fitting([(0, 179)], dotWidth: 100, dotHeight: 50)
        XCTAssertLessThanOrEqual(edge.east, 180)
    }

    func testLandMask() {
        let mask = LandMask.shared
        XCTAssertEqual(mask.width, 720)
        XCTAssertEqual(mask.height, 360)
        XCTAssertTrue(mask.isLand(latitude: 48.85, longitude: 2.35))      // Paris
        XCTAssertTrue(mask.isLand(latitude: -25, longitude: 134))         // central Australia
        XCTAssertTrue(mask.isLand(latitude: 39, longitude: -100))         // Kansas
        XCTAssertFalse(mask.isLand(latitude: 0, longitude: -30))          // mid-Atlantic
        XCTAssertFalse(mask.isLand(latitude: 30, longitude: -150))        // North Pacific
        XCTAssertFalse(mask.isLand(latitude: 95, longitude: 0))           // off the globe
    }

    func testSparkline() {
        XCTAssertEqual(Charts.sparkline([1, 2, 3, 4, 5, 6, 7, 8], width: 8), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(Charts.sparkline([10, nil, 10], width: 8), "▁×▁")
        XCTAssertEqual(Charts.sparkline([1, 8, 1, 8], width: 2), "▁█")
        XCTAssertEqual(Charts.sparkline([1, 8, nil], width: 3, unicode: false), "_^x")
        XCTAssertEqual(Charts.sparkline([], width: 4), "")
    }

    func testHistoryChartAndHistogram() {
        XCTAssertEqual(Charts.history([10, 5, nil, 20], width: 4, height: 2), ["   █", "█▄×█"])
        XCTAssertEqual(Charts.chartFloor([40, 40.5, 41]), 39.75)
        XCTAssertEqual(Charts.history([40, 41], width: 2, height: 1), ["▂█"])
        let buckets = Charts.histogram([1, 2, 2, 3, 4], buckets: 3)
        XCTAssertEqual(buckets.map(\.count), [1, 2, 2])
        XCTAssertEqual(buckets.first?.low, 1)
        XCTAssertEqual(buckets.last?.high ?? 0, 4, accuracy: 1e-9)
        XCTAssertEqual(Charts.bar(0.5, width: 4), "██")
        XCTAssertEqual(Charts.bar(0.25, width: 2), "▌")
    }

    func testCanvasClipsAndCutsWideCharacters() {
        var canvas = Canvas(width: 5, height: 2)
        canvas.put("hello world", x: 2, y: 0)
        canvas.put("東x", x: 0, y: 1)
        canvas.put("far", x: 0, y: 5)
        XCTAssertEqual(canvas.text, "  hel\n?x")
        XCTAssertEqual("abcdef".padded(to: 4), "abc…")
        XCTAssertEqual("12".rightAligned(to: 4), "  12")
    }
}
