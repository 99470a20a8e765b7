#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport
import TracemapStats

/// What a parser knows besides the bytes: the file's name (for messages) and a time for formats that carry none.
struct ImportContext: Sendable {
    var path: String
    /// The file's modification time: the "when" of a trace whose format has no timestamp (mtr, trippy, Cloudflare).
    var fileDate: Date

    func malformed(_ format: ImportFormat, _ reason: String) -> ImportError {
        .malformed(path: path, format: format, reason: reason)
    }
}

enum ImportSupport {
    /// Counts a file states are believed up to this many probes per hop: a hostile "packets_sent": 1e12 must not
    /// make a replay allocate a trillion probes.
    static let maxProbesPerHop = 10_000
    /// IP's TTL is one byte.
    static let maxTTL = 255

    static func clampCount(_ value: Int) -> Int { min(maxProbesPerHop, max(0, value)) }

    /// The unspecified address stands in for a target or responder a file names without an address
    /// (mtr without `-n` gives names only); it never answers a real probe, so it cannot be mistaken for one.
    static func unspecified(like other: IPAddress? = nil) -> IPAddress {
        other?.family == .v6 ? IPAddress("::")! : IPAddress("0.0.0.0")!
    }

    static func probeProtocol(_ text: String?) -> ProbeProtocol {
        switch text?.lowercased() {
        case let value? where value.contains("tcp"): .tcp
        case let value? where value.contains("udp"): .udp
        default: .icmp
        }
    }

    /// The reply kind the destination gives to a probe of this protocol.
    static func destinationKind(_ kind: ProbeProtocol) -> ReplyKind {
        switch kind {
        case .icmp: .echoReply
        case .udp: .portUnreachable
        case .tcp: .tcpSynAck
        }
    }

    static func meta(target name: String, address: IPAddress?, source: IPAddress?, protocolKind: ProbeProtocol,
                     queries: Int?, startedAt: Date, endedAt: Date? = nil, vantage: VantagePoint) -> TraceMeta {
        var options = ProbeOptions()
        options.protocolKind = protocolKind
        if let queries, queries > 0 { options.queries = queries }
        let target = TraceTarget(name: name, address: address ?? unspecified(like: source))
        var meta = TraceMeta(target: target, source: source, method: .imported, options: options,
                             startedAt: startedAt, endedAt: endedAt)
        meta.vantage = vantage
        return meta
    }

    /// A document computed from probes, exactly as `trace --json` computes its own.
    static func document(meta: TraceMeta, probes: [ProbeRecord], info: [IPAddress: HostInfo]) -> TraceDocument {
        var statistics = PathStatistics(windowRounds: 1)
        statistics.record(Round(index: 0, startedAt: meta.startedAt, endedAt: meta.endedAt ?? meta.startedAt,
                                probes: probes))
        return TraceDocument(meta: meta, statistics: statistics, probes: probes, info: info)
    }

    /// "AS13335", "13335", 13335 → 13335; "AS???" and "" → nil.
    static func asn(_ value: JSONValue?) -> UInt32? {
        if case .number(let number)? = value { return number > 0 && number < 4_294_967_296 ? UInt32(number) : nil }
        guard var text = value?.string else { return nil }
        if text.uppercased().hasPrefix("AS") { text = String(text.dropFirst(2)) }
        return UInt32(text).flatMap { $0 > 0 ? $0 : nil }
    }

    /// A host name from a file, or nil when it is only the address again (or a placeholder).
    static func hostname(_ name: String?, address: IPAddress?) -> String? {
        guard let name, !name.isEmpty, name != "*", name != "???" else { return nil }
        if let address, IPAddress(name) == address { return nil }
        return name
    }

    static func info(hostname: String?, asn: UInt32?) -> HostInfo? {
        guard hostname != nil || asn != nil else { return nil }
        return HostInfo(hostname: hostname, asn: asn.map { ASNInfo(number: $0) })
    }

    /// Gives each trace a distinct label: a second "probe 6012" becomes "probe 6012 (2)".
    static func uniqueLabels(_ traces: [ImportedTrace]) -> [ImportedTrace] {
        var seen: [String: Int] = [:]
        return traces.map { trace in
            var trace = trace
            let count = (seen[trace.label] ?? 0) + 1
            seen[trace.label] = count
            if count > 1 { trace.label += " (\(count))" }
            return trace
        }
    }

    /// ISO 8601 UTC as APIs write it: "2023-02-17T18:11:52.825Z" or with "+00:00"; nil otherwise.
    static func isoDate(_ text: String?) -> Date? {
        guard let text else { return nil }
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 19, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var fraction = 0.0
        var index = 19
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
           let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6) {
            offset = (hours * 60 + minutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        // Days from the civil date (Howard Hinnant's algorithm), proleptic Gregorian, UTC.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
