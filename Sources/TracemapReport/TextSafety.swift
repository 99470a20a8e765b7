/// Text from a trace — names from reverse DNS above all, but also places, AS names and anything read from another
/// tool's file — is hostile: a PTR record can hold `<script>`, a terminal escape or a right-to-left override.
/// Every renderer passes such text through one of these before it reaches a page, an image or a terminal.
enum TextSafety {
    /// Replaces every character that would act rather than show with a visible escape: C0 and C1 controls and
    /// DEL (ESC starts terminal sequences) as `\x1b`, the Unicode bidirectional and invisible format controls
    /// (U+061C, U+200B–U+200F, U+202A–U+202E, U+2060–U+2069, U+FEFF) and XML's non-characters as `\u{202E}`.
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isActive) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard isActive(scalar) else { result.unicodeScalars.append(scalar); continue }
            let hex = String(scalar.value, radix: 16, uppercase: scalar.value > 0xFF)
            if scalar.value <= 0xFF {
                result += "\\x" + (hex.count < 2 ? "0" : "") + hex
            } else {
                result += "\\u{" + hex + "}"
            }
        }
        return result
    }

    /// For a terminal: `visible`.
    static func terminal(_ text: String) -> String { visible(text) }

    /// For HTML and SVG/XML text and attribute values (quoted with `"` or `'`).
    static func html(_ text: String) -> String {
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

    /// For Markdown (CommonMark/GFM) inline text and table cells: HTML's specials as entities, the characters
    /// that start emphasis, code, links (`[`, so `(` and `!` need nothing), strikethrough, a heading or a table cell
    /// backslash-escaped (line breaks are controls: `visible` already showed them as `\x0a`).
    static func markdown(_ text: String) -> String {
        var result = ""
        for character in visible(text) {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "|", "~", "#":
                result += "\\" + String(character)
            default: result.append(character)
            }
        }
        return result
    }

    private static func isActive(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF, 0xFFFE, 0xFFFF: true
        default: false
        }
    }
}
