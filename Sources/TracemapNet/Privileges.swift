import CNetShim
import Foundation

/// The process's right to open raw sockets, and the way to give it up once they are open (as mtr-packet does).
public enum Privileges {
    /// Root or CAP_NET_RAW in the effective set.
    public static var canOpenRawSockets: Bool {
        geteuid() == 0 || tm_has_cap_net_raw() != 0
    }

    /// Whether unprivileged ICMP "ping" sockets are allowed for this group (`net.ipv4.ping_group_range`).
    public static var pingGroupRange: ClosedRange<UInt32>? {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ping_group_range", encoding: .utf8)
        else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { UInt32($0) }
        guard parts.count == 2, parts[0] <= parts[1] else { return nil }
        return parts[0]...parts[1]
    }

    /// Gives up every capability, and returns to the invoking user when started through sudo or setuid.
    /// Sockets already open keep working; nothing opened later may be raw.
    public static func drop() {
        if let sudoGID = ProcessInfo.processInfo.environment["SUDO_GID"].flatMap(gid_t.init),
           let sudoUID = ProcessInfo.processInfo.environment["SUDO_UID"].flatMap(uid_t.init), getuid() == 0,
           sudoUID != 0 {
            // The files tracemap writes later (recordings, cache) then belong to the user who ran sudo.
            _ = setgroups(0, nil)
            _ = setgid(sudoGID)
            _ = setuid(sudoUID)
        } else if geteuid() != getuid() {
            _ = setuid(getuid())
        }
        _ = tm_drop_all_caps()
    }
}

/// Wall-clock time in seconds, the clock `SO_TIMESTAMPNS` stamps with (CLOCK_REALTIME).
public func wallClockNow() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// `poll(2)` over descriptors for reading (and writing where asked); returns the ready ones.
public func pollReadable(_ descriptors: [(fd: Int32, events: Int16)], timeout: Double) -> [(fd: Int32, revents: Int16)] {
    var fds = descriptors.map { pollfd(fd: $0.fd, events: $0.events, revents: 0) }
    let milliseconds = Int32(max(0, min(timeout * 1000, 60_000)).rounded(.up))
    let count = poll(&fds, nfds_t(fds.count), milliseconds)
    guard count > 0 else { return [] }
    return fds.filter { $0.revents != 0 }.map { ($0.fd, $0.revents) }
}
