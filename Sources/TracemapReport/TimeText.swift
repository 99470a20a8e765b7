#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The one time formatter: time stamps as text without Foundation's locale machinery: `DateFormatter` loads ICU and its data (megabytes
/// of resident memory in a long-running `watch`); `localtime_r` reads only the time zone file.
public enum TimeText {
    /// Local wall-clock time, `yyyy-MM-dd HH:mm:ss`.
    public static func local(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return "\(Int(parts.tm_year) + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    /// UTC, `2026-11-29 20:10:56 UTC` (`seconds: false` drops `:56`), from the civil date of the days since
    /// 1970-01-01 (Howard Hinnant's `civil_from_days`), so no time zone or locale is read.
    public static func utc(_ date: Date, seconds: Bool = true) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let second = total - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let clock = two(second / 3600) + ":" + two(second / 60 % 60) + (seconds ? ":" + two(second % 60) : "")
        return "\(year)-\(two(month))-\(two(day)) \(clock) UTC"
    }

    /// `2026-11-29 20:22:29 – 20:23:14 UTC`, the end's date only when it differs.
    public static func utcSpan(_ start: Date, _ end: Date?) -> String {
        guard let end, Int(end.timeIntervalSince1970) != Int(start.timeIntervalSince1970) else { return utc(start) }
        let a = utc(start), b = utc(end)
        return a.prefix(10) == b.prefix(10) ? String(a.dropLast(4)) + " – " + String(b.dropFirst(11)) : a + " – " + b
    }

    /// The UTC time of day, `20:10:56`.
    public static func utcClock(_ date: Date) -> String {
        String(utc(date).dropFirst(11).dropLast(4))
    }

    /// Two digits, zero-padded (0…99).
    static func two<Value: BinaryInteger>(_ value: Value) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
