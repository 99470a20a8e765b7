import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TracemapGeo
import TracemapModel
import TracemapStats
import XCTest
@testable import TracemapReport

/// The exports (`tracemap export`): what a reader of each format sees, and that nothing from the trace can act.
final class ExportTests: XCTestCase {
    /// A PTR name as hostile as DNS allows and more: markup, a terminal escape (ESC [ 31 m), a right-to-left
    /// override, a Markdown table break.
    static let hostileName = "<script>alert(1)</script>\u{1B}[31m\u{202E}moc.evil|**x**"

    private let start = Date(timeIntervalSince1970: 1_800_000_000)
    private let paris = GeoLocation(city: "Paris", countryCode: "FR", latitude: 48.86, longitude: 2.35)
    private let newYork = GeoLocation(city: "New York", countryCode: "US", latitude: 40.71, longitude: -74.0)

    /// TTL 1 in Paris at 1 ms (the stand-in origin) with the hostile name, TTL 2 silent, TTL 3 said to be in New
    /// York at 30 ms (5,837 km away: impossible), TTL 4 the destination in New York at 80 ms.
    private func trace(rounds count: Int = 1) -> (meta: TraceMeta, rounds: [Round], info: [IPAddress: HostInfo]) {
        func probe(_ ttl: Int, _ from: String?, _ rtt: Double, at time: Date) -> ProbeRecord {
            ProbeRecord(ttl: ttl, flow: 0, sequence: UInt16(ttl), sentAt: time,
                        outcome: from.map { .reply(ProbeReply(responder: IPAddress($0)!, rtt: rtt,
                                                              kind: ttl == 4 ? .echoReply : .timeExceeded)) }
                            ?? .timeout)
        }
        let rounds = (0..<count).map { index -> Round in
            let time = start.addingTimeInterval(Double(index))
            return Round(index: index, startedAt: time, endedAt: time.addingTimeInterval(0.2), probes: [
                probe(1, "198.51.100.1", 1.0 + Double(index % 2), at: time), probe(2, nil, 0, at: time),
                probe(3, "198.51.100.3", 30, at: time),
                probe(4, index == 2 ? nil : "203.0.113.10", 80 + Double(index), at: time),
            ])
        }
        let meta = TraceMeta(target: TraceTarget(name: "dest.example", address: IPAddress("203.0.113.10")!),
                             source: IPAddress("192.0.2.1"), method: .raw, options: ProbeOptions(), startedAt: start,
                             endedAt: start.addingTimeInterval(1))
        let info: [IPAddress: HostInfo] = [
            IPAddress("198.51.100.1")!: HostInfo(hostname: Self.hostileName, asn: ASNInfo(number: 64500),
                                                 location: paris, addressClass: .documentation),
            IPAddress("198.51.100.3")!: HostInfo(hostname: "core.nyc.example", location: newYork,
                                                 addressClass: .documentation),
            IPAddress("203.0.113.10")!: HostInfo(hostname: "dest.example", asn: ASNInfo(number: 64510),
                                                 location: newYork, addressClass: .documentation),
        ]
        return (meta, rounds, info)
    }

    private func document() -> TraceDocument {
        let (meta, rounds, info) = trace()
        var statistics = PathStatistics(windowRounds: 1)
        statistics.record(rounds[0])
        return TraceDocument(meta: meta, statistics: statistics, probes: rounds[0].probes, info: info)
    }

    private func recording() -> ExportTrace {
        let (meta, rounds, info) = trace(rounds: 5)
        let event = MonitorEvent(time: start.addingTimeInterval(2), round: 2, target: "dest.example",
                                 kind: .destinationLost, severity: .critical, ttl: 4,
                                 message: "no answer from <b>" + Self.hostileName)
        return ExportTrace.recording(meta: meta, rounds: rounds, events: [event], info: info)
    }

    // MARK: Geography in the document and the table

