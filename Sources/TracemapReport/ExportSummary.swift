import Foundation
import TracemapGeo
import TracemapModel

/// The facts an export's summary states, read once from the document so every format says the same.
struct ExportSummary {
    var hops: Int
    var responding: Int
    var silent: Int
    var destinationTTL: Int?
    var destinationBest: Double?
    var destinationMean: Double?
    var destinationWorst: Double?
    var destinationLoss: Double?
    var sent: Int

    init(_ document: TraceDocument) {
        let hops = document.hops.sorted { $0.ttl < $1.ttl }
        self.hops = hops.count
        responding = hops.filter { !$0.responders.isEmpty }.count
        silent = hops.filter { $0.responders.isEmpty }.count
        let destination = document.reached
            ? hops.last { $0.responders.contains { $0.kind.isFromDestination } } ?? hops.last : nil
        destinationTTL = destination?.ttl
        destinationBest = destination?.figures.best
        destinationWorst = destination?.figures.worst
        destinationMean = destination?.figures.mean
        destinationLoss = destination?.lossPercent
        sent = hops.map(\.sent).max() ?? 0
    }

    /// "reached at hop 7: best 42.17 ms, avg 42.30 ms, worst 42.51 ms, loss 0.0%" or "not reached".
    var result: String {
        guard let ttl = destinationTTL else { return "destination not reached" }
        var parts = ["reached at hop \(ttl)"]
        var figures: [String] = []
        if let best = destinationBest { figures.append("best \(best.formatted(decimals: 2)) ms") }
        if let mean = destinationMean { figures.append("avg \(mean.formatted(decimals: 2)) ms") }
        if let worst = destinationWorst { figures.append("worst \(worst.formatted(decimals: 2)) ms") }
        if let loss = destinationLoss { figures.append("loss \(loss.formatted(decimals: 1))%") }
        if !figures.isEmpty { parts.append(figures.joined(separator: ", ")) }
        return parts.joined(separator: ": ")
    }

    static func geography(_ geography: GeoAssessment?) -> String {
        guard let geography else { return "no locations to check" }
        let impossible = geography.findings.filter { $0.kind == .impossible }.count
        let detours = geography.findings.filter { $0.kind == .detour }.count
        let verdict = impossible + detours == 0 ? "every location agrees with its RTT"
            : [impossible > 0 ? "\(impossible) impossible location\(impossible == 1 ? "" : "s")" : nil,
               detours > 0 ? "\(detours) detour\(detours == 1 ? "" : "s")" : nil].compactMap { $0 }
                .joined(separator: ", ")
        let from = geography.origin.map { "checked from \($0.summary)" } ?? "no origin: detours only"
        return "\(verdict) (\(geography.checked) located responder\(geography.checked == 1 ? "" : "s"), \(from))"
    }

    static func probing(_ meta: TraceMeta) -> String {
        var text = "\(meta.protocolKind.rawValue.uppercased()) via \(meta.method.rawValue)"
        if meta.options.flows > 1 { text += ", \(meta.options.flows) flows" }
        return text
    }

    static func vantage(_ meta: TraceMeta) -> String? {
        guard let vantage = meta.vantage else { return nil }
        let place = [vantage.city, vantage.country].compactMap { $0 }.joined(separator: ", ")
        let network = [vantage.asn.map { "AS\($0)" }, vantage.network].compactMap { $0 }.joined(separator: " ")
        return [vantage.engine + (vantage.id.map { " \($0)" } ?? ""), place, network]
            .filter { !$0.isEmpty }.joined(separator: ", ")
    }
}
