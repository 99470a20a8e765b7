import TracemapModel
import TracemapReport
/// A colour of the TUI's palette. The terminal wrapper maps each to a curses colour pair; tests ignore them.
public enum CellColor: UInt8, Sendable, Hashable, CaseIterable {
    case normal, green, yellow, red, magenta, cyan, blue, dim, land, accent
}

/// How one cell is drawn: a palette colour plus the attributes curses offers everywhere.
public struct CellStyle: Sendable, Hashable {
    public var color: CellColor
    public var bold: Bool
    public var reverse: Bool

    public init(_ color: CellColor = .normal, bold: Bool = false, reverse: Bool = false) {
        self.color = color
        self.bold = bold
        self.reverse = reverse
    }

    public static let plain = CellStyle()
    public static let bold = CellStyle(bold: true)
    public static let reverse = CellStyle(reverse: true)
}

/// One screen cell: a character one column wide and its style.
public struct Cell: Sendable, Hashable {
    public var character: Character
    public var style: CellStyle

    public init(_ character: Character = " ", _ style: CellStyle = .plain) {
        self.character = character
        self.style = style
    }
}

/// An in-memory screen: every pane renders into one, the terminal wrapper only copies it out, and tests read
/// it back as plain strings. Drawing past an edge is clipped, never an error, so panes need no bounds checks.
public struct Canvas: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x: x, y: y) ? cells[y * width + x] : Cell() }
        set { if contains(x: x, y: y) { cells[y * width + x] = newValue } }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Writes `text` from (x, y) rightwards, cut at `limit` columns and at the right edge; returns the columns
    /// used. Wide characters (CJK names) are replaced by `?`, so one Character is always one column.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(width, x + (limit ?? width))
        var column = x
        for character in text {
            if column >= end { break }
            if column >= 0 { cells[y * width + column] = Cell(TextWidth.narrow(character), style) }
            column += 1
        }
        return max(0, column - x)
    }

    /// Sets the style of a run of cells, keeping their characters (a selection bar, a highlighted row).
    public mutating func restyle(x: Int, y: Int, width count: Int, style: CellStyle) {
        for column in max(0, x)..<max(max(0, x), min(width, x + count)) where y >= 0 && y < height {
            cells[y * width + column].style = style
        }
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell = Cell()) {
        for row in max(0, rect.y)..<max(max(0, rect.y), min(height, rect.y + rect.height)) {
            for column in max(0, rect.x)..<max(max(0, rect.x), min(width, rect.x + rect.width)) {
                cells[row * width + column] = cell
            }
        }
    }

    /// Copies another canvas in at (x, y), clipped.
    public mutating func blit(_ other: Canvas, x: Int, y: Int) {
        for row in 0..<other.height {
            for column in 0..<other.width { self[x + column, y + row] = other[column, row] }
        }
    }

    /// The text of one row, trailing blanks kept (the row is always `width` characters).
    public func row(_ y: Int) -> String {
        String((0..<width).map { self[$0, y].character })
    }

    /// Every row with trailing blanks removed, joined by newlines: what a test compares against.
    public var text: String {
        (0..<height).map { row($0).trimmingTrailingSpaces() }.joined(separator: "\n")
    }
}

/// A rectangle in cells.
public struct Rect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }

    /// Left-aligned in `width` columns: padded with blanks, or cut with a trailing `…` when too long.
    func padded(to width: Int) -> String {
        guard width > 0 else { return "" }
        if count > width { return String(prefix(max(0, width - 1))) + "…" }
        return self + String(repeating: " ", count: width - count)
    }

    /// Right-aligned in `width` columns (numbers): cut from the left never, padded on the left.
    func rightAligned(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// Which characters take exactly one terminal column. A fixed table rather than the C library's `wcwidth`, whose
/// answer depends on the process locale (it says -1 for braille under the C locale, as unit tests run).
enum TextWidth {
    /// The character itself when it is one column wide, else `?` (wide or zero-width characters would shift
    /// every cell after them out of place).
    static func narrow(_ character: Character) -> Character {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return "?" }
        let value = scalar.value
        // Controls, bidi overrides and invisible format characters from hostile names never reach curses.
        if Escaping.isUnsafe(scalar) { return "?" }
        if value < 0x300 { return character }
        return isWideOrCombining(value) ? "?" : character
    }

    /// Unicode's East Asian Wide/Fullwidth blocks, emoji, and the combining marks (UAX #11, general category M).
    private static func isWideOrCombining(_ value: UInt32) -> Bool {
        switch value {
        case 0x0300...0x036f, 0x0483...0x0489, 0x0591...0x05c7, 0x0610...0x061a, 0x064b...0x065f,
             0x1ab0...0x1aff, 0x1dc0...0x1dff, 0x200b...0x200f, 0x20d0...0x20ff, 0xfe00...0xfe0f, 0xfe20...0xfe2f:
            true
        case 0x1100...0x115f, 0x2e80...0x303e, 0x3041...0x33ff, 0x3400...0x4dbf, 0x4e00...0x9fff, 0xa000...0xa4cf,
             0xac00...0xd7a3, 0xf900...0xfaff, 0xfe30...0xfe4f, 0xff00...0xff60, 0xffe0...0xffe6,
             0x1f300...0x1f64f, 0x1f900...0x1f9ff, 0x20000...0x3fffd:
            true
        default:
            false
        }
    }
}
