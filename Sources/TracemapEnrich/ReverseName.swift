import TracemapModel

/// The DNS names an address is looked up under: reversed IPv4 octets, reversed IPv6 nibbles.
public enum ReverseName {
    /// "4.3.2.1" for 1.2.3.4; 32 nibbles, lowest first, for IPv6 (RFC 3596 §2.5).
    public static func reversedLabels(_ address: IPAddress) -> String {
        switch address.family {
        case .v4:
            return address.bytes.reversed().map(String.init).joined(separator: ".")
        case .v6:
            let digits = Array("0123456789abcdef")
            return address.bytes.reversed()
                .flatMap { [digits[Int($0 & 0x0f)], digits[Int($0 >> 4)]] }
                .map(String.init).joined(separator: ".")
        }
    }

    /// The PTR name: "4.3.2.1.in-addr.arpa" (RFC 1035 §3.5) or "….ip6.arpa" (RFC 3596).
    public static func pointer(for address: IPAddress) -> String {
        reversedLabels(address) + (address.family == .v4 ? ".in-addr.arpa" : ".ip6.arpa")
    }
}
