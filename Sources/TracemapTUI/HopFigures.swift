import TracemapReport
import TracemapStats

/// The hop table reads its columns from the hop field table (`TracemapStats.HopField`, mtr's letters), the same
/// one `trace`, CSV, JSON, the exports and the metrics use; this only picks the statistics the view asks for.
extension StatsView {
    /// Since start, or over the rolling window (`w`).
    static func of(_ hop: HopStatistics, rolling: Bool) -> StatsView {
        rolling ? .window(hop) : .cumulative(hop)
    }
}

enum TUIColumns {
    /// mtr's default columns, or the jitter columns its `j` key shows.
    static func current(jitter: Bool, fields: String = HopField.defaultLetters) -> [HopField] {
        HopField.columns(jitter ? HopField.jitterLetters : fields) ?? HopField.columns(HopField.defaultLetters) ?? []
    }

    /// A column's cell with one blank before it, so neighbours never run together ("100.0%" fills Loss%).
    static func cell(_ column: HopField, _ view: StatsView) -> String { " " + column.cell(view) }
    static func header(_ column: HopField) -> String { " " + column.header }
    static func width(_ columns: [HopField]) -> Int { columns.reduce(0) { $0 + $1.width + 1 } }
}
