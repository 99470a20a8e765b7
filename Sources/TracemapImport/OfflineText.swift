#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

/// The text of `tracemap stats` and `tracemap diff`. Every name that came from a file goes through
/// `Escaping.visible`.
public enum OfflineText {
    static func ms(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = abs(hundredths % 100)
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func percent(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))%"
    }

    static func seconds(_ value: Double) -> String {
        value < 60 ? "\(TraceDiff.ms(value)) s" : "\(Int(value) / 60) min \(Int(value) % 60) s"
    }

    public static func vantage(_ point: VantagePoint?) -> String {
        guard let point else { return "this machine" }
        var parts = [point.engine]
        if let id = point.id { parts[0] += " \(id)" }
        let place = [point.city, point.country].compactMap { $0 }.joined(separator: ", ")
        if !place.isEmpty { parts.append(place) }
        if let asn = point.asn { parts.append("AS\(asn)" + (point.network.map { " \($0)" } ?? "")) }
        else if let network = point.network { parts.append(network) }
        if let address = point.address { parts.append(address.description) }
        return Escaping.visible(parts.joined(separator: ", "))
    }

    static func target(_ name: String, _ address: IPAddress) -> String {
        let unknown = address.bytes.allSatisfy { $0 == 0 }
        if name == address.description || unknown { return Escaping.visible(name) + (unknown ? " (address unknown)" : "") }
        return "\(Escaping.visible(name)) (\(address))"
    }

    /// The `stats` block of one trace.
    public static func stats(_ summary: TraceSummary, file: String) -> String {
        var lines = ["\(Escaping.visible(file)): \(Escaping.visible(summary.label)) (\(summary.format.title))"]
        func row(_ key: String, _ value: String) { lines.append("  " + key.padding(10) + " " + value) }
        row("target", target(summary.target, summary.targetAddress))
        row("source", summary.source?.description ?? "not recorded")
        row("vantage", vantage(summary.vantage))
        row("when", TimeText.utc(summary.start) + (summary.format.carriesTime ? "" : " (the file's time: "
            + "\(summary.format.title) records none)"))
        row("hops", "\(summary.hops) (\(summary.respondingHops) responding, \(summary.silentHops) silent), destination "
            + (summary.reached ? "reached" : "not reached"))
        if let loss = summary.lossPercent {
            row("loss", percent(loss) + (summary.reached ? " at the destination" : " at the last hop"))
        }
        if let rtt = summary.destinationRTT {
            row("dest RTT", "min \(ms(rtt.minMs)) / avg \(ms(rtt.meanMs)) / max \(ms(rtt.maxMs)) / p95 "
                + (rtt.p95Ms.map(ms) ?? "n/a (per-hop summary only)") + " ms (\(rtt.samples) repl\(rtt.samples == 1 ? "y" : "ies"))")
        }
        row("ASN path", summary.asnPath.isEmpty ? "unknown" : TraceDiff.text(summary.asnPath))
        if !summary.detours.isEmpty { row("detours", summary.detours.map(Escaping.visible).joined(separator: "; ")) }
        if let timeline = summary.timeline {
            row("rounds", "\(timeline.rounds), \(TimeText.utc(timeline.start)) → \(TimeText.utc(timeline.end)) ("
                + seconds(timeline.end.timeIntervalSince(timeline.start)) + ")")
            row("available", percent(timeline.availabilityPercent) + " of rounds reached the destination")
            let kinds = timeline.eventsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            row("events", kinds.isEmpty ? "none" : kinds.joined(separator: ", "))
            for alert in timeline.alerts {
                let at = alert.ttl.map { " at hop \($0)" } ?? ""
                let length: String
                if alert.kind == .routeChange || alert.kind == .rateLimited { length = "at " + TimeText.utc(alert.start) }
                else if alert.open { length = "\(seconds(alert.seconds)), still on at the end" }
                else { length = seconds(alert.seconds) }
                row("alert", "\(alert.kind.rawValue)\(at): \(length) — \(Escaping.visible(alert.message))")
            }
        }
        for note in summary.notes { row("note", Escaping.visible(note)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line per hop: TTL, responders with names and ASNs, loss and mean RTT (`stats --hops`).
    public static func hops(_ document: TraceDocument) -> String {
        var lines: [String] = []
        for hop in document.hops {
            let who = hop.responders.isEmpty ? "*" : hop.responders.map { responder in
                var text = TraceDiff.isUnspecified(responder.address) ? "" : responder.address.description
                if let name = responder.info?.hostname { text += (text.isEmpty ? "" : " ") + Escaping.visible(name) }
                if let asn = responder.info?.asn?.number { text += " AS\(asn)" }
                return text
            }.joined(separator: ", ")
            let rtt = TraceDiff.meanRTT(hop).map { "  avg " + ms($0) + " ms" } ?? ""
            lines.append("  " + String(hop.ttl).leftPadding(3) + "  " + who + "  loss " + percent(hop.lossPercent) + rtt)
        }
        return lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }

    /// The `diff` table and verdict.
    public static func diff(_ diff: TraceDiff, fileA: String, fileB: String) -> String {
        var lines = ["A: \(Escaping.visible(fileA)): \(Escaping.visible(diff.labelA))",
                     "B: \(Escaping.visible(fileB)): \(Escaping.visible(diff.labelB))"]
        let width = max(16, diff.hops.flatMap { $0.a + $0.b }.map { Escaping.visible($0).count }.max() ?? 0) + 2
        lines.append("TTL  " + "A".padding(width) + "B".padding(width) + "RTT A".padding(9) + "RTT B")
        for hop in diff.hops {
            let mark: String
            switch hop.status {
            case .changed: mark = "≠"
            case .onlyA, .onlyB: mark = "±"
            default: mark = hop.rttShift ? "~" : " "
            }
            let a = hop.status == .onlyB ? "" : (hop.a.isEmpty ? "*" : hop.a.map(Escaping.visible).joined(separator: ","))
            let b = hop.status == .onlyA ? "" : (hop.b.isEmpty ? "*" : hop.b.map(Escaping.visible).joined(separator: ","))
            let line = String(hop.ttl).leftPadding(3) + mark + " " + a.padding(width) + b.padding(width)
                + (hop.rttA.map(ms) ?? "").padding(9) + (hop.rttB.map(ms) ?? "")
            lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
        }
        if diff.isSame {
            lines.append("same path: \(diff.lengthB) hops" + (diff.asnPathB.isEmpty ? "" : ", " + TraceDiff.text(diff.asnPathB))
                         + ", no RTT shift ≥ \(TraceDiff.ms(diff.thresholds.rttMs)) ms and ≥ "
                         + "\(TraceDiff.ms(diff.thresholds.rttPercent))%")
        } else {
            lines.append("\(diff.differences.count) difference\(diff.differences.count == 1 ? "" : "s"):")
            lines += diff.differences.map { "  " + Escaping.visible($0) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
