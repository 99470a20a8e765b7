import CNetShim
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

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
    ///
    /// Every call's result is checked, and the outcome verified afterwards (the ids really changed, root cannot
    /// be regained, no capability is left): a drop that half-failed would leave a root process reading packets
    /// from the network, so it throws and the caller must not go on (exit 4).
    public static func drop(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(PrivilegeDropError) {
        if let sudoGID = environment["SUDO_GID"].flatMap(gid_t.init),
           let sudoUID = environment["SUDO_UID"].flatMap(uid_t.init), getuid() == 0, sudoUID != 0 {
            // The files tracemap writes later (recordings, cache) then belong to the user who ran sudo.
            // Order matters: groups and gid while still root, the uid last.
            guard setgroups(0, nil) == 0 else { throw PrivilegeDropError(call: "setgroups", code: errno) }
            guard setgid(sudoGID) == 0 else { throw PrivilegeDropError(call: "setgid(\(sudoGID))", code: errno) }
            guard setuid(sudoUID) == 0 else { throw PrivilegeDropError(call: "setuid(\(sudoUID))", code: errno) }
            guard getgid() == sudoGID, getegid() == sudoGID, getuid() == sudoUID, geteuid() == sudoUID else {
                throw PrivilegeDropError(call: "the ids after setuid", code: 0,
                                         detail: "still uid \(getuid())/\(geteuid()), gid \(getgid())/\(getegid())")
            }
            // POSIX: an unprivileged process must not get root back.
            if setuid(0) == 0 { throw PrivilegeDropError(call: "setuid(0)", code: 0, detail: "root could be regained") }
        } else if geteuid() != getuid() || getegid() != getgid() {
            // A setuid/setgid binary: back to the real ids (gid first, while still allowed).
            let gid = getgid(), uid = getuid()
            guard setgid(gid) == 0 else { throw PrivilegeDropError(call: "setgid(\(gid))", code: errno) }
            guard setuid(uid) == 0 else { throw PrivilegeDropError(call: "setuid(\(uid))", code: errno) }
            guard geteuid() == uid, getegid() == gid else {
                throw PrivilegeDropError(call: "the ids after setuid", code: 0,
                                         detail: "still euid \(geteuid()), egid \(getegid())")
            }
        }
        guard tm_drop_all_caps() == 0 else { throw PrivilegeDropError(call: "capset", code: errno) }
        guard tm_has_cap_net_raw() == 0 else {
            throw PrivilegeDropError(call: "capset", code: 0, detail: "CAP_NET_RAW is still effective")
        }
    }
}

/// A privilege drop that did not happen as asked: one line naming the call, exit 4 (no probe method allowed).
public struct PrivilegeDropError: Error, CustomStringConvertible, Sendable {
    public var call: String
    public var code: Int32
    public var detail: String?

    public init(call: String, code: Int32, detail: String? = nil) {
        self.call = call
        self.code = code
        self.detail = detail
    }

    public var description: String {
        "cannot drop privileges (\(call): \(detail ?? String(cString: strerror(code)))); refusing to go on as root"
    }
}

/// Wall-clock time in seconds, the clock `SO_TIMESTAMPNS` stamps with (CLOCK_REALTIME).
public func wallClockNow() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
