import TracemapStats

/// Every metric the exporter serves: one table, so a name has exactly one type, one help text and one set of
/// label names. swift-prometheus stops the process (`fatalError`) on a help or type conflict within a name and on
/// labelled plus unlabelled series in one family; creating series only through this table rules both out.
/// Names and units follow https://prometheus.io/docs/practices/naming/: base units (seconds, ratios), `_total`
/// on counters, `_info` on constant-1 series that carry labels.
public struct MetricFamily: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    public let name: String
    public let kind: Kind
    public let help: String
    /// Never empty: every family is labelled (swift-prometheus forbids mixing, and `build_info` needs labels).
    public let labels: [String]

    init(_ name: String, _ kind: Kind, _ labels: [String], _ help: String) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.help = help
    }

    static let targetLabels = ["target"]
    static let hopLabels = ["target", "ttl"]

    // Process.
    public static let buildInfo = MetricFamily(
        "tracemap_build_info", .gauge, ["version"], "Always 1; the version of the tracemap binary serving these metrics.")
    public static let targets = MetricFamily(
        "tracemap_targets", .gauge, ["method"], "Targets watched by this process, by probing method.")

    // Per target.
    public static let targetInfo = MetricFamily(
        "tracemap_target_info", .gauge, ["target", "address", "protocol"],
        "Always 1; the address a target resolved to and the probe protocol.")
    public static let rounds = MetricFamily(
        "tracemap_target_rounds_total", .counter, targetLabels, "Rounds completed.")
    public static let reachable = MetricFamily(
        "tracemap_target_reachable", .gauge, targetLabels,
        "1 while the destination answers (it answered and no destination-lost alert is active), else 0.")
    public static let pathLength = MetricFamily(
        "tracemap_target_path_length", .gauge, targetLabels,
        "Hops to the destination (its TTL), or to the farthest hop that answered while it does not answer.")
    public static let pathID = MetricFamily(
        "tracemap_target_path_id", .gauge, targetLabels,
        "A 32-bit hash of the established path (responders per TTL); it changes when the route changes.")
    public static let routeChanges = MetricFamily(
        "tracemap_target_route_changes_total", .counter, targetLabels, "Route changes confirmed by the monitor.")
    public static let events = MetricFamily(
        "tracemap_target_events_total", .counter, ["target", "kind"], "Monitor events raised, by kind.")
    public static let alertsActive = MetricFamily(
        "tracemap_target_alerts_active", .gauge, ["target", "kind"],
        "1 while an alert of this kind (destination-lost, loss, rtt-spike) is raised and not recovered.")

    // Per hop (TTL) of a target.
    /// The families of the hop fields that declare a metric (`HopField.metric`, next to the field: probes sent
    /// and received, loss ratio, last/mean/min/max/σ RTT), each with the field it reads.
    public static let fieldFamilies: [FieldFamily] = HopField.all.compactMap { field in
        field.metric.map { metric in
            FieldFamily(field: field, family: MetricFamily(metric.name, metric.kind == .counter ? .counter : .gauge,
                                                           hopLabels, metric.help))
        }
    }
    public static let rtt = MetricFamily(
        "tracemap_hop_rtt_seconds", .histogram, hopLabels, "Round-trip times of the replies.")
    public static let responders = MetricFamily(
        "tracemap_hop_responders", .gauge, hopLabels,
        "Distinct addresses that answered at this TTL within the statistics window (above 1: ECMP or a change).")
    public static let responderInfo = MetricFamily(
        "tracemap_hop_responder_info", .gauge, ["target", "ttl", "responder"],
        "Always 1; an address that answered at this TTL within the statistics window.")

    public static let all: [MetricFamily] = [
        buildInfo, targets, targetInfo, rounds, reachable, pathLength, pathID, routeChanges, events, alertsActive,
    ] + fieldFamilies.map(\.family) + [rtt, responders, responderInfo]

    /// Upper bounds of the RTT histogram, seconds: 0.5 ms (a LAN) to 5 s (a satellite hop under load).
    public static let rttBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                              2.5, 5]
}

/// A per-hop family and the hop field whose value it carries (scaled to the family's base unit).
public struct FieldFamily: Sendable {
    public let field: HopField
    public let family: MetricFamily

    public func value(_ view: StatsView) -> Double? {
        field.value(view).map { $0 * (field.metric?.scale ?? 1) }
    }
}
