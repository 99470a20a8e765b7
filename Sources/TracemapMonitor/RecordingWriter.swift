#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization
import TracemapModel
import TracemapNet

/// Writes a JSON Lines recording (`RecordingLine`: a header, then rounds and events as they happen).
///
/// Each line goes to the kernel in one `write(2)` with its newline, straight from the encoder — no user-space
/// buffer — so a writer killed with SIGKILL leaves every finished line whole; at most the line being written is
/// missing. (The page cache survives the process; it does not survive a power cut, which would need fsync.)
public final class RecordingWriter: Sendable {
    public let path: String
    private let descriptor: FileDescriptor
    /// Whether the file is closed; holding it keeps lines from two writers (a monitor and its owner) whole.
    private let closed = Mutex(false)

    /// Creates (or truncates) `path`, mode 0644.
    public init(path: String) throws(RecordingError) {
        self.path = path
        do {
            descriptor = try FileBytes.create(path)
        } catch {
            throw .cannotCreate(path: path, reason: error.description)
        }
    }

    deinit { close() }

    public func write(_ line: RecordingLine) throws(RecordingError) {
        let bytes: Data
        do {
            bytes = try TracemapJSON.encoder().encode(line) + Data([0x0a])
        } catch {
            throw .cannotWrite(path: path, reason: "cannot encode line: \(error)")
        }
        let failure = closed.withLock { closed -> RecordingError? in
            if closed { return .cannotWrite(path: path, reason: "the recording is closed") }
            do throws(FileError) {
                try FileBytes.write(bytes, to: descriptor)
                return nil
            } catch {
                return .cannotWrite(path: path, reason: error.description)
            }
        }
        if let failure { throw failure }
    }

    public func close() {
        closed.withLock { closed in
            guard !closed else { return }
            closed = true
            try? descriptor.close()
        }
    }
}
