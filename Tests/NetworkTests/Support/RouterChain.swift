import Foundation

/// A chain of real Linux routers in namespaces: host — r1 — r2 — r3 — destination, IPv4 and IPv6, so the
/// kernel's own ICMP behaviour is what the prober meets. ICMP rate limits are off unless a test turns them on.
final class RouterChain: @unchecked Sendable {
    static let destination4 = "203.0.113.2"
    static let destination6 = "2001:db8:4::2"
    static let hops4 = ["192.0.2.2", "198.51.100.2", "198.51.100.6", "203.0.113.2"]
    static let hops6 = ["2001:db8:1::2", "2001:db8:2::2", "2001:db8:3::2", "2001:db8:4::2"]

    let host: Namespace
    let routers: [Namespace]
    let destination: Namespace

    init() throws {
        host = try Namespace(tag: "h")
        routers = try (1...3).map { try Namespace(tag: "r\($0)") }
        destination = try Namespace(tag: "d")
        do { try build() } catch { destroy(); throw error }
    }

    private func build() throws {
        let chain = [host] + routers + [destination]
        // Link i joins chain[i] (interface "up") and chain[i+1] (interface "down").
        let v4 = [("192.0.2.1/30", "192.0.2.2/30"), ("198.51.100.1/30", "198.51.100.2/30"),
                  ("198.51.100.5/30", "198.51.100.6/30"), ("203.0.113.1/24", "203.0.113.2/24")]
        for index in 0..<4 {
            let left = chain[index], right = chain[index + 1]
            let made = Shell.run(["ip", "link", "add", "e\(index)a", "netns", left.name, "type", "veth",
                                  "peer", "name", "e\(index)b", "netns", right.name])
            guard made.status == 0 else { throw NamespaceError(message: "veth: \(made.stderr)") }
            try left.ip("link", "set", "e\(index)a", "up")
            try right.ip("link", "set", "e\(index)b", "up")
            try left.ip("addr", "add", v4[index].0, "dev", "e\(index)a")
            try right.ip("addr", "add", v4[index].1, "dev", "e\(index)b")
            try left.ip("-6", "addr", "add", "2001:db8:\(index + 1)::1/64", "dev", "e\(index)a", "nodad")
            try right.ip("-6", "addr", "add", "2001:db8:\(index + 1)::2/64", "dev", "e\(index)b", "nodad")
        }
        for namespace in chain {
            namespace.sysctl("net.ipv4.icmp_ratelimit=0")
            namespace.sysctl("net.ipv6.icmp.ratelimit=0")
        }
        for router in routers {
            router.sysctl("net.ipv4.ip_forward=1")
            router.sysctl("net.ipv6.conf.all.forwarding=1")
        }
        try host.ip("route", "add", "default", "via", "192.0.2.2")
        try host.ip("-6", "route", "add", "default", "via", "2001:db8:1::2")
        try routers[0].ip("route", "add", "default", "via", "198.51.100.2")
        try routers[0].ip("-6", "route", "add", "default", "via", "2001:db8:2::2")
        try routers[1].ip("route", "add", "203.0.113.0/24", "via", "198.51.100.6")
        try routers[1].ip("route", "add", "192.0.2.0/30", "via", "198.51.100.1")
        try routers[1].ip("-6", "route", "add", "2001:db8:4::/64", "via", "2001:db8:3::2")
        try routers[1].ip("-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8:2::1")
        try routers[2].ip("route", "add", "default", "via", "198.51.100.5")
        try routers[2].ip("-6", "route", "add", "default", "via", "2001:db8:3::1")
        try destination.ip("route", "add", "default", "via", "203.0.113.1")
        try destination.ip("-6", "route", "add", "default", "via", "2001:db8:4::1")
    }

    /// Runs `tracemap ARGS` on the host namespace (as root, or as `user` when given).
    func tracemap(_ arguments: [String], user: String? = nil, timeout: TimeInterval = 60) -> ProcessResult {
        let prefix = user.map { ["setpriv", "--reuid=\($0)", "--regid=\($0 == "nobody" ? "nogroup" : $0)",
                                 "--clear-groups"] } ?? []
        return host.exec(prefix + [Shell.tracemapBinary] + arguments, timeout: timeout)
    }

    func destroy() {
        ([host] + routers + [destination]).forEach { $0.destroy() }
    }

    deinit { destroy() }
}
