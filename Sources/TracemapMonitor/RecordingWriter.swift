import Foundation
import TracemapModel

/// Why a recording cannot be written or read; prints as one line naming the file.
public enum RecordingError: Error, CustomStringConvertible, Sendable, Hashable {
    case cannotCreate(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "cannot create recording \(path): \(reason)"
        case .cannotWrite(let path, let reason): "cannot write recording \(path): \(reason)"
        case .cannotRead(let path, let reason): "cannot read recording \(path): \(reason)"
        }
    }

    /// A recording file that cannot be opened is bad input (README "Exit codes").
    public var exitStatus: ExitStatus { .badInput }
}

/// Writes a JSON Lines recording (`RecordingLine`: a header, then rounds and events as they happen).
///
/// Each line goes to the kernel in one `write(2)` with its newline, straight from the encoder — no user-space
/// buffer — so a writer killed with SIGKILL leaves every finished line whole; at most the line being written is
/// missing. (The page cache survives the process; it does not survive a power cut, which would need fsync.)
public final class RecordingWriter: @unchecked Sendable {
    public let path: String
    private let descriptor: Int32
    // Guards `closed` and keeps lines from two writers (a monitor and its owner) from interleaving.
    private let lock = NSLock()
    private var closed = false

    /// Creates (or truncates) `path`, mode 0644.
    public init(path: String) throws(RecordingError) {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        descriptor = fd
    }

    deinit { close() }

    public func write(_ line: RecordingLine) throws(RecordingError) {
        let bytes: Data
        do {
            bytes = try TracemapJSON.encoder().encode(line) + Data([0x0a])
        } catch {
            throw .cannotWrite(path: path, reason: "cannot encode line: \(error)")
        }
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw .cannotWrite(path: path, reason: "the recording is closed") }
        let failure: Int32? = bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw .cannotWrite(path: path, reason: String(cString: strerror(failure))) }
    }

    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        Foundation.close(descriptor)
    }
}
