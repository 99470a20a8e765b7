import Foundation
import XCTest
import TracemapEnrich
import TracemapModel
import TracemapReport
@testable import TracemapTUI

/// The screen under hostile data, `--profile private`, and the smallest allowed terminal.
final class HardeningTests: XCTestCase {
    /// A ten-hop path with many events: more than a 60×12 screen holds.
    private func longFrame() -> Frame {
        var model = TUIModel(meta: Fixtures.meta)
        for index in 0..<6 {
            model.record(Fixtures.round(index, (1...9).map { ("198.51.100.\($0)", Double($0)) } + [("203.0.113.10", 20)]))
        }
        for index in 0..<8 {
            model.record(MonitorEvent(time: Fixtures.start.addingTimeInterval(Double(index)), round: index,
                                      target: "dest.example", kind: .rttSpike, severity: .warning, ttl: 3,
                                      message: "RTT rose at hops 3–10 (event \(index))"))
        }
        return Frame(model: model, hostInfo: [:], now: Fixtures.start.addingTimeInterval(10))
    }

    func testSmallestScreenKeepsTheStatusLineAndSaysWhereHiddenHopsAre() {
        let frame = longFrame()
        let canvas = ScreenRenderer.render(frame, state: ViewState(), width: 60, height: 12)
        let rows = canvas.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var alone = Canvas(width: 60, height: 1)
        StatusPane.render(into: &alone, row: 0, state: ViewState(), replay: false)
        XCTAssertEqual(rows[11], alone.text.split(separator: "\n").first.map(String.init) ?? "", "the status line is intact")
        // Every hop is either drawn or counted: 10 hops, some rows, and the line saying how many are hidden.
        let hopRows = rows.filter { $0.range(of: #"^ *\d+\. "#, options: .regularExpression) != nil }
        let hidden = rows.first { $0.contains("more below") } ?? ""
        let count = Int(hidden.split(separator: " ").first { Int($0) != nil } ?? "0") ?? 0
        XCTAssertGreaterThanOrEqual(hopRows.count, 5, canvas.text)
        XCTAssertEqual(hopRows.count + count, 10, canvas.text)
        // The newest event shows under its pane's title, above the status line.
        XCTAssertTrue(rows[9...10].contains { $0.contains("event 7") }, canvas.text)
        // Moving the selection to the last hop scrolls it into view.
        var state = ViewState()
        state.selectedTTL = 10
        let scrolled = ScreenRenderer.render(frame, state: state, width: 60, height: 12).text
        XCTAssertTrue(scrolled.contains("10. 203.0.1"), scrolled)
        XCTAssertTrue(scrolled.contains("more above"), scrolled)
    }

    func testHostileNamesNeverReachTheTerminalRaw() {
        var info = Fixtures.hostInfo
        info[IPAddress("192.0.2.254")!] = HostInfo(hostname: "evil\u{1b}]52;c;aGk=\u{07}\u{202e}gnp.example",
                                                   asn: ASNInfo(number: 64500, organization: "\u{9b}31mEVIL\u{1b}[2J"),
                                                   location: GeoLocation(city: "\u{1b}[H\u{202e}Paris", countryCode: "FR"))
        let frame = Frame(model: Fixtures.model(), hostInfo: info, now: Fixtures.start.addingTimeInterval(5))
        for screen in [ViewState.Screen.main, .details] {
            var state = ViewState()
            state.screen = screen
            state.selectedTTL = 1
            let canvas = ScreenRenderer.render(frame, state: state, width: 160, height: 40)
            for y in 0..<canvas.height {
                for x in 0..<canvas.width {
                    let character = canvas[x, y].character
                    XCTAssertFalse(character.unicodeScalars.contains { Escaping.isUnsafe($0) },
                                   "row \(y): \(canvas.text.split(separator: "\n")[y])")
                }
            }
        }
    }

    func testPrivateProfileShowsTokensNotAddressesOrNames() {
        var frame = Frame(model: Fixtures.model(), hostInfo: Fixtures.hostInfo, now: Fixtures.start.addingTimeInterval(5))
        frame.redactor = Redactor(salt: 1)
        var model = frame.model
        model.record(MonitorEvent(time: Fixtures.start, round: 1, target: "dest.example", kind: .routeChange,
                                  severity: .warning, ttl: 3, message: "route changed at hop 3: 198.51.100.3 → 198.51.100.33"))
        var redacted = Frame(model: model, hostInfo: Fixtures.hostInfo, now: Fixtures.start.addingTimeInterval(5))
        redacted.redactor = Redactor(salt: 1)
        for names in [true, false] {
            var state = ViewState()
            state.showNames = names
            let text = ScreenRenderer.render(redacted, state: state, width: 160, height: 40).text
            for secret in ["192.0.2.254", "198.51.100.3", "203.0.113.10", "192.0.2.1", "gw.example", "dest.example"] {
                XCTAssertFalse(text.contains(secret), "\(secret) shown:\n\(text)")
            }
            XCTAssertTrue(text.contains("host-"), text)
        }
    }
}
