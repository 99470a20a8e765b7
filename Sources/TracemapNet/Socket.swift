import CNetShim
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import TracemapModel

/// A failed system call: which call, and its errno.
public struct SocketError: Error, CustomStringConvertible, Sendable, Hashable {
    public var call: String
    public var code: Errno

    /// `code` defaults to the thread's errno, so build the error right after the failed call.
    public init(_ call: String, code: Errno = .current) {
        self.call = call
        self.code = code
    }

    public var description: String { "\(call): \(code)" }
    /// A short name such as "ENETUNREACH" for records and raw output.
    public var symbol: String { code.symbol }
}

/// The ICMP error the kernel attached to a socket's error queue (IP_RECVERR, `struct sock_extended_err`).
public struct ExtendedError: Sendable, Hashable {
    public var origin: UInt8
    public var type: UInt8
    public var code: UInt8
    public var errorNumber: UInt32
    /// The router or host that sent the ICMP error (SO_EE_OFFENDER).
    public var offender: IPAddress?

    public var isICMP: Bool { Int32(origin) == TM_SO_EE_ORIGIN_ICMP || Int32(origin) == TM_SO_EE_ORIGIN_ICMP6 }
}

/// One datagram read with `recvmsg`: its bytes, sender, kernel receive timestamp and any queued ICMP error.
public struct ReceivedMessage: Sendable {
    public var bytes: [UInt8]
    public var sender: IPAddress?
    public var senderPort: UInt16
    /// CLOCK_REALTIME seconds from SO_TIMESTAMPNS; nil when the kernel gave none.
    public var kernelTime: Double?
    public var extendedError: ExtendedError?
    /// The local destination address of the packet (IP_PKTINFO / IPV6_RECVPKTINFO), when enabled.
    public var destination: IPAddress?
}

/// A socket descriptor owned by Swift: closed on deinit. Each method wraps one system call (named in its doc).
public final class Socket: @unchecked Sendable {
    public let descriptor: Int32
    public let family: IPAddress.Family

    /// `socket(2)`, non-blocking and close-on-exec.
    public init(family: IPAddress.Family, type: SocketType,
                protocol socketProtocol: SocketProtocol = .default) throws(SocketError) {
        let fd = Glibc.socket(family.addressFamily,
                              type.rawValue | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                              socketProtocol.rawValue)
        guard fd >= 0 else { throw SocketError("socket") }
        descriptor = fd
        self.family = family
    }

    deinit { close(descriptor) }

    /// `setsockopt(2)` with an integer value.
    public func setOption(_ option: SocketOption, _ value: Int32) throws(SocketError) {
        var v = value
        guard setsockopt(descriptor, option.level, option.name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SocketError("setsockopt(\(option.level), \(option.name))")
        }
    }

    /// `setsockopt(2)` with raw bytes.
    public func setOption(_ option: SocketOption, bytes: UnsafeRawBufferPointer) throws(SocketError) {
        guard setsockopt(descriptor, option.level, option.name, bytes.baseAddress, socklen_t(bytes.count)) == 0 else {
            throw SocketError("setsockopt(\(option.level), \(option.name))")
        }
    }

    /// Sets the TTL (IPv4 `IP_TTL`) or hop limit (IPv6 `IPV6_UNICAST_HOPS`) of the next packets.
    public func setTTL(_ ttl: Int) throws(SocketError) {
        switch family {
        case .v4: try setOption(.ipTTL, Int32(ttl))
        case .v6: try setOption(.ipv6UnicastHops, Int32(ttl))
        }
    }

    /// Sets the TOS byte (IPv4) or traffic class (IPv6).
    public func setTOS(_ tos: UInt8) throws(SocketError) {
        guard tos != 0 else { return }
        switch family {
        case .v4: try setOption(.ipTOS, Int32(tos))
        case .v6: try setOption(.ipv6TrafficClass, Int32(tos))
        }
    }

    /// Asks for kernel receive timestamps (`SO_TIMESTAMPNS`): RTTs end when the packet arrived, not when we read it.
    public func enableKernelTimestamps() throws(SocketError) {
        try setOption(.timestampNanoseconds, 1)
    }

