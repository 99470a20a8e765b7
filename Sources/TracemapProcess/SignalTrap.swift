#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the one signal handler knows about a trapped signal. A handler may only do async-signal-safe things
/// (POSIX.1 §2.4.3): it counts, writes the number to the trap's pipe, and calls the handler it replaced.
private struct TrapSlot {
    /// The trap's shared counters; nil while the signal is not trapped.
    var state: UnsafeMutablePointer<TrapState>?
    /// The handler that was installed before (curses' SIGWINCH handler), called after ours.
    var chained: (@convention(c) (Int32) -> Void)?
    var previous = sigaction()
}

private struct TrapState {
    /// Write end of the trap's self-pipe (non-blocking: a full pipe drops the byte, never blocks the handler).
    var writer: Int32
    /// How many of the trap's signals arrived.
    var received: sig_atomic_t
    /// The first of them.
    var first: sig_atomic_t
    /// A second one `_exit(128 + n)`s at once.
    var exitOnRepeat: Bool
}

/// One slot per signal number, allocated before any handler is installed (a lazily made global would run
/// `swift_once` inside the handler).
nonisolated(unsafe) private let slots: UnsafeMutablePointer<TrapSlot> = {
    let count = 128   // Linux's _NSIG is 65
    let pointer = UnsafeMutablePointer<TrapSlot>.allocate(capacity: count)
    pointer.initialize(repeating: TrapSlot(), count: count)
    return pointer
}()

private let trapHandler: @convention(c) (Int32) -> Void = { number in
    let slot = slots.advanced(by: Int(number))
    if let state = slot.pointee.state {
        state.pointee.received += 1
        if state.pointee.received > 1 && state.pointee.exitOnRepeat { _exit(128 + number) }
        if state.pointee.first == 0 { state.pointee.first = number }
        var value = number
        let saved = errno
        _ = write(state.pointee.writer, &value, MemoryLayout<Int32>.size)
        errno = saved
    }
    slot.pointee.chained?(number)
}

/// The one way tracemap traps signals: a self-pipe. The handler writes the signal's number to a pipe (and
/// notes it in a flag); ordinary code reads it — by polling `pending`, by waiting on `descriptor` in `poll(2)`,
/// with `next()` on a thread, or as `stream()`. Curses is never called from a handler (endwin is not
/// async-signal-safe), and no stop runs in a signal context.
///
/// Not a Dispatch signal source nor a signalfd: on Linux both see only signals that every thread blocks, and
/// the async runtime's threads do not block them.
public final class SignalTrap: @unchecked Sendable {
    public let signals: [Int32]
    /// The read end of the self-pipe: readable once a trapped signal arrived (each arrival is 4 bytes, the
    /// signal's number).
    public let descriptor: Int32
    private let state: UnsafeMutablePointer<TrapState>
    private var restored = false

    /// Installs the handler for `signals` (SA_RESTART). With `chain`, the handler that was there before still
    /// runs after ours (ncurses learns of SIGWINCH through its own). With `exitOnRepeat`, the first signal is
    /// reported and a second one ends the process at once with 128 + its number.
    public init(_ signals: [Int32], chain: Bool = false, exitOnRepeat: Bool = false) {
        self.signals = signals
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
        }
        descriptor = ends[0]
        state = .allocate(capacity: 1)
        state.initialize(to: TrapState(writer: ends[1], received: 0, first: 0, exitOnRepeat: exitOnRepeat))
        for number in signals {
            let slot = slots.advanced(by: Int(number))
            slot.pointee.state = state
            var action = sigaction()
            action.__sigaction_handler.sa_handler = trapHandler
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            var previous = sigaction()
            guard sigaction(number, &action, &previous) == 0 else { continue }
            slot.pointee.previous = previous
            // SIG_DFL (0) and SIG_IGN (1) are not functions to call.
            if chain, let handler = previous.__sigaction_handler.sa_handler, unsafeBitCast(handler, to: Int.self) > 1,
               unsafeBitCast(handler, to: Int.self) != unsafeBitCast(trapHandler, to: Int.self) {
                slot.pointee.chained = handler
            }
        }
    }

    /// The first trapped signal that arrived, if any.
    public var pending: Int32? {
        let number = state.pointee.first
        return number == 0 ? nil : number
    }

    /// Reads what arrived without waiting, emptying the pipe.
    @discardableResult
    public func drain() -> [Int32] {
        var numbers: [Int32] = []
        var value: Int32 = 0
        while read(descriptor, &value, MemoryLayout<Int32>.size) == MemoryLayout<Int32>.size {
            if value != Self.endOfStream { numbers.append(value) }
        }
        return numbers
    }

    /// What `finish` and `restore` write to the pipe to wake a reader blocked in `next()` (no signal is 0).
    private static let endOfStream: Int32 = 0

    /// Waits for the next trapped signal (for a thread of its own); nil once the trap was restored.
    public func next() -> Int32? {
        while true {
            var value: Int32 = 0
            let count = read(descriptor, &value, MemoryLayout<Int32>.size)
            if count == MemoryLayout<Int32>.size { return value == Self.endOfStream ? nil : value }
            guard count < 0, errno == EINTR || errno == EAGAIN, !restored else { return nil }
            // Blocks until a signal or `finish`/`restore` writes to the pipe: an idle trap costs no wake-ups.
            var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&waiting, 1, -1)
        }
    }

    /// The trapped signals as they arrive, read on a thread of its own (a plain pthread: Foundation's Thread
    /// would pull all of Foundation in). The stream ends when `finish` or `restore` is called.
    public func stream() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        let context = Unmanaged.passRetained(Reader(trap: self, continuation: continuation)).toOpaque()
        var thread = pthread_t()
        if pthread_create(&thread, nil, { context in
            let reader = Unmanaged<Reader>.fromOpaque(context!).takeRetainedValue()
            var blocked = sigset_t()
            sigfillset(&blocked)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)   // the handlers run on other threads
            while let number = reader.trap.next() { reader.continuation.yield(number) }
            reader.continuation.finish()
            return nil
        }, context) == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Reader>.fromOpaque(context).release()
            continuation.finish()
        }
        return stream
    }

    private final class Reader: @unchecked Sendable {
        let trap: SignalTrap
        let continuation: AsyncStream<Int32>.Continuation
        init(trap: SignalTrap, continuation: AsyncStream<Int32>.Continuation) {
            self.trap = trap
            self.continuation = continuation
        }
    }

    /// Ends `next()` and `stream()`; the handlers stay (with `exitOnRepeat`, any further signal now exits at
    /// once, as during a final report).
    public func finish() {
        if state.pointee.received == 0 { state.pointee.received = 1 }
        restored = true
        wakeReader()
    }

    private func wakeReader() {
        var value = Self.endOfStream
        _ = write(state.pointee.writer, &value, MemoryLayout<Int32>.size)
    }

    /// Puts back the actions that were there before (after the terminal is restored); ends `next()` and
    /// `stream()`. The pipe stays open (a reader may still hold it) and is closed with the process.
    public func restore() {
        restored = true
        for number in signals {
            let slot = slots.advanced(by: Int(number))
            guard slot.pointee.state == state else { continue }
            var previous = slot.pointee.previous
            sigaction(number, &previous, nil)
            slot.pointee.state = nil
            slot.pointee.chained = nil
        }
        wakeReader()
    }
}
