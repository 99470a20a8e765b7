#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import TracemapModel
import TracemapNet
import TracemapPacket

/// Reads a socket's error queue (IP_RECVERR) and turns each queued ICMP error into a reply, using `sequence`
/// to find our probe in the quoted payload the kernel hands back; the probe's destination is the message's
/// name (ip(7): the original destination of the datagram that caused the error).
private func drainErrorQueue(_ socket: Socket, family: IPAddress.Family,
                             sequence: ([UInt8]) -> UInt16?) -> [TransportReply] {
    var replies: [TransportReply] = []
    while let message = socket.receive(errorQueue: true) {
        guard let error = message.extendedError, error.isICMP, let offender = error.offender,
              let destination = message.sender, let probeSequence = sequence(message.bytes) else { continue }
        let timeExceeded = family == .v4 ? error.type == 11 : error.type == 3
        let unreachable = family == .v4 ? error.type == 3 : error.type == 1
        guard timeExceeded || unreachable else { continue }
        let kind: ReplyKind = timeExceeded ? .timeExceeded : .unreachable(code: error.code, family: family)
        replies.append(TransportReply(key: ProbeKey(destination: destination, sequence: probeSequence),
                                      responder: offender, kind: kind,
                                      code: unreachable ? error.code : nil, mpls: [],
                                      receivedAt: message.kernelTime ?? wallClockNow()))
    }
    return replies
}

/// Sends on an IP_RECVERR socket. An ICMP error that arrived for an earlier probe sets the socket's pending
/// error, and the next `sendto` reports it instead of sending (EHOSTUNREACH…); that send is simply repeated once.
private func sendReportingPendingError(_ socket: Socket, _ bytes: [UInt8], to target: IPAddress,
                                       port: UInt16) throws(SocketError) {
    do {
        try socket.send(bytes, to: target, port: port)
    } catch {
        try socket.send(bytes, to: target, port: port)
    }
}

/// ICMP echo over unprivileged "ping" sockets (SOCK_DGRAM, IPPROTO_ICMP[V6]; `net.ipv4.ping_group_range`).
/// The kernel sets the identifier to the socket's port; one socket per flow keeps each flow's checksum constant.
final class PingSocketTransport: ProbeTransport, @unchecked Sendable {
    let method = ProbeMethod.pingSocket
    let source: IPAddress?
    private let family: IPAddress.Family
    private let options: ProbeOptions
    private let tag = UInt16.random(in: 1...0xfffe)
    private let sockets: [Socket]
    private let identifiers: [UInt16]

    init(options: ProbeOptions, source: IPAddress) throws(SocketError) {
        self.family = source.family
        self.options = options
        self.source = source
        var sockets: [Socket] = []
        var identifiers: [UInt16] = []
        for _ in 0..<options.flows {
            let socket = try Socket(family: source.family, type: .datagram, protocol: .icmp(for: source.family))
            try socket.enableErrorQueue()
            try socket.enableKernelTimestamps()
            try socket.setTOS(options.tos)
            if let device = options.device { try socket.bind(toDevice: device) }
            try socket.bind(source)
            identifiers.append(try socket.localAddress().port)
            sockets.append(socket)
        }
        self.sockets = sockets
        self.identifiers = identifiers
    }

    func pollSet() -> [(fd: Int32, events: PollEvents)] {
        sockets.map { ($0.descriptor, .readable) }
    }

    func send(to target: IPAddress, ttl: Int, flow: Int, sequence: UInt16) throws(SocketError) -> Double {
        let payload = ProbePayload.make(tag: tag, sequence: sequence)
        let length = ProbePayload.length(packetSize: options.packetSize, family: target.family, transportHeader: 8,
                                         minimum: 2 + payload.count)
        let message = ProbePacket.icmpEcho(family: target.family, identifier: identifiers[flow], sequence: sequence,
                                           payload: payload, payloadLength: length,
                                           flowChecksum: RawTransport.flowChecksum(flow),
                                           source: source, destination: target)
        try sockets[flow].setTTL(ttl)
        let sentAt = wallClockNow()
        try sendReportingPendingError(sockets[flow], message, to: target, port: 0)
        return sentAt
    }

    func receive(fd: Int32, revents: PollEvents) -> [TransportReply] {
        guard let socket = sockets.first(where: { $0.descriptor == fd }) else { return [] }
        // The error queue holds the quoted ICMP header and payload of our probe (the kernel strips the IP header).
        var replies = drainErrorQueue(socket, family: family) { [tag] quoted in
            ProbePayload.sequence(in: quoted, offset: 10, tag: tag)
        }
        while let message = socket.receive() {
            // Echo replies arrive as the ICMP message alone: type, code, checksum, identifier, sequence, payload.
            guard message.bytes.count >= 8, let sender = message.sender,
                  let sequence = ProbePayload.sequence(in: message.bytes, offset: 10, tag: tag) else { continue }
            replies.append(TransportReply(key: ProbeKey(destination: sender, sequence: sequence), responder: sender,
                                          kind: .echoReply, code: nil,
                                          mpls: [], receivedAt: message.kernelTime ?? wallClockNow()))
        }
        return replies
    }
}

