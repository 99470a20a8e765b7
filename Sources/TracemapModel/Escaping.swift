/// Text from the network or from files — reverse-DNS names, Team Cymru TXT answers, GeoIP and hosts files,
/// recordings, other tools' traces — is someone else's data. Before it reaches an output it goes through the one
/// function of this file for that output kind, so an escape sequence (`\u{1b}]52;…` writing the clipboard,
/// `\u{1b}[2J`), a bidi override (U+202E) turning a name around, a formula (`=cmd|…`) or `<script>` stays inert
/// text. It lives in TracemapModel because every target that prints (Report, Import, TUI, the executables)
/// already depends on it. One spelling everywhere: `\x1b` below U+0100, `\u{202e}` above. A backslash stays
/// itself: reverse-DNS names already carry RFC 4343 `\DDD` escapes, which doubling would garble.
public enum Escaping {
    /// Whether a scalar must never reach a terminal or a page as itself: C0 and C1 controls, DEL, the bidi
    /// embeddings, overrides and isolates, the invisible format characters, the line and paragraph separators, the
    /// tag characters and XML's non-characters U+FFFE and U+FFFF.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1f, 0x7f...0x9f: true
        case 0x061c, 0x180e, 0x200b...0x200f, 0x2028...0x202e, 0x2060...0x206f, 0xfeff, 0xfff9...0xfffb: true
        case 0xfffe, 0xffff, 0xe0000...0xe007f: true
        default: false
        }
    }

    /// Every unsafe scalar as a visible escape (`\x1b`, `\x9b`, `\u{202e}`); no length limit.
    public static func visible(_ text: String) -> String {
        terminal(text, limit: .max)
    }

    /// For a terminal (tables, raw lines, watch lines, error messages): `visible`, at most `limit` characters, cut
    /// with `…`.
    public static func terminal(_ text: String, limit: Int = 255) -> String {
        if text.utf8.count <= limit, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return text }
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            let piece: String
            if isUnsafe(scalar) {
                piece = scalar.value < 0x100 ? "\\x" + hex(scalar.value, digits: 2) : "\\u{" + hex(scalar.value, digits: 4) + "}"
            } else {
                piece = String(scalar)
            }
            if piece.unicodeScalars.count > limit - count {
                result += "…"
                break
            }
            result += piece
            count += piece.unicodeScalars.count
        }
        return result
    }

    /// An RFC 4180 CSV field: terminal-safe (no raw control bytes, so no line breaks inside a field), a leading
    /// `=`, `+`, `-`, `@` made inert with `'` (OWASP's advice against formula injection in spreadsheets), quoted
    /// when it holds a comma, quote or space at an end.
    public static func csv(_ text: String) -> String {
        var field = terminal(text, limit: 1024)
        if let first = field.first, "=+-@".contains(first) { field = "'" + field }
        let needsQuotes = field.contains(where: { $0 == "," || $0 == "\"" || $0 == ";" })
            || field.first == " " || field.last == " "
        return needsQuotes ? "\"" + field.replacing("\"", with: "\"\"") + "\"" : field
    }

    /// Encoded JSON made safe to print: JSONEncoder already escapes C0 controls, quotes and `/`; the C1 controls
    /// and bidi/format characters it leaves raw become `\uXXXX` escapes (the same string to any JSON reader).
    public static func json(_ encoded: String) -> String {
        guard encoded.unicodeScalars.contains(where: { $0.value >= 0x7f && isUnsafe($0) }) else { return encoded }
        var result = String.UnicodeScalarView()
        for scalar in encoded.unicodeScalars {
            if scalar.value >= 0x7f && isUnsafe(scalar) {
                let value = scalar.value
                let units = value > 0xffff ? Array(String(scalar).utf16) : [UInt16(value)]
                for unit in units { result.append(contentsOf: ("\\u" + hex(UInt32(unit), digits: 4)).unicodeScalars) }
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// HTML and SVG/XML text and attribute values (quoted with `"` or `'`): `visible`, then the five special
    /// characters as entities.
    public static func html(_ text: String) -> String {
        var result = ""
        for character in visible(text) {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Markdown (CommonMark/GFM) inline text and table cells: HTML-escaped (Markdown passes HTML through), then
    /// the characters that start emphasis, code, links (`[`, so `(` and `!` need nothing), strikethrough, a
    /// heading or a table cell backslash-escaped (line breaks are controls: `visible` already showed them as
    /// `\x0a`).
    public static func markdown(_ text: String) -> String {
        var result = ""
        for character in html(text) {
            if "\\`*_[]|~#".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

extension String {
    /// This text as a terminal may safely show it (see `Escaping.terminal`).
    public var escapedForTerminal: String { Escaping.terminal(self) }
}
