import TracemapModel

/// Sorts an address into its special-purpose class (the IANA special-purpose registries, RFC 6890 and its
/// updates). Only `global` addresses are ever sent to an outside lookup.
public enum AddressClassifier {
    private struct Range {
        var network: IPAddress
        var prefixLength: Int
        var addressClass: AddressClass
    }

    /// First match wins, so narrower ranges come before the ranges that contain them.
    private static let v4Ranges: [Range] = [
        range("0.0.0.0", 8, .bogon),            // RFC 791 "this network"
        range("10.0.0.0", 8, .privateUse),      // RFC 1918
        range("100.64.0.0", 10, .cgnat),        // RFC 6598
        range("127.0.0.0", 8, .loopback),       // RFC 1122
        range("169.254.0.0", 16, .linkLocal),   // RFC 3927
        range("172.16.0.0", 12, .privateUse),   // RFC 1918
        range("192.0.0.0", 24, .bogon),         // RFC 6890 IETF protocol assignments
        range("192.0.2.0", 24, .documentation), // RFC 5737 TEST-NET-1
        range("192.88.99.0", 24, .bogon),       // RFC 7526 deprecated 6to4 relay anycast
        range("192.168.0.0", 16, .privateUse),  // RFC 1918
        range("198.18.0.0", 15, .bogon),        // RFC 2544 benchmarking
        range("198.51.100.0", 24, .documentation), // RFC 5737 TEST-NET-2
        range("203.0.113.0", 24, .documentation),  // RFC 5737 TEST-NET-3
        range("224.0.0.0", 4, .multicast),      // RFC 5771
        range("240.0.0.0", 4, .bogon),          // RFC 1112 reserved, with the limited broadcast address
    ]

    private static let v6Ranges: [Range] = [
        range("::", 128, .bogon),               // RFC 4291 unspecified
        range("::1", 128, .loopback),           // RFC 4291
        range("::", 96, .bogon),                // RFC 4291 deprecated IPv4-compatible addresses
        range("64:ff9b:1::", 48, .privateUse),  // RFC 8215 local-use NAT64
        range("100::", 64, .bogon),             // RFC 6666 discard-only
        range("2001:2::", 48, .bogon),          // RFC 5180 benchmarking
        range("2001:10::", 28, .bogon),         // RFC 4843 deprecated ORCHID
        range("2001:20::", 28, .bogon),         // RFC 7343 ORCHIDv2
        range("2001:db8::", 32, .documentation), // RFC 3849
        range("3fff::", 20, .documentation),    // RFC 9637
        range("fc00::", 7, .uniqueLocal),       // RFC 4193
        range("fe80::", 10, .linkLocal),        // RFC 4291
        range("fec0::", 10, .bogon),            // RFC 3879 deprecated site-local
        range("ff00::", 8, .multicast),         // RFC 4291
    ]

    private static let globalUnicast = IPAddress("2000::")!
    private static let mappedV4 = IPAddress("::ffff:0:0")!
    private static let nat64 = IPAddress("64:ff9b::")!

    private static func range(_ text: String, _ prefixLength: Int, _ addressClass: AddressClass) -> Range {
        Range(network: IPAddress(text)!, prefixLength: prefixLength, addressClass: addressClass)
    }

    /// The class of `address`. IPv4-mapped (RFC 4291) and well-known NAT64 (RFC 6052) IPv6 addresses take the
    /// class of the IPv4 address they carry.
    public static func classify(_ address: IPAddress) -> AddressClass {
        switch address.family {
        case .v4:
            return v4Ranges.first { address.isIn($0.network, prefixLength: $0.prefixLength) }?.addressClass ?? .global
        case .v6:
            if address.isIn(mappedV4, prefixLength: 96) || address.isIn(nat64, prefixLength: 96),
               let embedded = IPAddress(bytes: Array(address.bytes.suffix(4))) {
                return classify(embedded)
            }
            if let match = v6Ranges.first(where: { address.isIn($0.network, prefixLength: $0.prefixLength) }) {
                return match.addressClass
            }
            // IANA has delegated only 2000::/3 for global unicast; the rest of the space is unallocated.
            return address.isIn(globalUnicast, prefixLength: 3) ? .global : .bogon
        }
    }
}

extension AddressClass {
    /// Whether an address of this class is in space that the wider internet routes.
    public var isGlobal: Bool { self == .global }
}