    func testTheDocumentCarriesTheGeographyCheck() throws {
        let document = document()
        let geography = try XCTUnwrap(document.geography)
        XCTAssertEqual(geography.origin?.source, .hop)
        XCTAssertEqual(geography.origin?.ttl, 1)
        XCTAssertEqual(geography.findings.map(\.kind), [.impossible])
        XCTAssertEqual(geography.findings[0].ttl, 3)
        // Paris–New York 5,837 km; the stand-in's 1 ms puts us within 100 km of Paris: (5,837 − 100) / 100 ms.
        XCTAssertEqual(geography.findings[0].message, "impossible: 5,837 km (±100 km) needs ≥ 57 ms, measured 30 ms")
        XCTAssertEqual(document.hops.first { $0.ttl == 3 }?.responders[0].info?.confidence, .low)
        XCTAssertEqual(document.hops.first { $0.ttl == 4 }?.responders[0].info?.confidence, .normal)
        let json = try TraceRenderer.json(document)
        XCTAssertTrue(json.contains("\"geography\""), json)
        XCTAssertTrue(json.contains("\"kind\" : \"impossible\""), json)
        // And it reads back.
        let decoded = try TracemapJSON.decoder().decode(TraceDocument.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.geography, document.geography)
        // `--origin` in New York: now Paris is the impossible one (1 ms), New York at 30 ms is fine.
        let fromNewYork = document.checkGeography(origin: GeoLocation(latitude: 40.71, longitude: -74.0))
        XCTAssertEqual(fromNewYork?.origin?.source, .option)
        XCTAssertEqual(fromNewYork?.findings.map(\.ttl), [1])
    }

