import Dispatch
import Foundation
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
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0)]
                + traps.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { return }
            if zip(fds.dropFirst(), traps).contains(where: { $0.0.revents != 0 }) {
                for (fd, trap) in zip(fds.dropFirst(), traps) where fd.revents != 0 { trap.drain() }
                wake()
            }
            if fds[0].revents & Int16(POLLIN) != 0 {
                lock.lock()
                watcherWaits = true
                lock.unlock()
                wake()
                keysTaken.wait()
            } else if fds[0].revents != 0 {
                return   // stdin closed or broken: nothing more to wait for
            }
        }
    }
}
