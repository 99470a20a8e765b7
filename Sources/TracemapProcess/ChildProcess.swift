#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a child could not be started: the errno `posix_spawn(3)` (or the file it needed) returned.
public struct SpawnError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var description: String { String(cString: strerror(code)) }
}

/// How a child ended, from `waitpid(2)`'s status (`WIFEXITED`/`WEXITSTATUS`/`WTERMSIG`, which Swift does not
/// import as macros).
public enum Termination: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// The shell's convention: the exit code, or 128 + the signal.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code): code
        case .signalled(let number): 128 + number
        }
    }

    public var succeeded: Bool { self == .exited(0) }

    /// "exited with status 3", "was killed by signal 9".
    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signalled(let number): "was killed by signal \(number)"
        }
    }
}

/// A child process started with `posix_spawn(3)`: the one way tracemap, the lab and the tests start programs.
/// Not Foundation's `Process`: it needs all of Foundation (the monitor links only FoundationEssentials-sized
/// code), it puts every child in a process group of its own (the terminal then treats a TUI child as a
/// background job that can never read a key), and its reaper blocks in waitpid(2) on a child that closes the
/// descriptors it inherited (dnsmasq does) and then reaps no other child.
///
/// Every child starts with the default action for every signal and none blocked, whatever this process ignores
/// (`watch` ignores SIGPIPE) or blocks (the probe thread and a test runner's threads block most): `sh -c`,
/// `sleep` and the simulator must stop on SIGTERM.
public final class ChildProcess: @unchecked Sendable {
    /// Where the child's stdin comes from.
    public enum Input: Sendable {
        case inherit
        case null
        /// A descriptor of this process (not closed here).
        case descriptor(Int32)
        /// These bytes, from an already unlinked temporary file rather than a pipe: a child that never reads
        /// them cannot block us, nor kill us with SIGPIPE.
        case bytes([UInt8])
    }

    /// Where the child's stdout or stderr goes.
    public enum Output: Sendable {
        case inherit
        case null
        /// A descriptor of this process (not closed here).
        case descriptor(Int32)
        /// A file, created if needed and truncated.
        case file(String)
        /// A file, created if needed, appended to.
        case appending(String)
        /// For stderr: wherever stdout goes.
        case standardOutput
    }

    public struct Options: Sendable {
        public var stdin: Input
        public var stdout: Output
        public var stderr: Output
        /// The child's whole environment; nil: this process's.
        public var environment: [String: String]?
        /// Its working directory; nil: this process's.
        public var directory: String?
        /// A process group of its own (`POSIX_SPAWN_SETPGROUP`), so `signal(_:group: true)` reaches whatever it
        /// started (`sleep 100` under `sh -c`) and the terminal's Ctrl-C does not.
        public var newProcessGroup: Bool

        public init(stdin: Input = .inherit, stdout: Output = .inherit, stderr: Output = .inherit,
                    environment: [String: String]? = nil, directory: String? = nil, newProcessGroup: Bool = false) {
            self.stdin = stdin
            self.stdout = stdout
            self.stderr = stderr
            self.environment = environment
            self.directory = directory
            self.newProcessGroup = newProcessGroup
        }
    }

    public let pid: pid_t
    // Guards `ended`.
    private var lock = pthread_mutex_t()
    private var ended: Termination?

