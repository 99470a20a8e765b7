import CNetShim
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Waits for descriptors to become ready until an exact deadline: `ppoll(2)` with a nanosecond timespec, so a
/// deadline 300 µs away is waited for, not rounded to 0 and spun on as `poll(2)`'s milliseconds would be.
public enum Readiness {
    /// Waits until one of `descriptors` is ready or `deadline` (CLOCK_REALTIME seconds, nil: no limit) passes;
    /// returns the ready ones with what happened. EINTR returns nothing ready.
    public static func wait(_ descriptors: [(fd: Int32, events: PollEvents)],
                            until deadline: Double?) -> [(fd: Int32, events: PollEvents)] {
        wait(descriptors, nanoseconds: deadline.map { deadline in
            let remaining = deadline - wallClockNow()
            return remaining <= 0 ? 0 : Int64(min(remaining, 3600) * 1e9)
        })
    }

    /// Waits at most `timeout` (nil: no limit) for one of `descriptors`.
    public static func wait(_ descriptors: [(fd: Int32, events: PollEvents)],
                            timeout: Duration?) -> [(fd: Int32, events: PollEvents)] {
        wait(descriptors, nanoseconds: timeout.map { timeout in
            guard timeout > .zero else { return 0 }
            let (seconds, attoseconds) = min(timeout, .seconds(3600)).components
            return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        })
    }

    private static func wait(_ descriptors: [(fd: Int32, events: PollEvents)],
                             nanoseconds: Int64?) -> [(fd: Int32, events: PollEvents)] {
        var fds = descriptors.map { pollfd(fd: $0.fd, events: $0.events.rawValue, revents: 0) }
        let count = tm_ppoll(&fds, UInt(fds.count), nanoseconds ?? -1)
        guard count > 0 else { return [] }
        return fds.filter { $0.revents != 0 }.map { ($0.fd, PollEvents(rawValue: $0.revents)) }
    }
}

/// An eventfd that wakes a thread waiting in `Readiness.wait`: another thread signals, the waiter drains.
public final class Waker: @unchecked Sendable {
    public let descriptor: Int32

    public init() throws(SocketError) {
        let fd = tm_eventfd()
        guard fd >= 0 else { throw SocketError("eventfd") }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// `write(2)` of 1 to the eventfd: the waiter's ppoll returns.
    public func signal() { tm_eventfd_signal(descriptor) }

    /// `read(2)` of the counter: resets it after a wake-up.
    public func drain() { tm_eventfd_drain(descriptor) }
}
