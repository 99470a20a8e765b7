import XCTest
import TracemapModel
import TracemapReport
@testable import TracemapTUI

/// The panes and the whole screen, read back from the canvas as text.
final class ScreenTests: XCTestCase {
    func testHopRowsFollowTheSharedColumns() {
        let frame = Fixtures.frame()
        var state = ViewState()
        state.showNames = true
        var canvas = Canvas(width: 120, height: 8)
        HopTablePane.render(into: &canvas, rect: Rect(x: 0, y: 0, width: 120, height: 8), frame: frame, state: state)
        let rows = canvas.text.split(separator: "\n").map(String.init)
        XCTAssertTrue(rows[0].hasPrefix(" #  Host"))
        XCTAssertTrue(rows[0].contains(" Loss%   Snt    Last     Avg    Best    Wrst   StDev"))
        // Hop 1: RTTs 1, 2, 3, 4 ms: last 4, mean 2.5, best 1, worst 4, sample σ = sqrt(5/3) = 1.29.
        XCTAssertTrue(rows[1].hasPrefix(" 1. gw.example"), rows[1])
        XCTAssertTrue(rows[1].contains("AS64500"))
        XCTAssertTrue(rows[1].contains("Paris, FR"))
        XCTAssertTrue(rows[1].contains("  0.0%     4    4.00    2.50    1.00    4.00    1.29  ▁▃▆█"), rows[1])
        XCTAssertTrue(rows[2].hasPrefix(" 2. ??? (silent)"), rows[2])
        XCTAssertTrue(rows[2].contains(" 100.0%     4  "), rows[2])
        // Two ECMP branches with two replies each: the lower address leads, the other is listed under it.
        XCTAssertTrue(rows[3].hasPrefix(" 3. 198.51.100.3 "), rows[3])
        XCTAssertTrue(rows[4].hasPrefix("    └ 198.51.100.33  50%"), rows[4])
        XCTAssertTrue(rows[5].hasPrefix(" 4. dest.example"), rows[5])
    }

    func testJitterColumnsAndAddresses() {
        var state = ViewState()
        XCTAssertEqual(KeyMap.action(for: .character("j")), .toggleJitter)
        XCTAssertTrue(state.apply(.toggleJitter, ttls: []))
        XCTAssertTrue(state.apply(.toggleNames, ttls: []))
        var canvas = Canvas(width: 120, height: 3)
        HopTablePane.render(into: &canvas, rect: Rect(x: 0, y: 0, width: 120, height: 3), frame: Fixtures.frame(),
                            state: state)
        XCTAssertTrue(canvas.row(0).contains("Loss%   Snt    Last   Jttr   Javg   Jmax   Jint"), canvas.row(0))
        // Jitter of 1, 2, 3, 4: every step 1 ms.
        XCTAssertTrue(canvas.row(1).hasPrefix(" 1. 192.0.2.254"), canvas.row(1))
        XCTAssertTrue(canvas.row(1).contains("  0.0%     4    4.00    1.0    1.0    1.0    0.2"), canvas.row(1))
    }

    func testRowStates() {
        var model = TUIModel(meta: Fixtures.meta)
        // Hop 1 loses every other probe but hop 2 and the destination answer all: rate limiting.
        // Hop 3 (the destination) then starts losing: destination trouble, and hop 2's loss now carries on.
        for index in 0..<4 {
            model.record(Fixtures.round(index, [index % 2 == 0 ? ("192.0.2.254", 1) : nil, ("198.51.100.2", 5),
                                                ("203.0.113.10", 9)]))
        }
        var states = HopState.classify(model.statistics.orderedHops, rolling: false, destinationReached: true)
        XCTAssertEqual(states[1], .rateLimited)
        XCTAssertEqual(states[2], .healthy)
        XCTAssertEqual(states[3], .healthy)
        for index in 4..<8 {
            model.record(Fixtures.round(index, [("192.0.2.254", 1), index % 2 == 0 ? ("198.51.100.2", 5) : nil,
                                                index % 2 == 0 ? ("203.0.113.10", 9) : nil]))
        }
        states = HopState.classify(model.statistics.orderedHops, rolling: false, destinationReached: true)
        XCTAssertEqual(states[2], .lossBehind)
        XCTAssertEqual(states[3], .destinationTrouble)
    }

