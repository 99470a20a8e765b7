#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import TracemapModel

/// Conversions between `IPAddress` (+ port) and the kernel's `sockaddr_in` / `sockaddr_in6`.
public enum SocketAddress {
    /// Calls `body` with a sockaddr for `address:port` and its length.
    public static func with<R>(_ address: IPAddress, port: UInt16 = 0, scopeID: UInt32 = 0,
                               _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        var storage = sockaddr_storage()
        let length = fill(&storage, address: address, port: port, scopeID: scopeID)
        return try withUnsafePointer(to: &storage) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }

    /// Writes `address:port` into `storage` and returns the used length. `scopeID`: the interface of an IPv6
    /// link-local address (ignored for IPv4).
    public static func fill(_ storage: inout sockaddr_storage, address: IPAddress, port: UInt16,
                            scopeID: UInt32 = 0) -> socklen_t {
        storage = sockaddr_storage()
        switch address.family {
        case .v4:
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: address.bytes) }
            withUnsafeMutableBytes(of: &storage) { raw in withUnsafeBytes(of: sin) { raw.copyMemory(from: $0) } }
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        case .v6:
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            sin6.sin6_scope_id = scopeID
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: address.bytes) }
            withUnsafeMutableBytes(of: &storage) { raw in withUnsafeBytes(of: sin6) { raw.copyMemory(from: $0) } }
            return socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
    }

    /// Reads the address and port of a sockaddr the kernel filled; nil for other families.
    public static func decode(_ pointer: UnsafeRawPointer) -> (address: IPAddress, port: UInt16)? {
        let family = pointer.load(as: sockaddr.self).sa_family
        switch Int32(family) {
        case AF_INET:
            let sin = pointer.loadUnaligned(as: sockaddr_in.self)
            let bytes = withUnsafeBytes(of: sin.sin_addr) { Array($0) }
            return IPAddress(bytes: bytes).map { ($0, UInt16(bigEndian: sin.sin_port)) }
        case AF_INET6:
            let sin6 = pointer.loadUnaligned(as: sockaddr_in6.self)
            let bytes = withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }
            return IPAddress(bytes: bytes).map { ($0, UInt16(bigEndian: sin6.sin6_port)) }
        default:
            return nil
        }
    }
}