    func testTheTableMarksAndExplainsAnImpossiblePlace() {
        let (meta, rounds, info) = trace()
        var statistics = PathStatistics(windowRounds: 1)
        statistics.record(rounds[0])
        let table = TraceRenderer.table(meta: meta, statistics: statistics, columns: HopField.columns("LSA")!,
                                        naming: TraceRenderer.Naming(info: info))
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("3.") && $0.hasSuffix("New York, US !") }, table)
        XCTAssertTrue(lines.contains { $0.hasPrefix("4.") && $0.hasSuffix("New York, US") }, table)
        XCTAssertTrue(table.contains("geography, checked from hop 1 (Paris, FR, 1.0 ms) standing in for the vantage point:"),
                      table)
        XCTAssertTrue(table.contains("  ! hop 3 core.nyc.example (198.51.100.3): impossible: 5,837 km (±100 km) "
                                     + "needs ≥ 57 ms, measured 30 ms"), table)
        // Without places there is nothing to say.
        let plain = TraceRenderer.table(meta: meta, statistics: statistics, columns: HopField.columns("LSA")!,
                                        naming: TraceRenderer.Naming())
        XCTAssertFalse(plain.contains("geography"), plain)
    }

    // MARK: HTML

    func testHTMLIsOneWellFormedPageThatNeedsNoNetwork() throws {
        let html = HTMLExport.render(recording())
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        for reference in ["http://", "https://", "src=", "href=", "url(", "@import", "<link", "//cdn"] {
            XCTAssertFalse(html.contains(reference), "the page refers to \(reference)")
        }
        try assertBalancedTags(html)
        // The pieces a reader expects: the map with land, path and markers, the table, the timeline, the events.
        XCTAssertTrue(html.contains("<svg class=\"map\""))
        XCTAssertTrue(html.contains("class=\"land\""))
        XCTAssertEqual(html.components(separatedBy: "<g class=\"marker\"").count - 1, 2, "Paris and New York")
        XCTAssertTrue(html.contains("<table class=\"hops\">"))
        XCTAssertTrue(html.contains("Timeline at the destination"))
        XCTAssertTrue(html.contains("destination-lost"))
        XCTAssertTrue(html.contains("impossible: 5,837 km"))
        XCTAssertEqual(html.components(separatedBy: "<script>").count - 1, 1, "only the page's own script")
    }

    func testHTMLEscapesEverythingFromTheTrace() throws {
        let html = HTMLExport.render(recording())
        XCTAssertFalse(html.contains("<script>alert"))
        XCTAssertFalse(html.contains("<b>"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[31m\\u{202e}moc.evil|**x**"), html)
        XCTAssertFalse(html.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
    }

    // MARK: SVG

    func testSVGIsWellFormedXMLWithEscapedNames() throws {
        var trace = recording()
        trace.label = "probe <1> & \u{1B}]0;title\u{07}"
        let svg = SVGMap.render(trace)
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "SVG is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        XCTAssertFalse(svg.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        XCTAssertFalse(svg.unicodeScalars.contains { $0.value == 0x202E })
        XCTAssertTrue(svg.contains("probe &lt;1&gt; &amp; \\x1b]0;title\\x07"), svg)
        XCTAssertFalse(svg.contains("<script"))
        XCTAssertTrue(svg.contains("<path class=\"land\""))
        // The impossible hop is red with a "!" beside its TTL.
        XCTAssertTrue(svg.contains(">3 !</text>") || svg.contains(">3–4 !</text>"), svg)
    }

    // MARK: Markdown

    func testMarkdownReportForATicket() {
        let markdown = MarkdownReport.render(recording())
        XCTAssertTrue(markdown.hasPrefix("## tracemap: dest.example (203.0.113.10)\n"))
        XCTAssertTrue(markdown.contains("| **Result** | reached at hop 4: best 80.00 ms"), markdown)
        XCTAssertTrue(markdown.contains("| **Events** | 1 (1 alert) |"), markdown)
        XCTAssertTrue(markdown.contains("### Hops"))
        XCTAssertTrue(markdown.contains("| 2 | *(silent)* |"), markdown)
        XCTAssertTrue(markdown.contains("| New York, US ⚠ impossible |"), markdown)
        XCTAssertTrue(markdown.contains("**critical** `destination-lost` hop 4"), markdown)
        XCTAssertTrue(markdown.contains("The destination answered in 4 of 5 rounds (80.0%)."), markdown)
        XCTAssertTrue(markdown.contains("- hop 3 (198.51.100.3): impossible: 5,837 km"), markdown)
        // Every table row has the header's 11 cells: no name can add a column.
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains("%") && !$0.contains("**") }
        for row in rows {
            let cells = row.replacingOccurrences(of: "\\|", with: "").split(separator: "|", omittingEmptySubsequences: false)
            XCTAssertEqual(cells.count, 13, String(row))
        }
    }

    func testMarkdownEscapesHostileNames() {
        let markdown = MarkdownReport.render(recording())
        XCTAssertFalse(markdown.contains("<script>"))
        XCTAssertFalse(markdown.contains("<b>"))
        XCTAssertTrue(markdown.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\\\x1b\\[31m\\\\u{202e}moc.evil\\|\\*\\*x\\*\\*"),
                      markdown)
        XCTAssertFalse(markdown.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
    }

    // MARK: mtr JSON

    /// What mtr 0.95 wrote here for `mtr --json -c 3 -n 198.51.100.2` through one Linux router, then a silent
    /// destination (Tests/NetworkTests' kind of namespace path): the shape tools built for mtr read.
    static let realMTR = """
        {
            "report": {
                "mtr": {
                    "src": "vm",
                    "dst": "198.51.100.2",
                    "tos": 0,
                    "tests": 2,
                    "psize": "64",
                    "bitpattern": "0x00"
                },
                "hubs": [
                    {
                        "count": 1,
                        "host": "192.0.2.2",
                        "Loss%": 0.0,
                        "Snt": 2,
                        "Last": 0.064,
                        "Avg": 0.062,
                        "Best": 0.061,
                        "Wrst": 0.064,
                        "StDev": 0.002
                    },
                    {
                        "count": 2,
                        "host": "???",
                        "Loss%": 100.0,
                        "Snt": 2,
                        "Last": 0.0,
                        "Avg": 0.0,
                        "Best": 0.0,
                        "Wrst": 0.0,
                        "StDev": 0.0
                    }
                ]
            }
        }
        """

    /// Each line with its value blanked: indentation, key order and punctuation only.
    private func skeleton(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            guard let colon = line.range(of: "\": ") else { return String(line) }
            let value = line[colon.upperBound...]
            return String(line[..<colon.upperBound]) + (value.hasSuffix(",") ? "V," : "V")
        }
    }

    func testMTRJSONHasMtrsOwnShape() throws {
        let document = document()
        let ours = MTRJSONExport.render(document)
        // Our four hops against mtr's two: compare the head, one hub, and the tail line by line.
        let mine = skeleton(ours), theirs = skeleton(Self.realMTR)
        XCTAssertEqual(Array(mine.prefix(12)), Array(theirs.prefix(12)))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ours.utf8)) as? [String: Any])
        let report = try XCTUnwrap(object["report"] as? [String: Any])
        let mtr = try XCTUnwrap(report["mtr"] as? [String: Any])
        XCTAssertEqual(mtr["dst"] as? String, "dest.example")
        XCTAssertEqual(mtr["tests"] as? Int, 1)
        XCTAssertEqual(mtr["psize"] as? String, "64")
        let hubs = try XCTUnwrap(report["hubs"] as? [[String: Any]])
        XCTAssertEqual(hubs.map { $0["count"] as? Int }, [1, 2, 3, 4])
        XCTAssertEqual(hubs[1]["host"] as? String, "???", "a silent hop is mtr's ???")
        XCTAssertEqual(hubs[1]["Loss%"] as? Double, 100)
        XCTAssertEqual(hubs[2]["host"] as? String, "core.nyc.example")
        XCTAssertEqual(hubs[2]["Avg"] as? Double, 30)
        XCTAssertEqual(hubs[0]["ASN"] as? String, "AS64500", "ASN as mtr -z writes it")
        XCTAssertEqual(hubs[2]["ASN"] as? String, "AS???")
        // The hostile name is JSON-escaped: nothing raw reaches a reader's terminal.
        XCTAssertTrue(ours.contains("\"host\": \"<script>alert(1)</script>\\u001b[31m\\u202emoc.evil|**x**\""), ours)
        XCTAssertEqual(hubs[0]["host"] as? String, Self.hostileName)
        // Every hub has mtr's keys in mtr's order.
        let hubKeys = skeleton(ours).filter { $0.hasPrefix("                \"") }.prefix(10)
        XCTAssertEqual(hubKeys.map { $0.trimmingCharacters(in: .whitespaces) },
                       ["\"count\": V,", "\"host\": V,", "\"ASN\": V,", "\"Loss%\": V,", "\"Snt\": V,", "\"Last\": V,",
                        "\"Avg\": V,", "\"Best\": V,", "\"Wrst\": V,", "\"StDev\": V"])
    }

    func testMTRNumbersAreRoundedLikeMtr() {
        XCTAssertEqual(MTRJSONExport.number(0.22), "0.22")
        XCTAssertEqual(MTRJSONExport.number(0.0644), "0.064")
        XCTAssertEqual(MTRJSONExport.number(100), "100.0")
        XCTAssertEqual(MTRJSONExport.number(nil), "0.0")
        XCTAssertEqual(MTRJSONExport.number(33.33333), "33.333")
    }

    // MARK: CSV

    func testCSVIsTraceCSV() {
        let (meta, rounds, info) = trace()
        var statistics = PathStatistics(windowRounds: 1)
        statistics.record(rounds[0])
        let columns = HopField.columns(HopField.defaultLetters)!
        let expected = TraceRenderer.csv(meta: meta, statistics: statistics, columns: columns,
                                         naming: TraceRenderer.Naming(info: info))
        XCTAssertEqual(ExportCSV.render([ExportTrace(document: document())], columns: columns), expected)
        // The hostile name is there, with its ESC and its bidi override made harmless (Escaping.csv).
        XCTAssertTrue(expected.contains("moc.evil"), expected)
        XCTAssertFalse(expected.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
    }

    // MARK: Recordings

    func testARecordingGivesATimeline() throws {
        let trace = recording()
        let timeline = try XCTUnwrap(trace.timeline)
        XCTAssertEqual(timeline.points.map(\.round), [0, 1, 2, 3, 4])
        XCTAssertEqual(timeline.points.map(\.rttMs), [80, 81, nil, 83, 84])
        XCTAssertEqual(timeline.points.map(\.lossPercent), [0, 0, 100, 0, 0])
        XCTAssertEqual(trace.document.hops.first { $0.ttl == 4 }?.sent, 5)
        XCTAssertEqual(trace.document.meta.endedAt, start.addingTimeInterval(4.2))
    }

    func testTextSafety() {
        XCTAssertEqual(Escaping.visible("a\u{1B}[2Jb\u{7F}\u{9B}c\u{200F}\u{2066}d"), "a\\x1b[2Jb\\x7f\\x9bc\\u{200f}\\u{2066}d")
        XCTAssertEqual(Escaping.html("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;")
        // A line break is a control too: shown, so no name can end a table row.
        XCTAssertEqual(Escaping.markdown("a|b*c_[d](e)`f`\n#g"), "a\\|b\\*c\\_\\[d\\](e)\\`f\\`\\\\x0a\\#g")
        XCTAssertEqual(Escaping.visible("São Paulo, 東京"), "São Paulo, 東京", "letters stay letters")
    }

    /// Every element opened is closed, in order (void elements and `<… />` aside); script and style bodies are
    /// skipped whole.
    private func assertBalancedTags(_ html: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let void: Set<String> = ["meta", "br", "link", "img", "input", "hr", "!doctype"]
        var stack: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            rest = rest[open...]
            guard let close = rest.firstIndex(of: ">") else { XCTFail("unclosed <", file: file, line: line); return }
            let tag = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            let name = tag.split(whereSeparator: { $0 == " " || $0 == "/" && tag.first != "/" }).first
                .map { $0.lowercased() } ?? ""
            if tag.hasPrefix("/") {
                let closing = String(tag.dropFirst()).lowercased()
                XCTAssertEqual(stack.popLast(), closing, "</\(closing)> closes the wrong element", file: file, line: line)
            } else if tag.hasSuffix("/") || void.contains(name) {
                continue
            } else {
                stack.append(name)
                if name == "script" || name == "style" {
                    guard let end = rest.range(of: "</\(name)>") else { XCTFail("no </\(name)>"); return }
                    rest = rest[end.lowerBound...]
                }
            }
        }
        XCTAssertEqual(stack, [], "elements left open", file: file, line: line)
    }
}

extension ExportTests {
    func testGeographyWarningsForStats() {
        XCTAssertEqual(document().geographyWarnings(),
                       ["hop 3 (198.51.100.3): impossible: 5,837 km (±100 km) needs ≥ 57 ms, measured 30 ms"])
        let unlocated = TraceDocument(meta: document().meta, reached: true, hops: [])
        XCTAssertEqual(unlocated.geographyWarnings(), [])
    }
}

extension ExportTests {
    /// Paris at 1 ms (the origin), New York at 80 ms (possible: 58 ms needed), London at 50 ms (possible alone),
    /// but out through New York to London and back is 5,837 + 5,570 + 344 km: 58.7 ms > 50 ms.
    func testTheTableMarksBothEndsOfADetour() {
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        func probe(_ ttl: Int, _ from: String, _ rtt: Double) -> ProbeRecord {
            ProbeRecord(ttl: ttl, flow: 0, sequence: UInt16(ttl), sentAt: time,
                        outcome: .reply(ProbeReply(responder: IPAddress(from)!, rtt: rtt,
                                                   kind: ttl == 3 ? .echoReply : .timeExceeded)))
        }
        var statistics = PathStatistics(windowRounds: 1)
        statistics.record(Round(index: 0, startedAt: time, endedAt: time, probes: [
            probe(1, "198.51.100.1", 1), probe(2, "198.51.100.2", 80), probe(3, "203.0.113.10", 50),
        ]))
        let london = GeoLocation(city: "London", countryCode: "GB", latitude: 51.51, longitude: -0.13)
        let info: [IPAddress: HostInfo] = [IPAddress("198.51.100.1")!: HostInfo(location: paris),
                                           IPAddress("198.51.100.2")!: HostInfo(location: newYork),
                                           IPAddress("203.0.113.10")!: HostInfo(location: london)]
        let meta = TraceMeta(target: TraceTarget(name: "203.0.113.10", address: IPAddress("203.0.113.10")!),
                             source: nil, method: .raw, options: ProbeOptions(), startedAt: time)
        let table = TraceRenderer.table(meta: meta, statistics: statistics, columns: HopField.columns("A")!,
                                        naming: TraceRenderer.Naming(info: info))
        let lines = table.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("1.") && $0.hasSuffix("Paris, FR") }, table)
        XCTAssertTrue(lines.contains { $0.hasPrefix("2.") && $0.hasSuffix("New York, US ~") }, table)
        XCTAssertTrue(lines.contains { $0.hasPrefix("3.") && $0.hasSuffix("London, GB ~") }, table)
        XCTAssertTrue(table.contains("  ~ detour: hop 2→3 spans 5,570 km (New York, US → London, GB): out and back "
                                     + "through both needs ≥ 57 ms, measured 50 ms"), table)
    }
}

extension ExportTests {
    func testALongRecordingsTimelineStaysSmall() {
        let points = (0..<3_001).map { index in
            TraceTimeline.Point(round: index, time: start.addingTimeInterval(Double(index)),
                                rttMs: index == 1_234 ? 5 : 50, lossPercent: index % 3 == 0 ? 100 : 0)
        }
        let buckets = HTMLExport.bucketed(points, limit: 1_500)
        XCTAssertLessThanOrEqual(buckets.count, 1_500)
        XCTAssertEqual(buckets.compactMap(\.rttMs).min(), 5, "the best RTT survives")
        XCTAssertEqual(buckets[0].lossPercent, 100.0 / 3, accuracy: 1e-9)
    }
}