    func testTooSmallScreen() {
        let canvas = ScreenRenderer.render(Fixtures.frame(), state: ViewState(), width: 30, height: 8)
        XCTAssertEqual(canvas.text, [
            "",
            "      Terminal too small",
            "    enlarge the window to",
            "        at least 60x12",
            "          (now 30x8)",
            "           q quits",
            "",
            "",
        ].joined(separator: "\n"))

    }

    func testFullScreenHasEveryPane() {
        let canvas = ScreenRenderer.render(Fixtures.frame(), state: ViewState(), width: 160, height: 40)
        let text = canvas.text
        XCTAssertTrue(canvas.row(0).hasPrefix("tracemap 192.0.2.1 → dest.example (203.0.113.10)  ICMP raw  round 4  01:15"),
                      canvas.row(0))
        XCTAssertTrue(canvas.row(0).contains(" LIVE "))
        XCTAssertTrue(text.contains("── Map: world (z: zoom to path)"))
        XCTAssertTrue(text.contains("── Alerts: 0 active, 0 events"))
        XCTAssertTrue(canvas.row(39).hasPrefix(" q quit  ↑↓ select  Enter details  j jitter"), canvas.row(39))
        XCTAssertTrue(text.contains("⣿"), "land is drawn in braille")
    }

    func testASCIIScreenHasNoBraille() {
        var state = ViewState()
        state.unicode = false
        let canvas = ScreenRenderer.render(Fixtures.frame(), state: state, width: 120, height: 40)
        XCTAssertFalse(canvas.text.unicodeScalars.contains { (0x2800...0x28ff).contains($0.value) })
        XCTAssertTrue(canvas.text.contains("#"))
        XCTAssertTrue(canvas.row(0).contains("->"))
    }

    func testMapMarkersAndPath() {
        let points = [MapPane.Point(ttl: 1, latitude: 48.85, longitude: 2.35, rtt: 1),
                      MapPane.Point(ttl: 3, latitude: 40.7, longitude: -74, rtt: 80),
                      MapPane.Point(ttl: 4, latitude: 35.7, longitude: 139.7, rtt: 200)]
        let canvas = MapPane.draw(points: points, changed: [3], width: 90, height: 24, zoomed: false, unicode: true)
        let projection = MapProjection.world(dotWidth: 180, dotHeight: 96)
        let paris = projection.dot(latitude: 48.85, longitude: 2.35)!
        XCTAssertEqual(canvas[paris.x / 2, paris.y / 4].character, "1")
        XCTAssertEqual(canvas[paris.x / 2, paris.y / 4].style, CellStyle(.green, bold: true, reverse: true))
        let newYork = projection.dot(latitude: 40.7, longitude: -74)!
        XCTAssertEqual(canvas[newYork.x / 2, newYork.y / 4].character, "3")
        // Hop 3 changed in the newest route change: its marker and the segment into it are highlighted.
        XCTAssertEqual(canvas[newYork.x / 2, newYork.y / 4].style.color, .magenta)
        let middle = ((paris.x + newYork.x) / 2, (paris.y + newYork.y) / 2)
        XCTAssertEqual(canvas[middle.0 / 2, middle.1 / 4].style.color, .magenta)
        // Paris, Frankfurt and Amsterdam are neighbours at world scale: one label, not three that overwrite.
        let europe = [MapPane.Point(ttl: 1, latitude: 48.86, longitude: 2.35, rtt: 1),
                      MapPane.Point(ttl: 2, latitude: 50.11, longitude: 8.68, rtt: 6),
                      MapPane.Point(ttl: 3, latitude: 52.37, longitude: 4.9, rtt: 12)]
        let small = MapPane.draw(points: europe, changed: [], width: 93, height: 19, zoomed: false, unicode: true)
        let digits = small.text.filter { $0.isNumber || $0 == "-" || $0 == "," }
        XCTAssertEqual(digits, "1-3", small.text)
        XCTAssertEqual(MapPane.markerLabel([3, 4, 5]), "3-5")
        XCTAssertEqual(MapPane.markerLabel([3, 4]), "3,4")
    }

    func testZoomFitsThePath() {
        let frame = Fixtures.frame()
        var state = ViewState()
        _ = state.apply(.toggleZoom, ttls: frame.ttls)
        var canvas = Canvas(width: 100, height: 20)
        MapPane.render(into: &canvas, rect: Rect(x: 0, y: 0, width: 100, height: 20), frame: frame, state: state)
        XCTAssertTrue(canvas.row(0).hasPrefix("── Map: path (z: world)"))
        let digits = canvas.text.filter { "134".contains($0) }
        XCTAssertTrue(digits.contains("1") && digits.contains("4"), canvas.text)
    }