    /// Lets only these ICMP (IPv4, `ICMP_FILTER`) or ICMPv6 (`ICMP6_FILTER`, RFC 3542) types reach a raw socket,
    /// so a raw socket shared by many targets does not parse every echo request and neighbour message on the host.
    public func passOnlyICMPTypes(_ types: [UInt8]) throws(SocketError) {
        switch family {
        case .v4:
            let mask = types.reduce(UInt32(0)) { $0 | (UInt32(1) << UInt32($1 & 31)) }
            guard tm_set_icmp_filter(descriptor, mask) == 0 else { throw SocketError("setsockopt(ICMP_FILTER)") }
        case .v6:
            var filter = icmp6_filter()
            tm_icmp6_filter_setblockall(&filter)
            for type in types { tm_icmp6_filter_setpass(Int32(type), &filter) }
            let result = withUnsafeBytes(of: &filter) {
                setsockopt(descriptor, SocketOption.icmp6Filter.level, SocketOption.icmp6Filter.name, $0.baseAddress,
                           socklen_t($0.count))
            }
            guard result == 0 else { throw SocketError("setsockopt(ICMP6_FILTER)") }
        }
    }

    /// Asks for a receive buffer of `bytes`: `SO_RCVBUFFORCE` (past `net.core.rmem_max`, needs CAP_NET_ADMIN),
    /// else `SO_RCVBUF` (capped by rmem_max). Best effort: a smaller buffer still works, it only drops sooner.
    public func enlargeReceiveBuffer(to bytes: Int32) {
        if (try? setOption(.receiveBufferForce, bytes)) == nil {
            try? setOption(.receiveBuffer, bytes)
        }
    }

    /// Queues ICMP errors for this socket (`IP_RECVERR` / `IPV6_RECVERR`), the unprivileged way to see hops.
    public func enableErrorQueue() throws(SocketError) {
        switch family {
        case .v4: try setOption(.ipReceiveErrors, 1)
        case .v6: try setOption(.ipv6ReceiveErrors, 1)
        }
    }

    /// Binds to an interface (`SO_BINDTODEVICE`), for `-D/--dev`.
    public func bind(toDevice name: String) throws(SocketError) {
        let bytes = Array(name.utf8) + [0]
        let result = bytes.withUnsafeBytes {
            setsockopt(descriptor, SocketOption.bindToDevice.level, SocketOption.bindToDevice.name, $0.baseAddress,
                       socklen_t($0.count))
        }
        guard result == 0 else { throw SocketError("SO_BINDTODEVICE \(name)") }
    }

    /// `bind(2)`.
    public func bind(_ address: IPAddress, port: UInt16 = 0) throws(SocketError) {
        let result = SocketAddress.with(address, port: port) { Glibc.bind(descriptor, $0, $1) }
        guard result == 0 else { throw SocketError("bind \(address) port \(port)") }
    }

    /// `connect(2)`; a non-blocking connect in progress (EINPROGRESS) is not an error. `scopeID` is the
    /// interface of an IPv6 link-local peer.
    public func connect(_ address: IPAddress, port: UInt16, scopeID: UInt32 = 0) throws(SocketError) {
        let result = SocketAddress.with(address, port: port, scopeID: scopeID) { Glibc.connect(descriptor, $0, $1) }
        guard result == 0 || Errno.current == .inProgress else { throw SocketError("connect \(address)") }
    }

