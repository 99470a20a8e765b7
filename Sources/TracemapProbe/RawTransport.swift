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

/// Probes over raw sockets (root or CAP_NET_RAW): every header under our control, so every protocol keeps a
/// Paris flow — ICMP keeps its checksum constant per flow, UDP and TCP keep their ports and carry the sequence
/// in the UDP checksum or the TCP sequence number (Paris traceroute, Augustin et al. 2006).
final class RawTransport: ProbeTransport, @unchecked Sendable {
    let method = ProbeMethod.raw
    var source: IPAddress? { local }
    private let local: IPAddress
    private let options: ProbeOptions
    private let family: IPAddress.Family
    /// ICMP: the echo identifier of this process. UDP/TCP: the tag in the high half of the TCP sequence.
    private let tag: UInt16
    /// The source port of each flow (UDP/TCP), reserved by `portReservations` so no other process reuses it.
    private let flowPorts: [UInt16]
    private let portReservations: [Socket]
    private let sendSocket: Socket
    private let icmpSocket: Socket
    private let tcpSocket: Socket?

    init(options: ProbeOptions, source: IPAddress) throws(SocketError) {
        self.options = options
        self.family = source.family
        self.local = source
        tag = UInt16.random(in: 1...0xfffe)
        icmpSocket = try Socket(family: family, type: .raw, protocol: .icmp(for: family))
        try icmpSocket.enableKernelTimestamps()
        // Only what can answer a probe: echo reply, destination unreachable, time exceeded (v4 0, 3, 11; v6 129,
        // 1, 3). Everything else the host receives — other tools' echo requests, neighbour discovery — stays in
        // the kernel instead of waking the reactor.
        try icmpSocket.passOnlyICMPTypes(family == .v4 ? [0, 3, 11] : [129, 1, 3])
        // One socket hears every target's replies: room for a burst of thousands (hundreds of targets starting
        // a round at once) so the kernel does not drop them before the reactor reads.
        icmpSocket.enlargeReceiveBuffer(to: 4 << 20)
        switch options.protocolKind {
        case .icmp:
            sendSocket = icmpSocket
            try sendSocket.setTOS(options.tos)
            tcpSocket = nil
            flowPorts = []
            portReservations = []
        case .udp, .tcp:
            // IPPROTO_RAW implies IP_HDRINCL (also for IPv6): we write the IP header, so TTL, TOS and source
            // are per packet and the socket never receives anything.
            sendSocket = try Socket(family: family, type: .raw, protocol: .raw)
            let reservations = try RawTransport.reservePorts(count: options.flows, family: family,
                                                             tcp: options.protocolKind == .tcp, source: local)
            portReservations = reservations.sockets
            flowPorts = reservations.ports
            if options.protocolKind == .tcp {
                let socket = try Socket(family: family, type: .raw, protocol: .tcp)
                try socket.enableKernelTimestamps()
                tcpSocket = socket
            } else {
                tcpSocket = nil
            }
        }
        if let device = options.device {
            try sendSocket.bind(toDevice: device)
        }
    }