    /// Starts `arguments[0]` — a path, or a name looked up in PATH (`posix_spawnp`) — with `options`.
    public init(_ arguments: [String], options: Options = Options()) throws(SpawnError) {
        var arguments = arguments
        if let directory = options.directory {
            // posix_spawn_file_actions_addchdir_np is not in Swift's Glibc module: the shell changes directory
            // and then becomes the program.
            arguments = ["/bin/sh", "-c", "cd -- \"$0\" && exec \"$@\"", directory] + arguments
        }
        guard let program = arguments.first else { throw SpawnError(code: EINVAL) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var inputFile: Int32 = -1
        defer { if inputFile >= 0 { close(inputFile) } }
        switch options.stdin {
        case .inherit: break
        case .null: posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        case .descriptor(let descriptor): posix_spawn_file_actions_adddup2(&actions, descriptor, STDIN_FILENO)
        case .bytes(let bytes):
            inputFile = try Self.unlinkedFile(holding: bytes)
            posix_spawn_file_actions_adddup2(&actions, inputFile, STDIN_FILENO)
        }
        for (output, target) in [(options.stdout, STDOUT_FILENO), (options.stderr, STDERR_FILENO)] {
            switch output {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            case .descriptor(let descriptor): posix_spawn_file_actions_adddup2(&actions, descriptor, target)
            case .file(let path): posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .appending(let path):
                posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            case .standardOutput:
                if target == STDERR_FILENO { posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO) }
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if options.newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = options.environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var pid: pid_t = 0
        func spawn(_ environment: UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
            program.contains("/")
                ? posix_spawn(&pid, program, &actions, &attributes, argv, environment)
                : posix_spawnp(&pid, program, &actions, &attributes, argv, environment)
        }
        let status = envp.map { $0.withUnsafeBufferPointer { spawn($0.baseAddress) } } ?? spawn(environ)
        guard status == 0 else { throw SpawnError(code: status) }
        self.pid = pid
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    /// How it ended, without waiting: nil while it runs.
    public func poll() -> Termination? {
        if let ended = locked({ ended }) { return ended }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return record(Termination(waitStatus: status))
    }

    public var isRunning: Bool { poll() == nil }

    /// Waits for it to end (reaps it).
    @discardableResult
    public func wait() -> Termination {
        if let ended = locked({ ended }) { return ended }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return locked({ ended }) ?? .signalled(SIGKILL) }
        }
        return record(Termination(waitStatus: status))
    }

    /// Sends `number` to the child, or with `group` to its process group (`newProcessGroup`); nothing once it
    /// was reaped, so a reused pid is never hit.
    public func signal(_ number: Int32, group: Bool = false) {
        guard locked({ ended }) == nil else { return }
        kill(group ? -pid : pid, number)
    }

    /// SIGTERM, then SIGKILL for what is left after `grace`; returns once it is reaped.
    @discardableResult
    public func stop(grace: Duration = .seconds(2), group: Bool = false) -> Termination {
        if let ended = poll() { return ended }
        signal(SIGTERM, group: group)
        if let ended = wait(upTo: grace) { return ended }
        signal(SIGKILL, group: group)
        return wait()
    }

    /// Waits at most `timeout` for it to end (checking every 10 ms).
    public func wait(upTo timeout: Duration) -> Termination? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let ended = poll() { return ended }
            guard clock.now < deadline else { return nil }
            usleep(10_000)
        }
    }

    /// Runs `arguments` to its end: stdin from `input` (else /dev/null), stdout and stderr collected through
    /// unlinked temporary files (a chatty command never blocks on a full pipe, and no thread is needed). After
    /// `timeout` it is stopped (SIGTERM, then SIGKILL).
    public static func run(_ arguments: [String], input: [UInt8]? = nil, environment: [String: String]? = nil,
                           directory: String? = nil, timeout: Duration? = nil) -> Completed {
        let files: [Int32]
        do { files = [try unlinkedFile(holding: []), try unlinkedFile(holding: [])] } catch {
            return Completed(termination: .exited(127), stdout: [], stderr: Array("cannot create a temporary file: \(error)".utf8))
        }
        defer { files.forEach { close($0) } }
        let options = Options(stdin: input.map { .bytes($0) } ?? .null, stdout: .descriptor(files[0]),
                              stderr: .descriptor(files[1]), environment: environment, directory: directory)
        let child: ChildProcess
        do { child = try ChildProcess(arguments, options: options) } catch {
            return Completed(termination: .exited(127), stdout: [],
                             stderr: Array("cannot start \(arguments[0]): \(error)".utf8))
        }
        let termination = timeout.map { child.wait(upTo: $0) ?? child.stop() } ?? child.wait()
        return Completed(termination: termination, stdout: readAll(files[0]), stderr: readAll(files[1]))
    }

    /// What a command `run` finished printed, and how it ended.
    public struct Completed: Sendable {
        public var termination: Termination
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// This process's environment as a dictionary (without Foundation's ProcessInfo).
    public static var currentEnvironment: [String: String] {
        var result: [String: String] = [:]
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry = entry.advanced(by: 1)
        }
        return result
    }

    private func record(_ termination: Termination) -> Termination {
        locked {
            if ended == nil { ended = termination }
            return ended!
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return body()
    }

    /// An open, already unlinked file holding `bytes`, positioned at its start, closed on exec.
    static func unlinkedFile(holding bytes: [UInt8]) throws(SpawnError) -> Int32 {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/tracemap-child-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SpawnError(code: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let written = bytes.withUnsafeBytes { bytes.isEmpty ? 0 : write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, lseek(fd, 0, SEEK_SET) == 0 else {
            let code = errno
            close(fd)
            throw SpawnError(code: code)
        }
        return fd
    }

    private static func readAll(_ fd: Int32) -> [UInt8] {
        guard lseek(fd, 0, SEEK_SET) == 0 else { return [] }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return result }
            result += buffer[..<count]
        }
    }
}
