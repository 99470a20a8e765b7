import Foundation
import XCTest
import TracemapModel
import TracemapStats
@testable import TracemapReport

/// Hostile text — names from reverse DNS and Team Cymru, places from GeoIP files — through every output kind.
final class EscapingTests: XCTestCase {
    static let hostile = [
        "evil\u{1b}]52;c;aGVsbG8=\u{07}.example",       // OSC 52: writes the clipboard
        "clear\u{1b}[2J\u{1b}[H.example",                // clears the screen
        "abc\u{202e}lmth.exe",                          // right-to-left override
        "c1\u{9b}31m.example",                          // 8-bit CSI
        "<script>alert(1)</script>",
        "=HYPERLINK(\"http://x\",\"y\")",
        String(repeating: "a", count: 300),
        "bad\u{FFFD}utf8",
    ]

    func testTerminalEscapingLeavesNoControlOrBidiCharacter() {
        for name in Self.hostile {
            let safe = Escaping.terminal(name)
            XCTAssertFalse(safe.unicodeScalars.contains { Escaping.isUnsafe($0) }, safe)
            XCTAssertLessThanOrEqual(safe.count, 256)
        }
        XCTAssertEqual(Escaping.terminal("x\u{1b}[2Jy"), "x\\x1b[2Jy")
        XCTAssertEqual(Escaping.terminal("a\u{202e}b"), "a\\u{202e}b")
        XCTAssertEqual(Escaping.terminal("router1.fra.example.net"), "router1.fra.example.net")
    }

    func testCSVFieldsCannotStartAFormulaOrBreakARow() {
        XCTAssertEqual(Escaping.csv("=1+2"), "'=1+2")
        XCTAssertEqual(Escaping.csv("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(Escaping.csv("-2+3"), "'-2+3")
        XCTAssertEqual(Escaping.csv("a,b"), "\"a,b\"")
        XCTAssertEqual(Escaping.csv("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertFalse(Escaping.csv("two\nlines").contains("\n"))
    }

    func testJSONEscapesBidiAndC1AndStaysTheSameString() throws {
        let encoded = String(decoding: try JSONEncoder().encode(["name": "a\u{202e}b\u{9b}c"]), as: UTF8.self)
        let safe = Escaping.json(encoded)
        XCTAssertFalse(safe.unicodeScalars.contains { Escaping.isUnsafe($0) && $0 != "\n" }, safe)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(safe.utf8))
        XCTAssertEqual(decoded["name"], "a\u{202e}b\u{9b}c")
    }

    func testHTMLAndMarkdownAreInert() {
        XCTAssertEqual(Escaping.html("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        XCTAssertEqual(Escaping.markdown("a|b*c"), "a\\|b\\*c")
    }

    func testTableAndCSVOfAHostileTraceStayOneLinePerHopAndAligned() {
        let target = TraceTarget(name: "dest", address: IPAddress("203.0.113.10")!)
        let meta = TraceMeta(target: target, source: IPAddress("192.0.2.100"), method: .raw, options: ProbeOptions(),
                             startedAt: Date(timeIntervalSince1970: 1_700_000_000))
        var probes: [ProbeRecord] = []
        var info: [IPAddress: HostInfo] = [:]
        for (index, name) in Self.hostile.enumerated() {
            let address = IPAddress("198.51.100.\(index + 1)")!
            probes.append(ProbeRecord(ttl: index + 1, flow: 0, sequence: UInt16(index), sentAt: meta.startedAt,
                                      outcome: .reply(ProbeReply(responder: address, rtt: 1, kind: .timeExceeded))))
            info[address] = HostInfo(hostname: name, location: GeoLocation(city: name, countryCode: "\u{1b}[31m"),
                                     addressClass: .documentation)
        }
        var statistics = PathStatistics(windowRounds: 1)
        statistics.record(Round(index: 0, startedAt: meta.startedAt, endedAt: meta.startedAt, probes: probes))
        let naming = TraceRenderer.Naming(showNames: true, info: info)
        let table = TraceRenderer.table(meta: meta, statistics: statistics, columns: HopField.columns("LS")!,
                                        naming: naming)
        XCTAssertFalse(table.unicodeScalars.contains { Escaping.isUnsafe($0) && $0 != "\n" }, table)
        XCTAssertEqual(table.split(separator: "\n").count, 2 + Self.hostile.count + 1, table)
        let csv = TraceRenderer.csv(meta: meta, statistics: statistics, columns: HopField.columns("LS")!, naming: naming)
        XCTAssertFalse(csv.unicodeScalars.contains { Escaping.isUnsafe($0) && $0 != "\n" }, csv)
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + Self.hostile.count, csv)
        XCTAssertTrue(csv.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","), csv)
    }
}
