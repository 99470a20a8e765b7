import NIOConcurrencyHelpers
import Prometheus
import TracemapModel
import TracemapMonitor
import TracemapStats

/// Turns monitor snapshots and events into Prometheus series. It reads only what the monitor publishes
/// (`MonitorSnapshot`, `MonitorEvent`), never the monitor itself, and can be fed from any task.
///
/// Counters mirror the monitor's cumulative counts: each snapshot moves a counter by the difference to the last
/// value it showed (a count that went down, after a statistics reset, restarts the counter, which Prometheus reads
/// as a counter reset). The RTT histogram records the replies of each new round the snapshots carry; the monitor
/// keeps only the newest snapshot for a slow reader, so a round skipped that way is missing from the histogram
/// (never from the counters or the other RTT figures). Series of a hop that left the path are removed.
public final class MetricsExporter: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let state = NIOLockedValueBox(State())

    public init(version: String = TracemapVersion.current) {
        registry = PrometheusCollectorRegistry()
        state.withLockedValue { state in
            state.series(.buildInfo, [version], in: registry)?.set(to: 1)
        }
    }

    /// A feed for one watched target. Its `target` label is the host name as given; a name watched twice gets
    /// `#2`, `#3`… so that two monitors never add into one series.
    public func target(named name: String) -> MetricsTarget {
        let label = state.withLockedValue { state -> String in
            var label = name
            var number = 1
            while state.targets[label] != nil {
                number += 1
                label = "\(name)#\(number)"
            }
            state.targets[label] = TargetState()
            return label
        }
        return MetricsTarget(exporter: self, label: label)
    }

    /// The text exposition (format 0.0.4) of every series.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }

    fileprivate func update(_ snapshot: MonitorSnapshot, label: String) {
        state.withLockedValue { $0.update(snapshot, label: label, registry: registry) }
    }

    fileprivate func record(_ event: MonitorEvent, label: String) {
        state.withLockedValue { $0.record(event, label: label, registry: registry) }
    }
}

/// One target's feed: hand it every snapshot and every event of that target's monitor.
public struct MetricsTarget: Sendable {
    let exporter: MetricsExporter
    /// The value of the `target` label.
    public let label: String

    public func update(_ snapshot: MonitorSnapshot) { exporter.update(snapshot, label: label) }
    public func record(_ event: MonitorEvent) { exporter.record(event, label: label) }
}

/// The alert kinds that stay active until a recovery: their `alerts_active` series always exist, 0 or 1.
private let activeAlertKinds: [MonitorEvent.Kind] = [.destinationLost, .destinationUnreachable, .loss, .rttSpike]

private struct TargetState {
    var hops: Set<Int> = []
    var responders: [Int: Set<String>] = [:]
    var info: [String]?
    var method: String?
    var lastHistogramRound = -1
}

/// One series: its handle in the registry and, for a counter, the value it shows.
private enum Series {
    case counter(Counter, Int)
    case gauge(Gauge)
    case histogram(ValueHistogram)
}

private struct SeriesKey: Hashable {
    var family: String
    var labels: [String]
}

private struct State {
    var targets: [String: TargetState] = [:]
    var series: [SeriesKey: Series] = [:]
    var methods: [String: Int] = [:]

    /// The gauge of `family` with these label values, made on first use; nil when the family is not a gauge or
    /// the values do not match its label names (a programming error this declines rather than trapping).
    mutating func series(_ family: MetricFamily, _ values: [String],
                         in registry: PrometheusCollectorRegistry) -> Gauge? {
        guard case .gauge(let gauge) = handle(family, values, registry) else { return nil }
        return gauge
    }

    mutating func setCounter(_ family: MetricFamily, _ values: [String], to total: Int,
                             in registry: PrometheusCollectorRegistry) {
        guard case .counter(let counter, let shown) = handle(family, values, registry) else { return }
        let key = SeriesKey(family: family.name, labels: values)
        if total >= shown {
            counter.increment(by: Int64(total - shown))
        } else {
            counter.reset()
            counter.increment(by: Int64(max(0, total)))
        }
        series[key] = .counter(counter, max(0, total))
    }

    mutating func addCounter(_ family: MetricFamily, _ values: [String], in registry: PrometheusCollectorRegistry) {
        guard case .counter(let counter, let shown) = handle(family, values, registry) else { return }
        counter.increment()
        series[SeriesKey(family: family.name, labels: values)] = .counter(counter, shown + 1)
    }

    mutating func histogram(_ family: MetricFamily, _ values: [String],
                            in registry: PrometheusCollectorRegistry) -> ValueHistogram? {
        guard case .histogram(let histogram) = handle(family, values, registry) else { return nil }
        return histogram
    }

    private mutating func handle(_ family: MetricFamily, _ values: [String],
                                 _ registry: PrometheusCollectorRegistry) -> Series? {
        guard values.count == family.labels.count, !values.isEmpty else { return nil }
        let key = SeriesKey(family: family.name, labels: values)
        if let existing = series[key] { return existing }
        let labels = Array(zip(family.labels, values))
        let descriptor = MetricNameDescriptor(metricName: family.name, unitName: "", helpText: family.help)
        let made: Series
        switch family.kind {
        case .counter: made = .counter(registry.makeCounter(descriptor: descriptor, labels: labels), 0)
        case .gauge: made = .gauge(registry.makeGauge(descriptor: descriptor, labels: labels))
        case .histogram:
            made = .histogram(registry.makeValueHistogram(descriptor: descriptor, labels: labels,
                                                          buckets: MetricFamily.rttBuckets))
        }
        series[key] = made
        return made
    }

