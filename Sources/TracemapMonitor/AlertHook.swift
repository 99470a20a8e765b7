import Foundation
import TracemapModel

/// Runs a shell command for each alert (`watch --exec CMD`): `/bin/sh -c CMD` with the event's JSON line on
/// stdin and TRACEMAP_KIND, TRACEMAP_SEVERITY, TRACEMAP_TARGET, TRACEMAP_TTL in its environment.
///
/// It never blocks the monitor: the command starts and `run` returns, and the child is reaped when it exits. Its
/// stdin is an unlinked temporary file holding the line, not a pipe: a command that never reads it cannot block us,
/// nor kill us with SIGPIPE. At most `maxRunning` commands run at once — a hung command cannot pile up
/// processes; an alert raised while that many run is skipped and reported by `run`'s result.
public final class AlertHook: @unchecked Sendable {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case busy(Int)
        case cannotStart(String)

        public var description: String {
            switch self {
            case .busy(let running): "--exec skipped an alert: \(running) commands still running"
            case .cannotStart(let why): "--exec cannot start /bin/sh: \(why)"
            }
        }
    }

    public let command: String
    public let maxRunning: Int
    // Guards `running`, counted down from Process's termination handler thread.
    private let lock = NSLock()
    private var running = 0

    public init(command: String, maxRunning: Int = 4) {
        self.command = command
        self.maxRunning = max(1, maxRunning)
    }

    /// Commands started and not yet exited.
    public var runningCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    @discardableResult
    public func run(_ event: MonitorEvent) -> Result<Void, Failure> {
        lock.lock()
        guard running < maxRunning else {
            let count = running
            lock.unlock()
            return .failure(.busy(count))
        }
        running += 1
        lock.unlock()

        let json = (try? TracemapJSON.line(event)) ?? "{}"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["TRACEMAP_KIND"] = event.kind.rawValue
        environment["TRACEMAP_SEVERITY"] = event.severity.rawValue
        environment["TRACEMAP_TARGET"] = event.target
        environment["TRACEMAP_TTL"] = event.ttl.map(String.init) ?? ""
        process.environment = environment
        guard let input = Self.stdinFile(json + "\n") else {
            finished()
            return .failure(.cannotStart("cannot create a temporary file for its stdin"))
        }
        process.standardInput = input
        process.terminationHandler = { [weak self] _ in self?.finished() }
        do {
            try process.run()
        } catch {
            finished()
            return .failure(.cannotStart("\(error)"))
        }
        return .success(())
    }

    /// An open, already unlinked file holding `text`, positioned at its start.
    private static func stdinFile(_ text: String) -> FileHandle? {
        var template = Array((NSTemporaryDirectory() + "/tracemap-exec-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, lseek(fd, 0, SEEK_SET) == 0 else {
            close(fd)
            return nil
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    private func finished() {
        lock.lock()
        running -= 1
        lock.unlock()
    }
}
