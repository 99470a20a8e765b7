import Foundation
import TracemapModel

/// The DNS server tracemap asks: an address and a UDP port.
public struct ResolverEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    /// The interface of a link-local server ("fe80::1%eth0"), 0 for any.
    public var scopeID: UInt32

    public init(address: IPAddress, port: UInt16 = 53, scopeID: UInt32 = 0) {
        self.address = address
        self.port = port
        self.scopeID = scopeID
    }

    /// "192.0.2.53", "192.0.2.53:5353", "2001:db8::53", "[2001:db8::53]:5353", "fe80::1%eth0"; nil otherwise.
    public init?(parsing text: String) {
        var host = text.trimmingCharacters(in: .whitespaces)
        var port: UInt16 = 53
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = UInt16(rest.dropFirst()), value > 0 else { return nil }
                port = value
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard let value = UInt16(host[host.index(after: colon)...]), value > 0 else { return nil }
            port = value
            host = String(host[..<colon])
        }
        var scopeID: UInt32 = 0
        if let percent = host.firstIndex(of: "%") {
            let interface = String(host[host.index(after: percent)...])
            scopeID = UInt32(interface) ?? if_nametoindex(interface)
            host = String(host[..<percent])
        }
        guard let address = IPAddress(host) else { return nil }
        self.init(address: address, port: port, scopeID: scopeID)
    }

    public var description: String {
        address.family == .v6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    /// `TRACEMAP_RESOLVER` when set, otherwise the first `nameserver` of resolv.conf(5).
    public static func system(environment: [String: String] = ProcessInfo.processInfo.environment,
                              resolvConf: String = "/etc/resolv.conf") -> ResolverEndpoint? {
        if let value = environment["TRACEMAP_RESOLVER"], !value.isEmpty {
            return ResolverEndpoint(parsing: value)
        }
        guard let text = try? String(contentsOfFile: resolvConf, encoding: .utf8) else { return nil }
        return firstNameserver(inResolvConf: text)
    }

    /// The first usable `nameserver` line; resolv.conf(5) comments start with "#" or ";".
    static func firstNameserver(inResolvConf text: String) -> ResolverEndpoint? {
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { continue }
            // resolv.conf has no port syntax: the address is the whole field.
            let field = String(fields[1])
            var host = field
            var scopeID: UInt32 = 0
            if let percent = field.firstIndex(of: "%") {
                let interface = String(field[field.index(after: percent)...])
                scopeID = UInt32(interface) ?? if_nametoindex(interface)
                host = String(field[..<percent])
            }
            if let address = IPAddress(host) { return ResolverEndpoint(address: address, scopeID: scopeID) }
        }
        return nil
    }
}
