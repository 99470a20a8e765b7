/// A grid of dots drawn as Unicode braille, 2 × 4 dots per cell (block U+2800–U+28FF), or as plain ASCII when
/// the terminal cannot show braille. Each cell also keeps the colour of the last thing drawn in it.
public struct DotGrid: Sendable, Hashable {
    /// Cells across and down; the dot grid is twice as wide and four times as tall.
    public let columns: Int
    public let rows: Int
    public var dotWidth: Int { columns * 2 }
    public var dotHeight: Int { rows * 4 }
    private var bits: [UInt8]
    private var colors: [CellColor?]

    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        bits = Array(repeating: 0, count: self.columns * self.rows)
        colors = Array(repeating: nil, count: self.columns * self.rows)
    }

    /// The braille bit of the dot at (column 0…1, row 0…3) inside its cell. Unicode numbers the dots 1-2-3-7
    /// down the left column and 4-5-6-8 down the right; dot n is bit n − 1 of the offset from U+2800.
    static let dotBits: [[UInt8]] = [
        [0x01, 0x02, 0x04, 0x40],
        [0x08, 0x10, 0x20, 0x80],
    ]

    /// Sets the dot at (x, y) in dot coordinates; points outside are clipped.
    public mutating func set(x: Int, y: Int, color: CellColor? = nil) {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return }
        let index = (y / 4) * columns + x / 2
        bits[index] |= DotGrid.dotBits[x % 2][y % 4]
        if let color { colors[index] = color }
    }

    public func isSet(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < dotWidth, y < dotHeight else { return false }
        return bits[(y / 4) * columns + x / 2] & DotGrid.dotBits[x % 2][y % 4] != 0
    }

    /// Draws a straight line of dots from one point to another, ends included: Bresenham's integer algorithm
    /// for every octant (the error term tracks both axes, so steep and shallow lines need no special case).
    public mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int), color: CellColor? = nil) {
        for point in DotGrid.linePoints(from: start, to: end) { set(x: point.x, y: point.y, color: color) }
    }

    /// The dots of the line from `start` to `end`, in order.
    public static func linePoints(from start: (x: Int, y: Int), to end: (x: Int, y: Int)) -> [(x: Int, y: Int)] {
        var points: [(x: Int, y: Int)] = []
        var x = start.x, y = start.y
        let dx = abs(end.x - start.x), dy = -abs(end.y - start.y)
        let sx = start.x < end.x ? 1 : -1, sy = start.y < end.y ? 1 : -1
        var error = dx + dy
        while true {
            points.append((x, y))
            if x == end.x && y == end.y { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
        }
        return points
    }

    /// The raw braille pattern of a cell (0 = empty).
    public func pattern(column: Int, row: Int) -> UInt8 { bits[row * columns + column] }

    public func color(column: Int, row: Int) -> CellColor? { colors[row * columns + column] }

    /// The character of a cell: its braille pattern, or in ASCII a shade by how many dots are set.
    public func character(column: Int, row: Int, unicode: Bool) -> Character {
        let pattern = self.pattern(column: column, row: row)
        if unicode {
            return pattern == 0 ? " " : Character(Unicode.Scalar(0x2800 + UInt32(pattern))!)
        }
        switch pattern.nonzeroBitCount {
        case 0: return " "
        case 1...3: return "."
        case 4...6: return ":"
        default: return "#"
        }
    }

    /// Copies the grid onto a canvas at (x, y); cells without a colour of their own get `style`. Empty cells
    /// are left as they are, so text drawn before shows through.
    public func draw(on canvas: inout Canvas, x: Int, y: Int, unicode: Bool, style: CellStyle = .plain) {
        for row in 0..<rows {
            for column in 0..<columns where pattern(column: column, row: row) != 0 {
                var cellStyle = style
                if let color = color(column: column, row: row) { cellStyle = CellStyle(color) }
                canvas[x + column, y + row] = Cell(character(column: column, row: row, unicode: unicode), cellStyle)
            }
        }
    }
}
