import TracemapStats

/// The hop field table (`TracemapStats.HopField`) under the name the table views knew it by, for the files that
/// import only TracemapReport.
public typealias HopColumn = HopField
