import TracemapModel

/// Replaces addresses and hostnames with tokens like `host-3f2a9c`: the same input gives the same token for the
/// whole run, so a redacted trace still shows which hops share a router, while a new random salt per run keeps
/// tokens from two runs from being matched against each other.
public struct Redactor: Sendable {
    private let salt: (UInt64, UInt64)

    /// A redactor with a fresh random salt.
    public init() {
        var generator = SystemRandomNumberGenerator()
        salt = (generator.next(), generator.next())
    }

    /// A redactor with a fixed salt, for tests that need the same tokens twice.
    public init(salt: UInt64, _ salt2: UInt64 = 0) {
        self.salt = (salt, salt2)
    }

    public func token(for address: IPAddress) -> String {
        token(domain: 4, bytes: address.bytes)
    }

    /// Hostnames compare without case (RFC 4343), and a trailing dot changes nothing.
    public func token(for name: String) -> String {
        var normalized = name.lowercased()
        if normalized.hasSuffix(".") { normalized.removeLast() }
        return token(domain: 1, bytes: Array(normalized.utf8))
    }

    /// The same information with its hostname replaced; locations and AS numbers stay, being the point of a
    /// shared trace.
    public func redact(_ info: HostInfo) -> HostInfo {
        var copy = info
        copy.hostname = info.hostname.map { token(for: $0) }
        return copy
    }

    /// SipHash (Swift's `Hasher`, keyed per process) over the run's salt, a domain byte and the input.
    private func token(domain: UInt8, bytes: [UInt8]) -> String {
        var hasher = Hasher()
        hasher.combine(salt.0)
        hasher.combine(salt.1)
        hasher.combine(domain)
        hasher.combine(bytes)
        let value = UInt64(bitPattern: Int64(hasher.finalize())) & 0xff_ffff
        let hex = String(value, radix: 16)
        return "host-" + String(repeating: "0", count: 6 - hex.count) + hex
    }
}
