#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Names from files are hostile data: a PTR record or an mtr file can hold terminal escape sequences.
public enum TextSafety {
    /// `text` with every control character (C0, DEL, C1) and backslash written as a visible escape ("\e", "\x07",
    /// "\u{9b}", "\\"), so printing it cannot move the cursor, retitle the window or recolour the terminal.
    public static func terminal(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x5c: out += "\\\\"
            case 0x1b: out += "\\e"
            case 0x00..<0x20, 0x7f:
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            case 0x80..<0xa0, 0x2028, 0x2029, 0x202a...0x202e, 0x2066...0x2069:
                // C1 controls (0x9b is a one-byte CSI) and bidirectional overrides.
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// UTC times as text without a locale (no DateFormatter, which pulls in ICU).
public enum UTCTime {
    /// "2025-11-29 18:20:00 UTC".
    public static func text(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let seconds = total - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) UTC"
    }
}
