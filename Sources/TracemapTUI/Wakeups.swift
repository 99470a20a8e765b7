import Dispatch
import Foundation
import TracemapNet
import TracemapProcess

/// What wakes the TUI loop, so it sleeps in between instead of polling the keyboard every few milliseconds
/// (mtr's curses loop sleeps in select the same way): a key (a thread waits on stdin), a signal or a resize (their
/// `SignalTrap`s' pipes, which that thread also waits on), and a new snapshot or event (the receivers call `wake`).
/// The loop's own deadlines — the next second for the clock, the next replay frame — bound each wait.
final class Wakeups: @unchecked Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let keysTaken = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var watcherWaits = false
    private var traps: [SignalTrap] = []

    init() {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// SIGINT, SIGTERM and SIGHUP become the trap's `pending`, which the main loop reads, so the terminal is
    /// restored by the same main-actor code as on `q` (curses must never be called from a signal handler), and
    /// they wake the loop. Call before `watchInput`.
    func trapStopSignals() -> SignalTrap {
        let trap = SignalTrap([SIGINT, SIGTERM, SIGHUP])
        lock.lock()
        traps.append(trap)
        lock.unlock()
        return trap
    }

    /// Something changed: the loop should look now.
    func wake() { continuation.yield() }

    /// Sleeps until woken or until `timeout` has passed.
    func wait(upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [stream] in
                var iterator = stream.makeAsyncIterator()
                _ = await iterator.next()
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// The loop read every pending key: the watcher may wait on stdin again.
    func keysRead() {
        lock.lock()
        let waiting = watcherWaits
        watcherWaits = false
        lock.unlock()
        if waiting { keysTaken.signal() }
    }

    /// Starts the thread that waits on stdin and the signal traps' pipes, and traps SIGWINCH in front of curses'
    /// own handler, which still runs after ours so curses learns the new size (call after the terminal is set up).
    func watchInput() {
        let resize = SignalTrap([SIGWINCH], chain: true)
        lock.lock()
        traps.append(resize)
        lock.unlock()
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        if pthread_create(&thread, nil, { context in
            let wakeups = Unmanaged<Wakeups>.fromOpaque(context!).takeRetainedValue()
            // Signals are for the main thread's handlers; this thread only waits.
            var blocked = sigset_t()
            sigfillset(&blocked)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            wakeups.watch()
            return nil
        }, context) == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Wakeups>.fromOpaque(context).release()
        }
    }

    private func watch() {
        lock.lock()
        let traps = traps
        lock.unlock()
        while true {
            let watched = [(fd: Int32(0), events: PollEvents.readable)]
                + traps.map { (fd: $0.descriptor, events: PollEvents.readable) }
            let ready = Readiness.wait(watched, timeout: nil)
            let input = ready.first { $0.fd == 0 }?.events ?? []
            let trapped = traps.filter { trap in ready.contains { $0.fd == trap.descriptor } }
            if !trapped.isEmpty {
                for trap in trapped { trap.drain() }
                wake()
            }
            if input.contains(.readable) {
                lock.lock()
                watcherWaits = true
                lock.unlock()
                wake()
                keysTaken.wait()
            } else if !input.isEmpty {
                return   // stdin closed or broken: nothing more to wait for
            }
        }
    }
}
