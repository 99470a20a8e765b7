import Foundation
import Glibc
import TracemapNet

/// Plays a scenario on a TUN device: reads the probes the kernel routes into it, and writes back each reply the
/// scenario's path would send, after that hop's delay.
///
/// One dedicated pthread does all packet work — a ppoll loop (TracemapNet's `Readiness`, to the nanosecond) over
/// the device and a `Waker`, a timer heap of pending replies, and the scenario file's mtime every 50 ms — so
/// replies leave on time whatever the caller does.
/// When allowed (root), that thread runs SCHED_FIFO: on a test machine busy compiling, a normal thread woke up to
/// 4 ms late, which a test of RTTs against the scenario's delays sees. It only ever blocks in ppoll(2), and the
/// kernel's real-time throttling leaves other tasks their share regardless.
public final class PathSimulator: @unchecked Sendable {
    /// Packet counts since start.
    public struct Statistics: Sendable, Hashable {
        public var received = 0
        public var answered = 0
        public var dropped = 0
        public var ignored = 0
    }

    private static let reloadInterval: UInt64 = 50_000_000
    private static let realTimePriority: Int32 = 10

    private let device: TunDevice
    /// Wakes the loop out of its wait when `stop` is called.
    private let waker: Waker

    // Guarded by `lock`: shared between the caller and the loop thread.
    private let lock = NSLock()
    private var pending: Scenario?
    private var counters = Statistics()
    private var thread: pthread_t?
    private let finished = DispatchGroup()

    // Owned by the loop thread once it runs.
    private var responder: PathResponder
    private var watcher: ScenarioWatcher?

    /// Attaches to the existing persistent TUN device `tunName` and prepares to play `scenario`; when
    /// `scenarioFile` is given, its later versions replace the scenario as they are written.
    public init(tunName: String, scenario: Scenario, scenarioFile: String? = nil) throws(SimulatorError) {
        device = try TunDevice(name: tunName)
        do { waker = try Waker() } catch { throw .waker(errno: error.code.rawValue) }
        responder = PathResponder(scenario: scenario)
        watcher = scenarioFile.map(ScenarioWatcher.init(path:))
    }

    /// Reads `scenarioFile`, attaches to `tunName`, and reloads the file whenever it changes.
    public convenience init(tunName: String, scenarioFile: String) throws(SimulatorError) {
        let scenario: Scenario
        do { scenario = try Scenario(contentsOf: scenarioFile) } catch {
            throw .scenario(path: scenarioFile, reason: "\(error)")
        }
        try self.init(tunName: tunName, scenario: scenario, scenarioFile: scenarioFile)
    }

    /// Starts the loop thread. Calling it again while running does nothing.
    public func start() throws(SimulatorError) {
        lock.lock()
        defer { lock.unlock() }
        guard thread == nil else { return }
        finished.enter()
        // The thread keeps the simulator alive until `stop` joins it.
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let code = pthread_create(&handle, nil, { context in
            guard let context else { return nil }
            Unmanaged<PathSimulator>.fromOpaque(context).takeRetainedValue().loop()
            return nil
        }, context)
        guard code == 0 else {
            Unmanaged<PathSimulator>.fromOpaque(context).release()
            finished.leave()
            throw .thread(code: code)
        }
        thread = handle
    }

    /// Stops the loop thread and waits for it; replies still pending are dropped.
    public func stop() {
        lock.lock()
        let running = thread
        thread = nil
        lock.unlock()
        guard let running else { return }
        waker.signal()
        pthread_join(running, nil)
    }

    /// Blocks until the loop thread ends: after `stop`, or when the device goes away (its namespace deleted).
    public func waitUntilFinished() {
        finished.wait()
    }

    /// Plays `scenario` from the next packet on (within the 50 ms reload tick).
    public func update(_ scenario: Scenario) {
        lock.lock()
        pending = scenario
        lock.unlock()
    }

    public var statistics: Statistics {
        lock.lock()
        defer { lock.unlock() }
        return counters
    }

    private func loop() {
        defer { finished.leave() }
        var priority = sched_param(sched_priority: Self.realTimePriority)
        _ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &priority)
        var replies = TimerHeap<[UInt8]>()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var nextReload = MonotonicClock.now()
        while true {
            var now = MonotonicClock.now()
            while let reply = replies.popDue(now: now) {
                device.write(reply)
                now = MonotonicClock.now()
            }
            if now >= nextReload {
                reloadScenario()
                nextReload = now + Self.reloadInterval
            }
            let deadline = min(nextReload, replies.nextDeadline ?? .max)
            let ready = Readiness.wait([(device.descriptor, .readable), (waker.descriptor, .readable)],
                                       timeout: .nanoseconds(Int64(clamping: deadline > now ? deadline - now : 0)))
            if ready.contains(where: { $0.fd == waker.descriptor }) { return }
            guard ready.contains(where: { $0.fd == device.descriptor }) else { continue }
            // Read the whole burst first, stamping each packet as it is read, and only then work out the
            // replies: answering one packet takes longer than the next one takes to arrive, and a stamp taken
            // after that work would make every later reply in the burst late.
            var arrivals: [(packet: [UInt8], time: UInt64)] = []
            readLoop: while true {
                switch device.read(into: &buffer) {
                case .packet(let packet): arrivals.append((packet, MonotonicClock.now()))
                case .empty: break readLoop
                case .failed: return
                }
            }
            for arrival in arrivals {
                let decision = responder.respond(to: arrival.packet)
                count(decision)
                if case .reply(let packet, let delay) = decision {
                    replies.insert(packet, deadline: arrival.time + UInt64(max(0, delay) * 1_000_000))
                }
            }
        }
    }

    private func count(_ decision: PathResponder.Decision) {
        lock.lock()
        defer { lock.unlock() }
        counters.received += 1
        switch decision {
        case .ignore: counters.ignored += 1
        case .drop: counters.dropped += 1
        case .reply: counters.answered += 1
        }
    }

    /// Takes a scenario given through `update`, or a new version of the scenario file.
    private func reloadScenario() {
        if let change = watcher?.poll() {
            switch change {
            case .success(let scenario): responder.update(scenario)
            case .failure(let error): FileHandle.standardError.write(Data("tracemap-lab sim: \(error)\n".utf8))
            }
        }
        lock.lock()
        let given = pending
        pending = nil
        lock.unlock()
        if let given { responder.update(given) }
    }
}
