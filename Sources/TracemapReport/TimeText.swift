#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Time stamps as text without Foundation's locale machinery: `DateFormatter` loads ICU and its data (megabytes
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

    /// Two digits, zero-padded (0…99).
    static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
