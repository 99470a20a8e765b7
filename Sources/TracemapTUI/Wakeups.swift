import Dispatch
import Foundation

/// The write end of the pipe that signal handlers use to wake the TUI loop (`write(2)` is async-signal-safe);
/// -1 until `Wakeups` made it.
nonisolated(unsafe) var signalWakeDescriptor: Int32 = -1
/// The SIGWINCH handler ncurses installed, called from ours so curses still learns the new size.
nonisolated(unsafe) private var cursesResizeHandler: (@convention(c) (Int32) -> Void)?

/// What wakes the TUI loop, so it sleeps in between instead of polling the keyboard every few milliseconds
/// (mtr's curses loop sleeps in select the same way): a key (a thread waits on stdin), a signal or a resize (their
/// handlers write to a pipe that thread also waits on), and a new snapshot or event (the receivers call `wake`).
/// The loop's own deadlines — the next second for the clock, the next replay frame — bound each wait.
final class Wakeups: @unchecked Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let keysTaken = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var watcherWaits = false
    private var pipe: [Int32] = [-1, -1]

    init() {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        if Glibc.pipe(&pipe) == 0 {
            for end in pipe {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
            signalWakeDescriptor = pipe[1]
        }
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

    /// Starts the thread that waits on stdin and the signal pipe, and chains a SIGWINCH handler in front of
    /// curses' own (call after the terminal is set up).
    func watchInput() {
        var action = sigaction()
        var previous = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            if signalWakeDescriptor >= 0 {
                var byte: UInt8 = 1
                _ = write(signalWakeDescriptor, &byte, 1)
            }
            cursesResizeHandler?(number)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        if sigaction(SIGWINCH, &action, &previous) == 0 {
            let handler = previous.__sigaction_handler.sa_handler
            if let handler, unsafeBitCast(handler, to: Int.self) > 1 { cursesResizeHandler = handler }
        }
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
        while true {
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: pipe[0], events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { return }
            if fds[1].revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 64)
                while read(pipe[0], &buffer, buffer.count) > 0 {}
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
