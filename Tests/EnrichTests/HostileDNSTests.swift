import Foundation
import TracemapModel
import TracemapReport
import TracemapStats
import XCTest
@testable import TracemapEnrich

/// Reverse-DNS names and Team Cymru answers are written by whoever controls the address space: a real DNS server
/// on loopback (`HostileResolver`) serves escape sequences, bidi overrides, non-UTF-8 bytes, `<script>` and
/// formulas, and every output kind must show them as inert text.
final class HostileDNSTests: XCTestCase {
    private static let addresses = (1...6).map { IPAddress("192.0.2.\($0)")! }

    private static func answers() -> [String: (DNSRecordType, DNSRecordData)] {
        // 255 bytes on the wire, the most a name may have: 250 raw ESC bytes, 1000 characters once escaped.
        let long = ([63, 63, 63, 61]).map { String(repeating: "\\027", count: $0) }.joined(separator: ".")
        let names = [
            "evil\\027]52;c;aGVsbG8=\\007.example",             // OSC 52 (clipboard) in raw bytes
            "clear\\027[2J\\027[H.example",                      // clear screen
            "a\\226\\128\\174gnp.exe.example",                   // U+202E right-to-left override, UTF-8 bytes
            "<script>alert(1)</script>.example",
            "=cmd|'/c calc'!A1.example",
            long,
        ]
        var table: [String: (DNSRecordType, DNSRecordData)] = [:]
        for (address, name) in zip(addresses, names) {
            let reversed = address.bytes.reversed().map(String.init).joined(separator: ".")
            table["\(reversed).in-addr.arpa"] = (.ptr, .ptr(name))
            // Team Cymru: the origin and the AS name, with control bytes and invalid UTF-8 in the TXT strings.
            let asn = 64500 + Int(address.bytes[3])
            table["\(reversed).origin.asn.cymru.com"] = (.txt, .txt(["\(asn) | 192.0.2.0/24 | \u{1b}[31mDE | ripencc | 2001-01-01"]))
            let raw: [UInt8] = Array("\(asn) | DE | ripencc | 2001-01-01 | EVIL\u{1b}]0;pwned\u{07} \u{202e}CORP ".utf8) + [0xff, 0xfe, 0x9b]
            table["as\(asn).asn.cymru.com"] = (.txt, .other([UInt8(raw.count)] + raw))
        }
        return table
    }

    func testHostileNamesAndTXTAnswersAreInertInTableCSVAndJSON() async throws {
        let server = HostileResolver(answers: Self.answers())
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var options = EnrichmentOptions(profile: .default, overrides: EnrichmentOverrides())
        options.resolver = ResolverEndpoint(parsing: server.endpoint)
        options.cacheDirectory = directory.file("cache")
        options.lookupSpecialAddresses = true
        options.geo = false
        let enricher = Enricher(options: options)
        let info = await enricher.resolve(Self.addresses, timeout: .seconds(5))

        // The names arrived (the server really served them) and carry no raw control byte (RFC 4343 \DDD).
        XCTAssertEqual(info.values.compactMap(\.hostname).count, Self.addresses.count, "\(info)")
        for name in info.values.compactMap(\.hostname) {
            XCTAssertFalse(name.unicodeScalars.contains { Escaping.isUnsafe($0) }, name)
        }
        XCTAssertTrue(info.values.contains { $0.asn?.organization?.contains("EVIL") ?? false }, "\(info)")

        let target = TraceTarget(name: "dest", address: Self.addresses.last!)
        let meta = TraceMeta(target: target, source: IPAddress("192.0.2.100"), method: .raw, options: ProbeOptions(),
                             startedAt: Date(timeIntervalSince1970: 1_700_000_000))
        let probes = Self.addresses.enumerated().map { index, address in
            ProbeRecord(ttl: index + 1, flow: 0, sequence: UInt16(index), sentAt: meta.startedAt,
                        outcome: .reply(ProbeReply(responder: address, rtt: 1,
                                                   kind: address == target.address ? .echoReply : .timeExceeded)))
        }
        var statistics = PathStatistics(windowRounds: 1)
        statistics.record(Round(index: 0, startedAt: meta.startedAt, endedAt: meta.startedAt, probes: probes))
        let naming = TraceRenderer.Naming(showNames: true, info: info)
        let columns = HopField.columns("LS")!

        let table = TraceRenderer.table(meta: meta, statistics: statistics, columns: columns, naming: naming)
        XCTAssertFalse(table.unicodeScalars.contains { Escaping.isUnsafe($0) && $0 != "\n" }, table)
        XCTAssertEqual(table.split(separator: "\n").count, 2 + Self.addresses.count, table)
        XCTAssertTrue(table.split(separator: "\n").allSatisfy { $0.count < 300 }, "a 1000-character name is cut")

        let csv = TraceRenderer.csv(meta: meta, statistics: statistics, columns: columns, naming: naming)
        XCTAssertFalse(csv.unicodeScalars.contains { Escaping.isUnsafe($0) && $0 != "\n" }, csv)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + Self.addresses.count, csv)
        XCTAssertTrue(csv.contains(",'=cmd|'/c\\032calc'!A1.example,"), csv)

        let document = TraceDocument(meta: meta, statistics: statistics, probes: probes, info: info)
        let json = Escaping.json(try TraceRenderer.json(document))
        XCTAssertFalse(json.unicodeScalars.contains { Escaping.isUnsafe($0) && $0 != "\n" }, json)
        // JSON is data: the same strings come back to a JSON reader, none of them able to drive a terminal.
        let decoded = try TracemapJSON.decoder().decode(TraceDocument.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.probes, probes)
    }
}
