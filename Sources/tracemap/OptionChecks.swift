import ArgumentParser
import TracemapModel

/// Option ranges, checked at the edge (in each command's `validate`) with the range and the value given in the
/// message, so that no library ever sees `inf`, `nan`, a negative count or a number that overflows a `Duration`.
enum OptionCheck {
    /// `value` must be finite and within `range`; `unit` ("ms", "s") follows the range in the message.
    static func number(_ value: Double, _ flag: String, _ range: ClosedRange<Double>, unit: String = "") throws {
        guard value.isFinite, range.contains(value) else {
            throw ValidationError("\(flag) must be \(show(range.lowerBound))…\(show(range.upperBound))"
                                  + (unit.isEmpty ? "" : " \(unit)") + " (got \(show(value)))")
        }
    }

    /// `value` must be within `range`.
    static func integer(_ value: Int, _ flag: String, _ range: ClosedRange<Int>, unit: String = "") throws {
        guard range.contains(value) else {
            throw ValidationError("\(flag) must be \(range.lowerBound)…\(range.upperBound)"
                                  + (unit.isEmpty ? "" : " \(unit)") + " (got \(value))")
        }
    }

    /// A number as the user would have typed it: 1000 not 1000.0, and inf/nan spelled out.
    static func show(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A checked duration from seconds the edge validated; the fallback only guards against a missed check.
    static func seconds(_ value: Double) -> Duration {
        Duration.checked(seconds: value) ?? .seconds(1)
    }

    /// A checked duration from milliseconds the edge validated.
    static func milliseconds(_ value: Double) -> Duration {
        Duration.checked(milliseconds: value) ?? .seconds(1)
    }
}
