import Foundation
import TracemapModel
import TracemapProcess

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
    private var children: [pid_t: ChildProcess] = [:]
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
        var environment = ChildProcess.currentEnvironment
        environment["TRACEMAP_KIND"] = event.kind.rawValue
        environment["TRACEMAP_SEVERITY"] = event.severity.rawValue
        environment["TRACEMAP_TARGET"] = event.target
        environment["TRACEMAP_TTL"] = event.ttl.map(String.init) ?? ""
        // stdin from an unlinked file, not a pipe; a group of its own; stdout and stderr inherited.
        let options = ChildProcess.Options(stdin: .bytes(Array((json + "\n").utf8)), environment: environment,
                                           newProcessGroup: true)
        let child: ChildProcess
        do { child = try ChildProcess(["/bin/sh", "-c", command], options: options) } catch {
            return .failure(.cannotStart(error.description))
        }
        children[child.pid] = child
        let thread = Thread { [weak self] in self?.reap(child) }
        thread.start()
        return .success(())
    }

    /// Ends every running command and its process group: SIGTERM, then SIGKILL for what is left after `grace`;
    /// returns once all are reaped. No command starts afterwards.
    public func terminateAll(grace: Duration = .milliseconds(500)) {
        lock.lock()
        stopping = true
        let running = children.values
        lock.unlock()
        guard !running.isEmpty else { return }
        for child in running { child.signal(SIGTERM, group: true) }
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        while runningCount > 0, clock.now < deadline { usleep(10_000) }
        lock.lock()
        let left = children.values
        lock.unlock()
        for child in left { child.signal(SIGKILL, group: true) }
        let hardDeadline = clock.now + .seconds(2)
        while runningCount > 0, clock.now < hardDeadline { usleep(10_000) }
    }

    private func reap(_ child: ChildProcess) {
        let termination = child.wait()
        lock.lock()
        children[child.pid] = nil
        let quiet = stopping
        lock.unlock()
        guard !quiet, !termination.succeeded else { return }
        onFailure?(.failed(command: command, status: termination.description))
    }
}
