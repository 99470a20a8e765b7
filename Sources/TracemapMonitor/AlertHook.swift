import Foundation
import TracemapModel

/// Runs a shell command for each alert (`watch --exec CMD`): `/bin/sh -c CMD` with the event's JSON line on
/// stdin and TRACEMAP_KIND, TRACEMAP_SEVERITY, TRACEMAP_TARGET, TRACEMAP_TTL in its environment.
///
/// It never blocks the monitor: the command starts and `run` returns; a waiter reaps the child and reports a
/// non-zero exit through `onFailure`. Its stdin is an unlinked temporary file holding the line, not a pipe: a
/// command that never reads it cannot block us, nor kill us with SIGPIPE. At most `maxRunning` commands run at
/// once — a hung command cannot pile up processes; an alert raised while that many run is skipped and reported by
/// `run`'s result. Each command runs in a process group of its own, so `terminateAll` ends the shell and whatever
/// it started (`sleep 100` under `sh -c`) when tracemap exits.
public final class AlertHook: @unchecked Sendable {
    public enum Failure: Error, Sendable, CustomStringConvertible {
        case busy(Int)
        case cannotStart(String)
        case failed(command: String, status: String)

        public var description: String {
            switch self {
            case .busy(let running): "--exec skipped an alert: \(running) commands still running"
            case .cannotStart(let why): "--exec cannot start /bin/sh: \(why)"
            case .failed(let command, let status): "--exec command '\(command)' \(status)"
            }
        }
    }

    public let command: String
    public let maxRunning: Int
    /// Called (from a waiter thread) when a command exits non-zero or is killed by a signal.
    public var onFailure: (@Sendable (Failure) -> Void)?
    // Guards `children` and `stopping`.
    private let lock = NSLock()
    private var children: Set<pid_t> = []
    private var stopping = false

    public init(command: String, maxRunning: Int = 4, onFailure: (@Sendable (Failure) -> Void)? = nil) {
        self.command = command
        self.maxRunning = max(1, maxRunning)
        self.onFailure = onFailure
    }

    /// Commands started and not yet reaped.
    public var runningCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return children.count
    }

    @discardableResult
    public func run(_ event: MonitorEvent) -> Result<Void, Failure> {
        lock.lock()
        defer { lock.unlock() }
        guard !stopping else { return .failure(.cannotStart("tracemap is exiting")) }
        guard children.count < maxRunning else { return .failure(.busy(children.count)) }

        let json = (try? TracemapJSON.line(event)) ?? "{}"
        guard let input = Self.stdinFile(json + "\n") else {
            return .failure(.cannotStart("cannot create a temporary file for its stdin"))
        }
        defer { close(input) }
        var environment = ProcessInfo.processInfo.environment
        environment["TRACEMAP_KIND"] = event.kind.rawValue
        environment["TRACEMAP_SEVERITY"] = event.severity.rawValue
        environment["TRACEMAP_TARGET"] = event.target
        environment["TRACEMAP_TTL"] = event.ttl.map(String.init) ?? ""
        switch Self.spawn(["/bin/sh", "-c", command], environment: environment, stdin: input) {
        case .failure(let error):
            return .failure(.cannotStart(String(cString: strerror(error.code))))
        case .success(let pid):
            children.insert(pid)
            let thread = Thread { [weak self] in self?.reap(pid) }
            thread.start()
            return .success(())
        }
    }

    /// Ends every running command and its process group: SIGTERM, then SIGKILL for what is left after `grace`;
    /// returns once all are reaped. No command starts afterwards.
    public func terminateAll(grace: Duration = .milliseconds(500)) {
        lock.lock()
        stopping = true
        let running = children
        lock.unlock()
        guard !running.isEmpty else { return }
        for pid in running { kill(-pid, SIGTERM) }
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        while runningCount > 0, clock.now < deadline { usleep(10_000) }
        lock.lock()
        let left = children
        lock.unlock()
        for pid in left { kill(-pid, SIGKILL) }
        let hardDeadline = clock.now + .seconds(2)
        while runningCount > 0, clock.now < hardDeadline { usleep(10_000) }
    }

    private func reap(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        lock.lock()
        children.remove(pid)
        let quiet = stopping
        lock.unlock()
        guard !quiet, let report = Self.describe(status) else { return }
        onFailure?(.failed(command: command, status: report))
    }

    /// "exited with status 3", "was killed by signal 9", or nil for a clean exit.
    static func describe(_ status: Int32) -> String? {
        let signal = status & 0x7f
        if signal == 0 {
            let code = (status >> 8) & 0xff
            return code == 0 ? nil : "exited with status \(code)"
        }
        return "was killed by signal \(signal)"
    }

    /// posix_spawn in a new process group, stdin from `stdin`, stdout and stderr inherited.
    private static func spawn(_ arguments: [String], environment: [String: String],
                              stdin: Int32) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, STDIN_FILENO)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        // The child starts with default signal actions: tracemap ignores SIGINT/SIGPIPE while it watches.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        return result == 0 ? .success(pid) : .failure(SpawnError(code: result))
    }

    private struct SpawnError: Error {
        var code: Int32
    }

    /// An open, already unlinked file holding `text`, positioned at its start.
    private static func stdinFile(_ text: String) -> Int32? {
        var template = Array((NSTemporaryDirectory() + "/tracemap-exec-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, lseek(fd, 0, SEEK_SET) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}
