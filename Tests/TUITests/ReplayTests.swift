import XCTest
import TracemapModel
@testable import TracemapTUI

final class ReplayTests: XCTestCase {
    func lines(rounds: Int) -> [RecordingLine] {
        var lines: [RecordingLine] = [.header(Fixtures.meta)]
        for index in 0..<rounds {
            lines.append(.round(Fixtures.round(index, [("192.0.2.254", 1), ("203.0.113.10", 5)])))
            if index == 2 {
                lines.append(.event(MonitorEvent(time: Fixtures.start.addingTimeInterval(2.1), round: 2,
                                                 target: "dest.example", kind: .rttSpike, severity: .warning, ttl: 2,
                                                 message: "spike")))
            }
        }
        return lines
    }

    func testPlaysAtTheRecordedPace() throws {
        var player = try ReplayPlayer(lines: lines(rounds: 10))
        XCTAssertEqual(player.position, 0)
        player.advance(by: 0)
        XCTAssertEqual(player.position, 1, "the first round starts at once")
        player.advance(by: 1.5)
        XCTAssertEqual(player.position, 2)
        player.speed = 4
        player.advance(by: 0.5)
        XCTAssertEqual(player.position, 4)
        XCTAssertEqual(player.model.events.count, 1, "the event written after round 3 is in")
        XCTAssertEqual(player.model.rounds, 4)
        player.playing = false
        XCTAssertFalse(player.advance(by: 100))
    }

    func testSeeksBothWays() throws {
        var player = try ReplayPlayer(lines: lines(rounds: 10))
        player.seek(to: 8)
        XCTAssertEqual(player.model.rounds, 8)
        XCTAssertEqual(player.model.statistics.hops[1]?.sent, 8)
        player.seek(to: 2)
        XCTAssertEqual(player.model.rounds, 2)
        XCTAssertEqual(player.model.events.count, 0)
        player.seek(to: 99)
        XCTAssertTrue(player.isAtEnd)
        XCTAssertEqual(player.playback, Frame.Playback(position: 10, total: 10, speed: 1, playing: false))
        player.faster()
        XCTAssertEqual(player.speed, 2)
        player.slower()
        player.slower()
        XCTAssertEqual(player.speed, 0.5)
    }

    func testRefusesAFileWithoutHeader() {
        XCTAssertThrowsError(try ReplayPlayer(lines: [.round(Fixtures.round(0, [("192.0.2.254", 1)]))]))
    }

    func testReplayHeaderShowsPosition() throws {
        var player = try ReplayPlayer(lines: lines(rounds: 10))
        player.seek(to: 5)
        player.playing = false
        let frame = Frame(model: player.model, playback: player.playback)
        let canvas = ScreenRenderer.render(frame, state: ViewState(), width: 140, height: 30)
        XCTAssertTrue(canvas.row(0).contains("REPLAY PAUSED 1× 5/10"), canvas.row(0))
        XCTAssertTrue(canvas.row(29).contains("+/- speed"))
    }
}