    mutating func remove(_ family: MetricFamily, _ values: [String], from registry: PrometheusCollectorRegistry) {
        switch series.removeValue(forKey: SeriesKey(family: family.name, labels: values)) {
        case .counter(let counter, _)?: registry.unregisterCounter(counter)
        case .gauge(let gauge)?: registry.unregisterGauge(gauge)
        case .histogram(let histogram)?: registry.unregisterValueHistogram(histogram)
        case nil: break
        }
    }

    // MARK: Feeding

    mutating func update(_ snapshot: MonitorSnapshot, label: String, registry: PrometheusCollectorRegistry) {
        guard var target = targets[label] else { return }
        defer { targets[label] = target }
        let statistics = snapshot.statistics
        let one = [label]

        let info = [label, snapshot.meta.target.address.description, snapshot.meta.protocolKind.rawValue]
        if target.info != info {
            if let old = target.info { remove(.targetInfo, old, from: registry) }
            series(.targetInfo, info, in: registry)?.set(to: 1)
            target.info = info
        }
        let method = snapshot.meta.method.rawValue
        if target.method != method {
            if let old = target.method { methods[old, default: 1] -= 1 }
            methods[method, default: 0] += 1
            for (name, count) in methods { series(.targets, [name], in: registry)?.set(to: Double(count)) }
            target.method = method
        }

        setCounter(.rounds, one, to: snapshot.rounds, in: registry)
        let reachable = statistics.destinationTTL != nil && !snapshot.destinationLost
        series(.reachable, one, in: registry)?.set(to: reachable ? 1 : 0)
        let hops = statistics.orderedHops
        series(.pathLength, one, in: registry)?.set(to: Double(statistics.destinationTTL ?? hops.last?.ttl ?? 0))
        series(.pathID, one, in: registry)?.set(to: Double(Self.pathID(snapshot.path)))
        for kind in activeAlertKinds {
            let active = snapshot.alerts.contains { $0.kind == kind }
            series(.alertsActive, [label, kind.rawValue], in: registry)?.set(to: active ? 1 : 0)
        }
        // Route changes exist from the start at 0, so that `increase()` sees the first one.
        setCounter(.routeChanges, one, to: counterValue(.routeChanges, one), in: registry)

        var present: Set<Int> = []
        for hop in hops {
            present.insert(hop.ttl)
            update(hop, label: label, target: &target, registry: registry)
        }
        for ttl in target.hops.subtracting(present) { removeHop(ttl, label: label, target: &target, registry: registry) }
        target.hops = present

        if let round = snapshot.lastRound, round.index > target.lastHistogramRound {
            target.lastHistogramRound = round.index
            for probe in round.probes where present.contains(probe.ttl) {
                guard case .reply(let reply) = probe.outcome, reply.rtt.isFinite, reply.rtt >= 0 else { continue }
                histogram(.rtt, [label, String(probe.ttl)], in: registry)?.record(reply.rtt / 1000)
            }
        }
    }

    private func counterValue(_ family: MetricFamily, _ values: [String]) -> Int {
        if case .counter(_, let shown)? = series[SeriesKey(family: family.name, labels: values)] { return shown }
        return 0
    }

    private mutating func update(_ hop: HopStatistics, label: String, target: inout TargetState,
                                 registry: PrometheusCollectorRegistry) {
        let labels = [label, String(hop.ttl)]
        // The hop fields' families, read from the same figures every view shows. A field without a value makes
        // no series: a silent hop has no RTT, not an RTT of 0.
        let figures = StatsView.cumulative(hop)
        for (field, family) in MetricFamily.fieldFamilies.map({ ($0, $0.family) }) {
            guard let value = field.value(figures) else { continue }
            switch family.kind {
            case .counter: setCounter(family, labels, to: Int(value), in: registry)
            case .gauge, .histogram: series(family, labels, in: registry)?.set(to: value)
            }
        }
        let recent = Set(hop.responders.values.filter { !$0.window.samples.isEmpty }.map(\.address.description))
        series(.responders, labels, in: registry)?.set(to: Double(recent.count))
        let old = target.responders[hop.ttl] ?? []
        for address in old.subtracting(recent) { remove(.responderInfo, labels + [address], from: registry) }
        for address in recent.subtracting(old) { series(.responderInfo, labels + [address], in: registry)?.set(to: 1) }
        target.responders[hop.ttl] = recent
    }

    private mutating func removeHop(_ ttl: Int, label: String, target: inout TargetState,
                                    registry: PrometheusCollectorRegistry) {
        let labels = [label, String(ttl)]
        for family in MetricFamily.all where family.labels == MetricFamily.hopLabels {
            remove(family, labels, from: registry)
        }
        for address in target.responders[ttl] ?? [] { remove(.responderInfo, labels + [address], from: registry) }
        target.responders[ttl] = nil
    }

    mutating func record(_ event: MonitorEvent, label: String, registry: PrometheusCollectorRegistry) {
        guard targets[label] != nil else { return }
        addCounter(.events, [label, event.kind.rawValue], in: registry)
        if event.kind == .routeChange { addCounter(.routeChanges, [label], in: registry) }
    }

    /// FNV-1a (32 bits) over the path's text: TTLs separated by `|`, ECMP alternatives sorted and joined by `,`.
    /// 32 bits keep the value exact in a float64 sample; 0 stands for "no path established yet".
    static func pathID(_ path: [[IPAddress]]) -> UInt32 {
        guard !path.isEmpty else { return 0 }
        let text = path.map { $0.map(\.description).sorted().joined(separator: ",") }.joined(separator: "|")
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash == 0 ? 1 : hash
    }
}
