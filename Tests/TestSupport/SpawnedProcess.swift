import Glibc
import TracemapProcess

// Shared by the test targets (EnrichTests, NetworkTests, RemoteTests): a test-only library, never linked into
// tracemap.

/// A server a test started (dnsmasq, the stand-in HTTP server): a `ChildProcess` that is stopped when the test
/// lets go of it.
public final class SpawnedProcess {
    public let child: ChildProcess
    public var pid: pid_t { child.pid }

    /// Runs `arguments` (looked up in PATH) with stdin from /dev/null and stdout and stderr appended to `output`.
    public init(_ arguments: [String], output: String = "/dev/null") throws {
        child = try ChildProcess(arguments, options: .init(stdin: .null, stdout: .appending(output),
                                                           stderr: .standardOutput))
    }

    public var isRunning: Bool { child.isRunning }

    /// SIGTERM, then SIGKILL after two seconds; returns once the child is reaped.
    public func stop() { child.stop() }

    deinit { stop() }
}