    /// Binds one UDP or TCP socket per flow on consecutive ports, so the ports are ours while we probe.
    private static func reservePorts(count: Int, family: IPAddress.Family, tcp: Bool,
                                     source: IPAddress) throws(SocketError) -> (sockets: [Socket], ports: [UInt16]) {
        var lastError = SocketError("bind", code: .addressInUse)
        for _ in 0..<32 {
            let base = UInt16.random(in: 33_000...60_000)
            var sockets: [Socket] = []
            do {
                for flow in 0..<count {
                    let socket = try Socket(family: family, type: tcp ? .stream : .datagram)
                    try socket.bind(source, port: base + UInt16(flow))
                    sockets.append(socket)
                }
                return (sockets, (0..<count).map { base + UInt16($0) })
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    func pollSet() -> [(fd: Int32, events: PollEvents)] {
        var set: [(fd: Int32, events: PollEvents)] = [(icmpSocket.descriptor, .readable)]
        if let tcpSocket { set.append((tcpSocket.descriptor, .readable)) }
        return set
    }

    func send(to target: IPAddress, ttl: Int, flow: Int, sequence: UInt16) throws(SocketError) -> Double {
        let payload = ProbePayload.make(tag: tag, sequence: sequence)
        switch options.protocolKind {
        case .icmp:
            let length = ProbePayload.length(packetSize: options.packetSize, family: family, transportHeader: 8,
                                             minimum: 2 + payload.count)
            let message = ProbePacket.icmpEcho(family: family, identifier: tag, sequence: sequence,
                                               payload: payload, payloadLength: length,
                                               flowChecksum: RawTransport.flowChecksum(flow),
                                               source: local, destination: target)
            try icmpSocket.setTTL(ttl)
            let sentAt = wallClockNow()
            try icmpSocket.send(message, to: target)
            return sentAt
        case .udp:
            let length = ProbePayload.length(packetSize: options.packetSize, family: family, transportHeader: 8,
                                             minimum: 2 + payload.count)
            let segment = ProbePacket.udp(source: local, destination: target, sourcePort: flowPorts[flow],
                                          destinationPort: options.destinationPort,
                                          checksum: sequence, payload: payload, payloadLength: length)
            return try sendWithHeader(segment, to: target, protocolNumber: SocketProtocol.udp.headerValue, ttl: ttl,
                                      sequence: sequence)
        case .tcp:
            let segment = ProbePacket.tcpSyn(source: local, destination: target, sourcePort: flowPorts[flow],
                                             destinationPort: options.destinationPort,
                                             sequenceNumber: UInt32(tag) << 16 | UInt32(sequence))
            return try sendWithHeader(segment, to: target, protocolNumber: SocketProtocol.tcp.headerValue, ttl: ttl,
                                      sequence: sequence)
        }
    }

    private func sendWithHeader(_ transport: [UInt8], to target: IPAddress, protocolNumber: UInt8, ttl: Int,
                                sequence: UInt16) throws(SocketError) -> Double {
        let header = family == .v4
            ? ProbePacket.ipv4Header(source: local, destination: target, ttl: UInt8(clamping: ttl), tos: options.tos,
                                     identification: sequence, protocolNumber: protocolNumber,
                                     payloadLength: transport.count)
            : ProbePacket.ipv6Header(source: local, destination: target, hopLimit: UInt8(clamping: ttl),
                                     trafficClass: options.tos, flowLabel: 0, nextHeader: protocolNumber,
                                     payloadLength: transport.count)
        let sentAt = wallClockNow()
        try sendSocket.send(header + transport, to: target)
        return sentAt
    }

    /// The constant ICMP checksum of a flow: distinct per flow, never 0 or 0xffff.
    static func flowChecksum(_ flow: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: 0x4d2a &+ flow &* 0x0101)
    }

    func receive(fd: Int32, revents: PollEvents) -> [TransportReply] {
        let socket = fd == icmpSocket.descriptor ? icmpSocket : tcpSocket
        guard let socket else { return [] }
        var replies: [TransportReply] = []
        // Drain everything queued: one poll wake-up may stand for many packets.
        while let message = socket.receive() {
            let receivedAt = message.kernelTime ?? wallClockNow()
            let parsed: ParsedResponse?
            if family == .v4 {
                parsed = ResponseParser.parseIPv4(message.bytes)
            } else if let sender = message.sender {
                parsed = socket === tcpSocket
                    ? ResponseParser.parseTCP(message.bytes, from: sender, to: local)
                    : ResponseParser.parseICMPv6(message.bytes, from: sender, to: source)
            } else {
                parsed = nil
            }
            if let parsed, let reply = match(parsed, receivedAt: receivedAt) { replies.append(reply) }
        }
        return replies
    }

    /// Recognises our probes: the right destination and protocol, our identifier or ports, and the sequence.
    private func match(_ response: ParsedResponse, receivedAt: Double) -> TransportReply? {
        let probe = response.probe
        let kind: ReplyKind
        var code: UInt8?
        switch response.kind {
        case .timeExceeded: kind = .timeExceeded
        case .echoReply: kind = .echoReply
        case .destinationUnreachable(let c): kind = .unreachable(code: c, family: family); code = c
        case .tcpSynAck: kind = .tcpSynAck
        case .tcpReset: kind = .tcpReset
        case .other: return nil
        }
        if kind == .echoReply {
            guard options.protocolKind == .icmp, probe.icmpIdentifier == tag, let sequence = probe.icmpSequence
            else { return nil }
            return TransportReply(key: ProbeKey(destination: response.responder, sequence: sequence),
                                  responder: response.responder, kind: kind, code: code,
                                  mpls: response.mpls, receivedAt: receivedAt)
        }
        let destination = probe.destination
        let sequence: UInt16?
        switch options.protocolKind {
        case .icmp:
            let icmpNumber: UInt8 = family == .v4 ? 1 : 58
            sequence = probe.protocolNumber == icmpNumber && probe.icmpIdentifier == tag ? probe.icmpSequence : nil
        case .udp:
            sequence = probe.protocolNumber == 17 && flowPorts.contains(probe.sourcePort ?? 0)
                && probe.destinationPort == options.destinationPort ? probe.udpChecksum : nil
        case .tcp:
            if probe.protocolNumber == 6, flowPorts.contains(probe.sourcePort ?? 0),
               probe.destinationPort == options.destinationPort, let number = probe.tcpSequence,
               UInt16(number >> 16) == tag {
                sequence = UInt16(number & 0xffff)
            } else {
                sequence = nil
            }
        }
        guard let sequence else { return nil }
        return TransportReply(key: ProbeKey(destination: destination, sequence: sequence),
                              responder: response.responder, kind: kind, code: code,
                              mpls: response.mpls, receivedAt: receivedAt)
    }
}
