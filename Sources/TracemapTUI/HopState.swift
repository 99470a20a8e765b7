import TracemapReport
import TracemapStats

/// How a hop's row is coloured: the reading an operator needs at a glance. The reading itself is
/// `HopCondition`'s (TracemapStats), the one rule the monitor's rate-limit notes follow too.
public typealias HopState = HopCondition

extension HopCondition {
    public var style: CellStyle {
        switch self {
        case .healthy: CellStyle()
        case .lossBehind: CellStyle(.red, bold: true)
        case .rateLimited: CellStyle(.yellow)
        case .destinationTrouble: CellStyle(.magenta, bold: true)
        case .silent: CellStyle(.dim)
        }
    }

    public var label: String {
        switch self {
        case .healthy: "healthy"
        case .lossBehind: "loss carries on to the destination"
        case .rateLimited: "loss here only (ICMP rate limiting)"
        case .destinationTrouble: "destination trouble"
        case .silent: "silent: sends no time-exceeded"
        }
    }
}
