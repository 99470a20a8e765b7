import CNetShim
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import TracemapModel

// Typed values for the C constants of the socket layer, in the manner of swift-system (`Errno`, `FilePermissions`):
// callers write `.datagram`, `.readable` and `.notPermitted`, never `Int32(SOCK_DGRAM.rawValue)`, `Int16(POLLIN)`
// or a bare errno. Only TracemapNet spells the C names.

/// An errno value (errno(3)): swift-system's `Errno`, so files and sockets report failures in one type.
public typealias Errno = SystemPackage.Errno

extension Errno {
    /// The calling thread's errno, read right after the failed call.
    public static var current: Errno { Errno(rawValue: errno) }

    /// A short name such as "ENETUNREACH" for records and raw output.
    public var symbol: String {
        switch self {
        case .networkUnreachable: "ENETUNREACH"
        case .noRouteToHost: "EHOSTUNREACH"
        case .notPermitted: "EPERM"
        case .permissionDenied: "EACCES"
        case .messageTooLong: "EMSGSIZE"
        case .noBufferSpace: "ENOBUFS"
        case .invalidArgument: "EINVAL"
        case .addressNotAvailable: "EADDRNOTAVAIL"
        default: "errno \(rawValue)"
        }
    }

    /// ENODEV: no such network device (swift-system names it after its BSD meaning).
    public static var noSuchDevice: Errno { .operationNotSupportedByDevice }
    /// EINPROGRESS: a non-blocking connect has started.
    public static var inProgress: Errno { .nowInProgress }
}

/// A socket type for socket(2).
public struct SocketType: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// SOCK_DGRAM: UDP, and ICMP "ping" sockets.
    public static let datagram = SocketType(rawValue: Int32(SOCK_DGRAM.rawValue))
    /// SOCK_STREAM: TCP.
    public static let stream = SocketType(rawValue: Int32(SOCK_STREAM.rawValue))
    /// SOCK_RAW: whole packets (root or CAP_NET_RAW).
    public static let raw = SocketType(rawValue: Int32(SOCK_RAW.rawValue))
}

/// The protocol argument of socket(2): an IANA protocol number.
public struct SocketProtocol: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// 0: the type's usual protocol (UDP for datagrams, TCP for streams).
    public static let `default` = SocketProtocol(rawValue: 0)
    public static let icmp = SocketProtocol(rawValue: Int32(IPPROTO_ICMP))
    public static let icmpV6 = SocketProtocol(rawValue: Int32(IPPROTO_ICMPV6))
    public static let udp = SocketProtocol(rawValue: Int32(IPPROTO_UDP))
    public static let tcp = SocketProtocol(rawValue: Int32(IPPROTO_TCP))
    /// IPPROTO_RAW: send-only, the caller writes the IP header (IP_HDRINCL implied, also for IPv6).
    public static let raw = SocketProtocol(rawValue: Int32(IPPROTO_RAW))

    /// ICMP for IPv4, ICMPv6 for IPv6.
    public static func icmp(for family: IPAddress.Family) -> SocketProtocol { family == .v4 ? .icmp : .icmpV6 }

    /// The number as it appears in an IPv4 protocol or IPv6 next-header field.
    public var headerValue: UInt8 { UInt8(truncatingIfNeeded: rawValue) }
}

/// A socket option: its level and name for setsockopt(2) / getsockopt(2).
public struct SocketOption: Hashable, Sendable {
    public let level: Int32
    public let name: Int32

    public init(level: Int32, name: Int32) {
        self.level = level
        self.name = name
    }

    /// IP_TTL: the TTL of outgoing IPv4 packets.
    public static let ipTTL = SocketOption(level: Int32(IPPROTO_IP), name: IP_TTL)
    /// IPV6_UNICAST_HOPS: the hop limit of outgoing IPv6 packets.
    public static let ipv6UnicastHops = SocketOption(level: Int32(IPPROTO_IPV6), name: IPV6_UNICAST_HOPS)
    /// IP_TOS.
    public static let ipTOS = SocketOption(level: Int32(IPPROTO_IP), name: IP_TOS)
    /// IPV6_TCLASS.
    public static let ipv6TrafficClass = SocketOption(level: Int32(IPPROTO_IPV6), name: IPV6_TCLASS)
    /// IP_RECVERR: queue ICMP errors for the socket (ip(7)).
    public static let ipReceiveErrors = SocketOption(level: Int32(IPPROTO_IP), name: IP_RECVERR)
    /// IPV6_RECVERR.
    public static let ipv6ReceiveErrors = SocketOption(level: Int32(IPPROTO_IPV6), name: IPV6_RECVERR)
    /// SO_TIMESTAMPNS: a kernel receive timestamp with each datagram.
    public static let timestampNanoseconds = SocketOption(level: SOL_SOCKET, name: SO_TIMESTAMPNS)
    /// SO_RCVBUF.
    public static let receiveBuffer = SocketOption(level: SOL_SOCKET, name: SO_RCVBUF)
    /// SO_RCVBUFFORCE: past `net.core.rmem_max` (CAP_NET_ADMIN).
    public static let receiveBufferForce = SocketOption(level: SOL_SOCKET, name: SO_RCVBUFFORCE)
    /// SO_BINDTODEVICE.
    public static let bindToDevice = SocketOption(level: SOL_SOCKET, name: SO_BINDTODEVICE)
    /// SO_ERROR: the pending error (of a non-blocking connect).
    public static let error = SocketOption(level: SOL_SOCKET, name: SO_ERROR)
    /// ICMP6_FILTER (RFC 3542).
    public static let icmp6Filter = SocketOption(level: Int32(IPPROTO_ICMPV6), name: ICMP6_FILTER)
}

/// The events of poll(2) / ppoll(2): what to wait for, and what happened.
public struct PollEvents: OptionSet, Hashable, Sendable {
    public let rawValue: Int16

    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// POLLIN: data (or a queued error) to read.
    public static let readable = PollEvents(rawValue: Int16(POLLIN))
    /// POLLOUT: writable; for a non-blocking connect, the connect has finished.
    public static let writable = PollEvents(rawValue: Int16(POLLOUT))
    /// POLLERR (always reported).
    public static let error = PollEvents(rawValue: Int16(POLLERR))
    /// POLLHUP (always reported): a connect refused or reset.
    public static let hangUp = PollEvents(rawValue: Int16(POLLHUP))
}