    /// `getsockname(2)`: the local address and port.
    public func localAddress() throws(SocketError) -> (address: IPAddress, port: UInt16) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0, let decoded = withUnsafeBytes(of: &storage, { SocketAddress.decode($0.baseAddress!) })
        else { throw SocketError("getsockname") }
        return decoded
    }

    /// `SO_ERROR`: the pending error of a non-blocking connect; nil when connected.
    public func pendingError() -> Errno? {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SocketOption.error.level, SocketOption.error.name, &value, &length)
        return value == 0 ? nil : Errno(rawValue: value)
    }

    /// `sendto(2)` of one datagram.
    public func send(_ bytes: [UInt8], to address: IPAddress, port: UInt16 = 0) throws(SocketError) {
        let sent = bytes.withUnsafeBytes { buffer in
            SocketAddress.with(address, port: port) { sendto(descriptor, buffer.baseAddress, buffer.count, 0, $0, $1) }
        }
        guard sent == bytes.count else { throw SocketError("sendto \(address)") }
    }

    /// `send(2)` of one datagram on a connected socket (`MSG_NOSIGNAL`).
    public func send(_ bytes: [UInt8]) throws(SocketError) {
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent >= 0 else { throw SocketError("send") }
    }

    /// `recv(2)` of one datagram; nil when none is waiting (EAGAIN) or a signal interrupted the call. Unlike
    /// `receive`, other errors are thrown: a connected UDP socket reports the peer's port unreachable as
    /// ECONNREFUSED here.
    public func receiveDatagram(capacity: Int = 65_535) throws(SocketError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: capacity)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            let code = Errno.current
            if code == .wouldBlock || code == .interrupted { return nil }
            throw SocketError("recv", code: code)
        }
        return Array(buffer.prefix(count))
    }

    /// `recvmsg(2)` of one datagram, or of one queued error with `errorQueue` (`MSG_ERRQUEUE`); nil when
    /// nothing is waiting.
    public func receive(errorQueue: Bool = false, capacity: Int = 2048) -> ReceivedMessage? {
        var buffer = [UInt8](repeating: 0, count: capacity)
        var control = [UInt8](repeating: 0, count: 512)
        var name = sockaddr_storage()
        return buffer.withUnsafeMutableBytes { data -> ReceivedMessage? in
            control.withUnsafeMutableBytes { controlBytes -> ReceivedMessage? in
                withUnsafeMutablePointer(to: &name) { namePointer -> ReceivedMessage? in
                    var iov = iovec(iov_base: data.baseAddress, iov_len: data.count)
                    return withUnsafeMutablePointer(to: &iov) { iovPointer -> ReceivedMessage? in
                        var message = msghdr()
                        message.msg_name = UnsafeMutableRawPointer(namePointer)
                        message.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                        message.msg_iov = iovPointer
                        message.msg_iovlen = 1
                        message.msg_control = controlBytes.baseAddress
                        message.msg_controllen = controlBytes.count
                        let count = recvmsg(descriptor, &message, errorQueue ? Int32(MSG_ERRQUEUE) : 0)
                        guard count >= 0 else { return nil }
                        let sender = message.msg_namelen > 0 ? SocketAddress.decode(namePointer) : nil
                        var received = ReceivedMessage(bytes: Array(data.prefix(count)), sender: sender?.address,
                                                       senderPort: sender?.port ?? 0, kernelTime: nil,
                                                       extendedError: nil, destination: nil)
                        ControlMessages.parse(&message, into: &received)
                        return received
                    }
                }
            }
        }
    }
}

/// Reads the control messages of a `recvmsg` (the CMSG_* walk through the C shim).
enum ControlMessages {
    static func parse(_ message: inout msghdr, into received: inout ReceivedMessage) {
        var header = tm_cmsg_firsthdr(&message)
        while let cmsg = header {
            let level = cmsg.pointee.cmsg_level
            let type = cmsg.pointee.cmsg_type
            let data = UnsafeRawPointer(tm_cmsg_data(cmsg)!)
            if level == SOL_SOCKET && type == SO_TIMESTAMPNS {
                let stamp = data.loadUnaligned(as: timespec.self)
                received.kernelTime = Double(stamp.tv_sec) + Double(stamp.tv_nsec) / 1e9
            } else if (level == Int32(IPPROTO_IP) && type == IP_RECVERR)
                        || (level == Int32(IPPROTO_IPV6) && type == IPV6_RECVERR) {
                let ee = data.loadUnaligned(as: sock_extended_err.self)
                let offenderPointer = tm_ee_offender(UnsafeMutablePointer(mutating: data.assumingMemoryBound(to: sock_extended_err.self)))
                received.extendedError = ExtendedError(
                    origin: ee.ee_origin, type: ee.ee_type, code: ee.ee_code, errorNumber: ee.ee_errno,
                    offender: offenderPointer.flatMap { SocketAddress.decode(UnsafeRawPointer($0))?.address })
            }
            header = tm_cmsg_nxthdr(&message, cmsg)
        }
    }
}
