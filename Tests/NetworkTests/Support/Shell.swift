import Foundation
import TracemapProcess
import XCTest

/// The result of a finished process.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs processes for the network tests: plain commands, commands inside a namespace, and the built binary.
enum Shell {
    /// The `tracemap` binary built beside this test bundle (or `TRACEMAP_BINARY`).
    static var tracemapBinary: String {
        if let override = ProcessInfo.processInfo.environment["TRACEMAP_BINARY"] { return override }
        return builtBinary("tracemap")
    }

    /// `tracemap-lab` (the path simulator, `sim`): beside `tracemap`, as `tracemap demo` expects it.
    static var labBinary: String {
        URL(fileURLWithPath: tracemapBinary).deletingLastPathComponent().appendingPathComponent("tracemap-lab").path
    }

    private static func builtBinary(_ name: String) -> String {
        let bundle = Bundle(for: BundleToken.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent(name).path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Runs a command (looked up in PATH) to its end and returns its status (128 + the signal when one ended
    /// it) and output; stopped after `timeout`. Never throws for a non-zero status.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil, timeout: TimeInterval = 60) -> ProcessResult {
        let result = ChildProcess.run(arguments, input: Array((input ?? "").utf8), timeout: .seconds(timeout))
        return ProcessResult(status: result.termination.shellStatus, stdout: result.stdoutText,
                             stderr: result.stderrText)
    }

    /// Whether these tests may build namespaces: root on Linux with `ip` available.
    static var canBuildNamespaces: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
            || getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/sbin/ip")
    }
}

private final class BundleToken {}

/// A network namespace the test made itself; removed (with every process in it) on `destroy` or deinit.
final class Namespace: @unchecked Sendable {
    let name: String
    private var destroyed = false

    /// Creates `tm-<tag>-<pid>-<n>` with loopback up.
    init(tag: String) throws {
        name = Namespace.uniqueName(tag: tag)
        let made = Shell.run(["ip", "netns", "add", name])
        guard made.status == 0 else { throw NamespaceError(message: "ip netns add \(name): \(made.stderr)") }
        try ip("link", "set", "lo", "up")
    }

    /// A namespace someone else made (`SimulatedNetwork`): commands run in it, and `destroy` removes it too.
    init(adopting name: String) {
        self.name = name
    }

    /// `tm-<tag>-<pid>-<n>`: unique within this run, and recognisable as a test's.
    static func uniqueName(tag: String) -> String {
        "tm-\(tag)-\(getpid())-\(Namespace.nextSerial())"
    }

    private static let counter = Counter()
    private static func nextSerial() -> Int { counter.next() }

    /// Runs `ip ARGS` inside the namespace; throws on failure.
    func ip(_ arguments: String...) throws {
        let result = exec(["ip"] + arguments)
        guard result.status == 0 else {
            throw NamespaceError(message: "ip \(arguments.joined(separator: " ")) in \(name): \(result.stderr)")
        }
    }

    func sysctl(_ setting: String) {
        exec(["sysctl", "-q", "-w", setting])
    }

    /// Runs a command inside the namespace to its end.
    @discardableResult
    func exec(_ arguments: [String], input: String? = nil, timeout: TimeInterval = 60) -> ProcessResult {
        Shell.run(["ip", "netns", "exec", name] + arguments, input: input, timeout: timeout)
    }

    /// Starts a long-running command inside the namespace; the caller stops it.
    func spawn(_ arguments: [String], stdout: FileHandle? = nil, stderr: FileHandle? = nil) throws -> ChildProcess {
        try ChildProcess(["ip", "netns", "exec", name] + arguments,
                         options: .init(stdin: .null, stdout: stdout.map { .descriptor($0.fileDescriptor) } ?? .null,
                                        stderr: stderr.map { .descriptor($0.fileDescriptor) } ?? .null))
    }

    /// Kills every process left in the namespace, then deletes it.
    func destroy() {
        guard !destroyed else { return }
        destroyed = true
        let pids = Shell.run(["ip", "netns", "pids", name]).stdout.split(separator: "\n")
        for pid in pids { kill(pid_t(pid) ?? 0, SIGKILL) }
        Shell.run(["ip", "netns", "del", name])
    }

    deinit { destroy() }
}

struct NamespaceError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