    func testDetailsOfAHop() {
        let frame = Fixtures.frame()
        var state = ViewState()
        _ = state.apply(.openDetails, ttls: frame.ttls)
        XCTAssertEqual(state.screen, .details)
        XCTAssertEqual(state.selectedTTL, 1)
        let canvas = ScreenRenderer.render(frame, state: state, width: 140, height: 40)
        let text = canvas.text
        XCTAssertTrue(text.contains("── Hop 1 of 4: healthy"), text)
        XCTAssertTrue(text.contains("192.0.2.254  gw.example  100% of replies"))
        XCTAssertTrue(text.contains("ASN: AS64500 Example   class: documentation"))
        XCTAssertTrue(text.contains("Location: Paris, FR  48.85, 2.35  ±50 km  confidence: origin of the check"), text)
        XCTAssertTrue(text.contains("since start"))
        XCTAssertTrue(text.contains("window (60 rounds)"))
        XCTAssertTrue(text.contains("RTT history, last 4 probes"))
        XCTAssertTrue(text.contains("Histogram (4 replies)"))
        _ = state.apply(.back, ttls: frame.ttls)
        XCTAssertEqual(state.screen, .main)
    }

    func testKeysMoveTheSelectionWithoutClashingWithJitter() {
        var state = ViewState()
        let ttls = [1, 2, 3, 4]
        XCTAssertEqual(KeyMap.action(for: .character("J")), .down)
        XCTAssertEqual(KeyMap.action(for: .character("k")), .up)
        XCTAssertEqual(KeyMap.action(for: .down), .down)
        _ = state.apply(.down, ttls: ttls)
        _ = state.apply(.down, ttls: ttls)
        XCTAssertEqual(state.selectedTTL, 3)
        _ = state.apply(.bottom, ttls: ttls)
        XCTAssertEqual(state.selectedTTL, 4)
        _ = state.apply(.up, ttls: ttls)
        XCTAssertEqual(state.selectedTTL, 3)
        XCTAssertEqual(state.effectiveSelection(among: [1, 2]), 2)
        XCTAssertEqual(KeyMap.action(for: .resize), .redraw)
        XCTAssertNil(KeyMap.action(for: .character("Z")))
    }

    func testHelpListsEveryBinding() {
        var state = ViewState()
        _ = state.apply(.help, ttls: [])
        let text = ScreenRenderer.render(Fixtures.frame(), state: state, width: 120, height: 40).text
        for binding in KeyMap.bindings { XCTAssertTrue(text.contains(binding.help), binding.help) }
    }

    func testAlertsNewestFirst() {
        var model = Fixtures.model()
        let old = MonitorEvent(time: Fixtures.start, round: 1, target: "dest.example", kind: .rttSpike,
                               severity: .warning, ttl: 4, message: "RTT up")
        let new = MonitorEvent(time: Fixtures.start.addingTimeInterval(2), round: 3, target: "dest.example",
                               kind: .routeChange, severity: .warning, ttl: 3, message: "hop 3 changed",
                               oldPath: [["192.0.2.254"], [], ["198.51.100.3"]].map { $0.compactMap(IPAddress.init) },
                               newPath: [["192.0.2.254"], [], ["198.51.100.33"]].map { $0.compactMap(IPAddress.init) })
        model.record(old)
        model.record(new)
        XCTAssertEqual(model.events.count, 2)
        XCTAssertEqual(model.activeAlerts, 1)
        XCTAssertEqual(model.recentlyChangedTTLs(), [3])
        var canvas = Canvas(width: 80, height: 4)
        AlertsPane.render(into: &canvas, rect: Rect(x: 0, y: 0, width: 80, height: 4),
                          frame: Frame(model: model), state: ViewState())
        XCTAssertTrue(canvas.row(0).hasPrefix("── Alerts: 1 active, 2 events"))
        XCTAssertTrue(canvas.row(1).contains("hop 3  route-change hop 3 changed"), canvas.row(1))
        XCTAssertTrue(canvas.row(2).contains("hop 4  rtt-spike    RTT up"), canvas.row(2))
    }
}
