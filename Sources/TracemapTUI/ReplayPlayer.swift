import Foundation
import TracemapModel
import TracemapMonitor

/// A recording played back at the recorded pace, faster or slower, with seeking. Pure: time comes in through
/// `advance(by:)`, so tests step it by hand.
public struct ReplayPlayer: Sendable {
    public let meta: TraceMeta
    public let rounds: [Round]
    /// Every event with the number of rounds written before it (its place in the file).
    public let events: [(after: Int, event: MonitorEvent)]
    public let windowRounds: Int
    /// Rounds applied so far (0 … rounds.count).
    public private(set) var position = 0
    public private(set) var model: TUIModel
    public var speed: Double = 1
    public var playing = true
    /// Recording time the playback has reached.
    private var clock: Date

    public static let speeds: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64]
    /// Longer silences in a recording (a paused watch, a laptop asleep) are skipped, not waited out.
    static let longestWait: TimeInterval = 5

    public init(lines: [RecordingLine], windowRounds: Int = 60) throws(TUIInputError) {
        var meta: TraceMeta?
        var rounds: [Round] = []
        var events: [(Int, MonitorEvent)] = []
        for line in lines {
            switch line {
            case .header(let header): meta = meta ?? header
            case .round(let round): rounds.append(round)
            case .event(let event): events.append((rounds.count, event))
            }
        }
        guard let meta else {
            throw TUIInputError(description: "no header line: not a tracemap recording")
        }
        self.meta = meta
        self.rounds = rounds
        self.events = events
        self.windowRounds = windowRounds
        model = TUIModel(meta: meta, windowRounds: windowRounds)
        clock = rounds.first?.startedAt ?? meta.startedAt
        applyEvents(upTo: 0)
    }

    /// Reads a recording file through the monitor's reader; unreadable lines are skipped (a killed writer
    /// leaves at most a torn last line), a file without a header is refused.
    /// The first line must be a header (anything else is not a recording: read no further), and a fatal problem
    /// (an overlong line, an unknown schema version, a read error) is refused with its line.
    public init(path: String, windowRounds: Int = 60) throws {
        let reader = try RecordingReader(path: path)
        var lines: [RecordingLine] = []
        for entry in reader {
            switch entry {
            case .success(let line):
                if lines.isEmpty, case .header = line {} else if lines.isEmpty {
                    throw TUIInputError(description: "no header line: not a tracemap recording")
                }
                lines.append(line)
            case .failure(let problem):
                if problem.fatal || lines.isEmpty { throw TUIInputError(description: problem.description) }
            }
        }
        try self.init(lines: lines, windowRounds: windowRounds)
    }

    public var isAtEnd: Bool { position >= rounds.count }

    /// Moves the recording clock on by `seconds` of real time × speed and applies the rounds it passes.
    /// Returns whether anything changed.
    @discardableResult
    public mutating func advance(by seconds: TimeInterval) -> Bool {
        guard playing, !isAtEnd else { return false }
        clock += seconds * speed
        if rounds[position].startedAt.timeIntervalSince(clock) > ReplayPlayer.longestWait {
            clock = rounds[position].startedAt
        }
        var changed = false
        while position < rounds.count, rounds[position].startedAt <= clock {
            step()
            changed = true
        }
        return changed
    }

    /// Goes to `target` rounds applied: forward by applying rounds, back by rebuilding from the start.
    public mutating func seek(to target: Int) {
        let target = min(rounds.count, max(0, target))
        if target < position {
            model = TUIModel(meta: meta, windowRounds: windowRounds)
            position = 0
            applyEvents(upTo: 0)
        }
        while position < target { step() }
        clock = position > 0 ? rounds[position - 1].startedAt : (rounds.first?.startedAt ?? meta.startedAt)
    }

    public mutating func faster() { speed = ReplayPlayer.speeds.first { $0 > speed } ?? speed }
    public mutating func slower() { speed = ReplayPlayer.speeds.last { $0 < speed } ?? speed }

    public var playback: Frame.Playback {
        Frame.Playback(position: position, total: rounds.count, speed: speed, playing: playing && !isAtEnd)
    }

    private mutating func step() {
        model.record(rounds[position])
        position += 1
        applyEvents(upTo: position)
    }

    private mutating func applyEvents(upTo count: Int) {
        for entry in events where entry.after == count { model.record(entry.event) }
    }
}

/// Why a recording or a hosts file cannot be used.
public struct TUIInputError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
