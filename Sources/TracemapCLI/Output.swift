import Foundation
import TracemapModel
import TracemapReport

/// The one place tracemap (and tracemap-lab) writes its output and its messages. `FileHandle.write` traps on any error (a full disk, a closed
/// stdout, a reader gone); here a failed write is one line on stderr and exit 74 (EX_IOERR), and a reader that
/// went away (EPIPE, when SIGPIPE is ignored) ends the program quietly with the status SIGPIPE would have given.
public enum Output {
    /// Keeps lines written from several tasks whole.
    private static let lock = NSLock()
    /// Whether descriptor 1 was closed when tracemap started (`>&-`): /dev/null holds its place so that no file
    /// or socket opened later can become "stdout", and the first write reports the closed descriptor.
    nonisolated(unsafe) private static var standardOutputClosed = false

    /// Run first: a closed 0, 1 or 2 is reopened on /dev/null, remembering that stdout was closed.
    public static func protectStandardDescriptors() {
        for descriptor in Int32(0)...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", O_RDWR)
            if opened >= 0 && opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
            if descriptor == STDOUT_FILENO { standardOutputClosed = true }
        }
    }

    /// Writes `text` to stdout in full, or ends the program (74 with one line; quietly on a closed pipe).
    public static func write(_ text: String) {
        guard !text.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        if standardOutputClosed { fail(EBADF) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { raw in
                Foundation.write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                fail(errno)
            }
            offset += written
        }
        bytes.removeAll()
    }

    /// Writes `text` and a newline to stdout.
    public static func line(_ text: String) {
        write(text + "\n")
    }

    /// Writes one line to stderr, prefixed `tracemap: `; a failure here has nowhere to be reported.
    /// Whatever the message quotes (a host name, a file's line, an option value) is escaped for the terminal.
    public static func error(_ line: String) {
        writeStandardError("tracemap: \(Escaping.terminal(line, limit: 1000))\n")
    }

    /// Writes raw bytes to stderr (the bell under --json), ignoring failures.
    public static func writeStandardError(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }

    private static func fail(_ code: Int32) -> Never {
        if code == EPIPE { exit(ExitStatus.brokenPipe.rawValue) }
        error("cannot write output: \(String(cString: strerror(code)))")
        exit(ExitStatus.outputFailed.rawValue)
    }
}
