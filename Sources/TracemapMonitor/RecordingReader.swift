import Foundation
import TracemapModel

/// A line of a recording that could not be read.
public struct RecordingProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var reason: String
    /// The line has no newline: the writer stopped while writing it (killed, disk full). Only a last line can.
    public var truncated: Bool

    public var description: String {
        truncated ? "line \(line) is truncated (the recording ends mid-line): \(reason)"
                  : "line \(line) is corrupt: \(reason)"
    }
}

/// Reads a JSON Lines recording line by line, streaming (a day of rounds need not fit in memory). Every line
/// comes as a `Result`: a corrupt line — or a truncated last line, left by a killed writer — is reported in its
/// place and reading goes on, never a crash. Empty lines are skipped.
public struct RecordingReader: Sequence, Sendable {
    public typealias Element = Result<RecordingLine, RecordingProblem>

    private enum Source: Sendable {
        case file(String)
        case data(Data)
    }

    private let source: Source

    /// Opens `path` once to report an unreadable file now; each iteration reads it from the start.
    public init(path: String) throws(RecordingError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotRead(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        let isDirectory = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        close(fd)
        if isDirectory { throw .cannotRead(path: path, reason: "is a directory") }
        source = .file(path)
    }

    public init(data: Data) {
        source = .data(data)
    }

    public func makeIterator() -> Iterator {
        switch source {
        case .file(let path): Iterator(lines: LineSource(path: path))
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

        fileprivate init(lines: LineSource) { self.lines = lines }

        public mutating func next() -> Result<RecordingLine, RecordingProblem>? {
            while true {
                if let failure = lines.failure {
                    lines.failure = nil
                    return .failure(RecordingProblem(line: number + 1, reason: failure, truncated: false))
                }
                guard let (bytes, terminated) = lines.next() else { return nil }
                number += 1
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
                do {
                    return .success(try decoder.decode(RecordingLine.self, from: Data(bytes)))
                } catch {
                    return .failure(RecordingProblem(line: number, reason: Self.reason(error),
                                                     truncated: !terminated))
                }
            }
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

/// Splits a file or a buffer into lines, reading a file 64 KiB at a time.
private final class LineSource {
    private var descriptor: Int32 = -1
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false
    /// A read error, reported once by the iterator.
    var failure: String?

    init(path: String) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            failure = String(cString: strerror(errno))
            ended = true
        }
    }

    init(data: Data) {
        buffer = Array(data)
        ended = true
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// The next line without its newline, and whether it had one.
    func next() -> (ArraySlice<UInt8>, Bool)? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0a) {
                let line = buffer[start..<newline]
                start = newline + 1
                return (line, true)
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
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { return }
            failure = String(cString: strerror(errno))
            ended = true
        } else if count == 0 {
            ended = true
        } else {
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}
