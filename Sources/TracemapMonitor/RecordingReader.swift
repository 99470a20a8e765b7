#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel

/// A line of a recording that could not be read.
public struct RecordingProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var reason: String
    /// The line has no newline: the writer stopped while writing it (killed, disk full). Only a last line can.
    public var truncated: Bool
    /// Reading cannot go on past this problem (a line beyond `RecordingReader.maxLineLength`, an unknown schema
    /// version): the iterator ends after it.
    public var fatal: Bool

    public init(line: Int, reason: String, truncated: Bool, fatal: Bool = false) {
        self.line = line
        self.reason = reason
        self.truncated = truncated
        self.fatal = fatal
    }

    public var description: String {
        fatal ? "line \(line): \(reason)"
            : truncated ? "line \(line) is truncated (the recording ends mid-line): \(reason)"
            : "line \(line) is corrupt: \(reason)"
    }
}

/// Reads a JSON Lines recording line by line, streaming (a day of rounds need not fit in memory). Every line
/// comes as a `Result`: a corrupt line — or a truncated last line, left by a killed writer — is reported in its
/// place and reading goes on, never a crash. Empty lines are skipped.
///
/// Memory stays bounded whatever the file: a line longer than `maxLineLength` (`/dev/zero`, a binary file) ends the
/// reading with a fatal problem instead of growing a buffer, and decoded values that no writer could have produced
/// (an RTT of 1e308 ms, a time in the year 10^292, a TTL of 9999, a schema version this build does not know) make
/// the line a problem instead of reaching the statistics and the screen.
public struct RecordingReader: Sequence, Sendable {
    public typealias Element = Result<RecordingLine, RecordingProblem>
    /// The longest line read: a round of 255 TTLs × 16 flows × 10 queries stays well below it.
    public static let maxLineLength = 16 << 20

    /// Where the bytes come from: a buffer, or a source opened afresh for each pass (a file:
    /// `RecordingReader+File.swift`, so this parsing core needs no I/O and is fuzzed on its own).
    enum Source: Sendable {
        case data(Data)
        case chunks(@Sendable () -> ChunkReader)
    }

    /// The next chunk of a source, empty at its end, or why it cannot be read.
    typealias ChunkReader = () -> Result<[UInt8], ReadFailure>

    struct ReadFailure: Error {
        var reason: String
    }

    private let source: Source

    init(source: Source) {
        self.source = source
    }

    public init(data: Data) {
        source = .data(data)
    }

    public func makeIterator() -> Iterator {
        switch source {
        case .chunks(let open): Iterator(lines: LineSource(chunks: open()))
        case .data(let data): Iterator(lines: LineSource(data: data))
        }
    }

    /// Every readable line, and every problem, in file order.
    public func readAll() -> (lines: [RecordingLine], problems: [RecordingProblem]) {
        var lines: [RecordingLine] = []
        var problems: [RecordingProblem] = []
        for entry in self {
            switch entry {
            case .success(let line): lines.append(line)
            case .failure(let problem): problems.append(problem)
            }
        }
        return (lines, problems)
    }

    public struct Iterator: IteratorProtocol {
        private let lines: LineSource
        private let decoder = TracemapJSON.decoder()
        private var number = 0
        private var ended = false

        fileprivate init(lines: LineSource) { self.lines = lines }

        public mutating func next() -> Result<RecordingLine, RecordingProblem>? {
            while !ended {
                if let failure = lines.failure {
                    lines.failure = nil
                    ended = true
                    return .failure(RecordingProblem(line: number + 1, reason: failure, truncated: false, fatal: true))
                }
                guard let (bytes, terminated) = lines.next() else { return nil }
                number += 1
                if lines.overlong {
                    ended = true
                    return .failure(RecordingProblem(
                        line: number, reason: "longer than \(RecordingReader.maxLineLength >> 20) MiB: not a tracemap recording",
                        truncated: false, fatal: true))
                }
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
                let line: RecordingLine
                do {
                    line = try decoder.decode(RecordingLine.self, from: Data(bytes))
                } catch {
                    return .failure(RecordingProblem(line: number, reason: Self.reason(error),
                                                     truncated: !terminated))
                }
                if case .header(let meta) = line, !TraceMeta.readableSchemaVersions.contains(meta.schemaVersion) {
                    ended = true
                    return .failure(RecordingProblem(
                        line: number, reason: "schema_version \(meta.schemaVersion) is not one this tracemap reads "
                            + "(\(TraceMeta.readableSchemaVersions.lowerBound) to \(TraceMeta.schemaVersion)); a newer tracemap wrote it?", truncated: false, fatal: true))
                }
                if let why = line.implausibility {
                    return .failure(RecordingProblem(line: number, reason: why, truncated: false))
                }
                return .success(line)
            }
            return nil
        }

