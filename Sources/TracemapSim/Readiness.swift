import Glibc

/// Waits for readable descriptors with microsecond precision. poll(2) counts whole milliseconds, which would
/// make every reply up to 1 ms late; select(2) takes a timeval. Glibc's FD_SET macros are not imported, so the
/// bits are set by hand (one bit per descriptor, in longs, as <sys/select.h> lays them out).
enum Readiness {
    /// Which of `descriptors` are readable (or in error) after waiting at most `timeout` nanoseconds; all false
    /// on timeout or EINTR. Descriptors at or above FD_SETSIZE fall back to poll with the timeout rounded up.
    static func wait(_ descriptors: [Int32], timeout: UInt64) -> [Bool] {
        let bitsPerWord = Int.bitWidth
        guard descriptors.allSatisfy({ $0 >= 0 && Int($0) < MemoryLayout<fd_set>.size * 8 }) else {
            return pollWait(descriptors, timeout: timeout)
        }
        var set = fd_set()
        withUnsafeMutableBytes(of: &set) { raw in
            let words = raw.bindMemory(to: Int.self)
            for fd in descriptors { words[Int(fd) / bitsPerWord] |= 1 << (Int(fd) % bitsPerWord) }
        }
        var interval = timeval(tv_sec: Int(timeout / 1_000_000_000), tv_usec: Int(timeout % 1_000_000_000 / 1000))
        let highest = (descriptors.max() ?? 0) + 1
        guard select(highest, &set, nil, nil, &interval) > 0 else { return descriptors.map { _ in false } }
        return withUnsafeBytes(of: &set) { raw in
            let words = raw.bindMemory(to: Int.self)
            return descriptors.map { fd in words[Int(fd) / bitsPerWord] & (1 << (Int(fd) % bitsPerWord)) != 0 }
        }
    }

    private static func pollWait(_ descriptors: [Int32], timeout: UInt64) -> [Bool] {
        var entries = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let milliseconds = Int32(clamping: (timeout + 999_999) / 1_000_000)
        guard poll(&entries, nfds_t(entries.count), milliseconds) > 0 else { return descriptors.map { _ in false } }
        return entries.map { $0.revents != 0 }
    }
}