/// UDP over ordinary sockets with IP_RECVERR: one socket (one source port) per flow, the sequence in the payload.
/// Routers that quote only 8 bytes of the probe (RFC 792's minimum) cannot be matched this way.
final class UDPRecvErrTransport: ProbeTransport, @unchecked Sendable {
    let method = ProbeMethod.udpRecvErr
    let source: IPAddress?
    private let family: IPAddress.Family
    private let options: ProbeOptions
    private let tag = UInt16.random(in: 1...0xfffe)
    private let sockets: [Socket]

    init(options: ProbeOptions, source: IPAddress) throws(SocketError) {
        self.family = source.family
        self.options = options
        self.source = source
        sockets = try (0..<options.flows).map { _ throws(SocketError) in
            let socket = try Socket(family: source.family, type: .datagram)
            try socket.enableErrorQueue()
            try socket.enableKernelTimestamps()
            try socket.setTOS(options.tos)
            if let device = options.device { try socket.bind(toDevice: device) }
            try socket.bind(source)
            return socket
        }
    }

    func pollSet() -> [(fd: Int32, events: PollEvents)] {
        sockets.map { ($0.descriptor, .readable) }
    }

    func send(to target: IPAddress, ttl: Int, flow: Int, sequence: UInt16) throws(SocketError) -> Double {
        let payload = ProbePayload.make(tag: tag, sequence: sequence)
        let length = ProbePayload.length(packetSize: options.packetSize, family: target.family, transportHeader: 8,
                                         minimum: payload.count)
        let socket = sockets[flow]
        try socket.setTTL(ttl)
        let sentAt = wallClockNow()
        try sendReportingPendingError(socket, payload + [UInt8](repeating: 0, count: length - payload.count),
                                      to: target, port: options.destinationPort)
        return sentAt
    }

    func receive(fd: Int32, revents: PollEvents) -> [TransportReply] {
        guard let socket = sockets.first(where: { $0.descriptor == fd }) else { return [] }
        while socket.receive() != nil {}
        return drainErrorQueue(socket, family: family) { [tag] quoted in
            ProbePayload.sequence(in: quoted, offset: 0, tag: tag)
        }
    }
}

/// TCP over non-blocking `connect` with IP_RECVERR: a new socket (source port) per probe, so unlike the raw
/// method this one cannot keep a Paris flow. Connected means SYN-ACK, ECONNREFUSED means RST from the target.
final class TCPConnectTransport: ProbeTransport, @unchecked Sendable {
    let method = ProbeMethod.tcpConnect
    let source: IPAddress?
    private let family: IPAddress.Family
    private let options: ProbeOptions
    private var pending: [ProbeKey: Socket] = [:]
    private var byDescriptor: [Int32: ProbeKey] = [:]

    init(options: ProbeOptions, source: IPAddress) {
        self.family = source.family
        self.options = options
        self.source = source
    }

    func pollSet() -> [(fd: Int32, events: PollEvents)] {
        pending.values.map { ($0.descriptor, .writable) }
    }

    func send(to target: IPAddress, ttl: Int, flow: Int, sequence: UInt16) throws(SocketError) -> Double {
        let socket = try Socket(family: target.family, type: .stream)
        try socket.enableErrorQueue()
        try socket.enableKernelTimestamps()
        try socket.setTTL(ttl)
        try socket.setTOS(options.tos)
        if let device = options.device { try socket.bind(toDevice: device) }
        if let source { try socket.bind(source) }
        let sentAt = wallClockNow()
        try socket.connect(target, port: options.destinationPort)
        let key = ProbeKey(destination: target, sequence: sequence)
        pending[key] = socket
        byDescriptor[socket.descriptor] = key
        return sentAt
    }

    func receive(fd: Int32, revents: PollEvents) -> [TransportReply] {
        guard let key = byDescriptor[fd], let socket = pending[key] else { return [] }
        let target = key.destination
        let sequence = key.sequence
        let hops = drainErrorQueue(socket, family: family) { _ in sequence }
        if let hop = hops.first { return [hop] }
        guard !revents.isDisjoint(with: [.writable, .hangUp]) else { return [] }
        let error = socket.pendingError()
        let now = wallClockNow()
        switch error {
        case nil:
            return [TransportReply(key: key, responder: target, kind: .tcpSynAck, code: nil, mpls: [],
                                   receivedAt: now)]
        case .connectionRefused?:
            return [TransportReply(key: key, responder: target, kind: .tcpReset, code: nil, mpls: [],
                                   receivedAt: now)]
        default:
            return []
        }
    }

    func finish(_ key: ProbeKey) {
        if let socket = pending.removeValue(forKey: key) { byDescriptor[socket.descriptor] = nil }
    }
}