        private static func reason(_ error: Error) -> String {
            switch error {
            case DecodingError.dataCorrupted(let context): "not JSON (\(context.debugDescription))"
            case DecodingError.keyNotFound(let key, _): "missing field \(key.stringValue)"
            case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
                "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): "
                    + context.debugDescription
            default: "\(error)"
            }
        }
    }
}

/// Splits a buffer, or a source read chunk by chunk, into lines.
private final class LineSource {
    private let chunks: RecordingReader.ChunkReader?
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the next newline resumes: bytes before it hold none (each byte is scanned once).
    private var scanned = 0
    private var ended = false
    /// A read error, reported once by the iterator.
    var failure: String?
    /// The line just returned was cut at `RecordingReader.maxLineLength`; nothing more is read.
    private(set) var overlong = false

    init(chunks: @escaping RecordingReader.ChunkReader) {
        self.chunks = chunks
    }

    init(data: Data) {
        chunks = nil
        buffer = Array(data)
        ended = true
    }

    /// The next line without its newline, and whether it had one.
    func next() -> (ArraySlice<UInt8>, Bool)? {
        while true {
            if let newline = buffer[max(start, scanned)...].firstIndex(of: 0x0a) {
                let line = buffer[start..<newline]
                start = newline + 1
                scanned = start
                return (line, true)
            }
            scanned = buffer.count
            if buffer.count - start > RecordingReader.maxLineLength {
                overlong = true
                ended = true
                let line = buffer[start..<(start + 64)]
                buffer = []
                start = 0
                scanned = 0
                return (line, false)
            }
            if ended {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return (line, false)
            }
            fill()
        }
    }

    private func fill() {
        if start > 0 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        guard let chunks else { return }
        switch chunks() {
        case .success(let bytes) where bytes.isEmpty:
            ended = true
        case .success(let bytes):
            buffer += bytes
        case .failure(let problem):
            failure = problem.reason
            ended = true
        }
    }
}

extension RecordingLine {
    /// Why a decoded line holds values no tracemap writer produces, or nil when every value is plausible. Such
    /// values would otherwise reach statistics and drawing code that fairly assumes RTTs below an hour.
    public var implausibility: String? {
        switch self {
        case .header(let meta):
            if !Self.plausible(meta.startedAt) { return "bad value at start: not a time" }
            if let end = meta.endedAt, !Self.plausible(end) { return "bad value at end: not a time" }
            if let interval = meta.intervalMs, !(interval.isFinite && (0...86_400_000).contains(interval)) {
                return "bad value at interval_ms: \(interval)"
            }
            if !(1...255).contains(meta.options.firstTTL) || !(1...255).contains(meta.options.maxHops) {
                return "bad value at options: TTLs must be 1…255"
            }
        case .round(let round):
            if round.index < 0 { return "bad value at round: \(round.index)" }
            if !Self.plausible(round.startedAt) || !Self.plausible(round.endedAt) { return "bad value at start/end: not a time" }
            if round.probes.count > 255 * 16 * 10 { return "bad value at probes: \(round.probes.count) probes in one round" }
            for probe in round.probes {
                if !(1...255).contains(probe.ttl) { return "bad value at probes.ttl: \(probe.ttl)" }
                if !(0...255).contains(probe.flow) { return "bad value at probes.flow: \(probe.flow)" }
                if !Self.plausible(probe.sentAt) { return "bad value at probes.sent: not a time" }
                if let reply = probe.reply, !Self.plausible(milliseconds: reply.rtt) {
                    return "bad value at probes.rtt: \(reply.rtt) ms"
                }
            }
        case .event(let event):
            if !Self.plausible(event.time) { return "bad value at time: not a time" }
            if event.round < 0 { return "bad value at round: \(event.round)" }
            if let ttl = event.ttl, !(1...255).contains(ttl) { return "bad value at ttl: \(ttl)" }
            for value in [event.baselineRTT, event.currentRTT].compactMap({ $0 }) where !Self.plausible(milliseconds: value) {
                return "bad value at an RTT: \(value) ms"
            }
            if let loss = event.lossPercent, !(loss.isFinite && (0...100).contains(loss)) {
                return "bad value at loss_pct: \(loss)"
            }
            if (event.oldPath?.count ?? 0) > 255 || (event.newPath?.count ?? 0) > 255 { return "bad value at a path: too long" }
        }
        return nil
    }

    /// Between 1970 and about the year 5000.
    private static func plausible(_ date: Date) -> Bool {
        let seconds = date.timeIntervalSince1970
        return seconds.isFinite && (0...1e11).contains(seconds)
    }

    /// An RTT in milliseconds: finite, not negative, at most an hour.
    private static func plausible(milliseconds value: Double) -> Bool {
        value.isFinite && (0...3_600_000).contains(value)
    }
}
