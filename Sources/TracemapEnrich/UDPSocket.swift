import Foundation
import TracemapModel

/// A failed system call: its name and errno.
public struct SystemCallError: Error, Sendable, Hashable, CustomStringConvertible {
    public var function: String
    public var errno: Int32

    public var description: String { "\(function): \(String(cString: strerror(errno)))" }
}

/// A nonblocking UDP socket connected to one peer, so the kernel drops datagrams from anyone else and reports
/// an ICMP port unreachable from the peer as ECONNREFUSED.
final class UDPSocket: @unchecked Sendable {
    let descriptor: Int32

    /// `socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC)`, then `connect` to `peer`.
    init(connectedTo peer: ResolverEndpoint) throws(SystemCallError) {
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(peer.address.family.addressFamily, type, 0)
        guard fd >= 0 else { throw SystemCallError(function: "socket", errno: errno) }
        let status: Int32
        switch peer.address.family {
        case .v4:
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = peer.port.bigEndian
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: peer.address.bytes) }
            status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6:
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = peer.port.bigEndian
            address.sin6_scope_id = peer.scopeID
            withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: peer.address.bytes) }
            status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard status == 0 else {
            let error = SystemCallError(function: "connect", errno: errno)
            close(fd)
            throw error
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// `send(2)` of one datagram.
    func sendDatagram(_ bytes: [UInt8]) throws(SystemCallError) {
        let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent >= 0 else { throw SystemCallError(function: "send", errno: errno) }
    }

    /// `recv(2)` of one datagram; nil when none is waiting (EAGAIN).
    func receiveDatagram() throws(SystemCallError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_535)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return nil }
            throw SystemCallError(function: "recv", errno: errno)
        }
        return Array(buffer.prefix(count))
    }
}

/// A nonblocking pipe that wakes a thread blocked in poll(2).
final class WakePipe: @unchecked Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    /// `pipe`, then `fcntl` for O_NONBLOCK and FD_CLOEXEC (Glibc's module hides `pipe2`).
    init() throws(SystemCallError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw SystemCallError(function: "pipe", errno: errno) }
        for fd in descriptors {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    func wake() {
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up, so a failed write loses nothing.
        _ = write(writeDescriptor, &byte, 1)
    }

    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
    }
}
