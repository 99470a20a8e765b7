import TracemapModel
@testable import TracemapPacket

/// Addresses and whole probe packets the packet tests share (documentation ranges only: RFC 5737, RFC 3849).
enum Fixture {
    static let source4 = IPAddress("192.0.2.1")!
    static let target4 = IPAddress("203.0.113.10")!
    static let router4 = IPAddress("198.51.100.7")!
    static let source6 = IPAddress("2001:db8:1::1")!
    static let target6 = IPAddress("2001:db8:ffff::10")!
    static let router6 = IPAddress("2001:db8:100::7")!
    /// What tracemap puts in its payloads: a tag and the sequence.
    static let tag: [UInt8] = Array("TRMP".utf8) + [0x00, 0x2a]
    static let labels = [
        MPLSLabel(label: 16004, trafficClass: 0, bottomOfStack: false, ttl: 1),
        MPLSLabel(label: 0xfffff, trafficClass: 5, bottomOfStack: true, ttl: 255),
    ]

    static func source(_ family: IPAddress.Family) -> IPAddress { family == .v4 ? source4 : source6 }
    static func target(_ family: IPAddress.Family) -> IPAddress { family == .v4 ? target4 : target6 }
    static func router(_ family: IPAddress.Family) -> IPAddress { family == .v4 ? router4 : router6 }

    static func ip(_ family: IPAddress.Family, ttl: UInt8, protocolNumber: UInt8, _ body: [UInt8]) -> [UInt8] {
        family == .v4
            ? ProbePacket.ipv4Header(source: source4, destination: target4, ttl: ttl, tos: 0x10,
                                     identification: 0xbeef, protocolNumber: protocolNumber,
                                     payloadLength: body.count) + body
            : ProbePacket.ipv6Header(source: source6, destination: target6, hopLimit: ttl, trafficClass: 0x10,
                                     flowLabel: 0x12345, nextHeader: protocolNumber, payloadLength: body.count) + body
    }

    static func icmpProbe(_ family: IPAddress.Family, ttl: UInt8 = 1, sequence: UInt16 = 42,
                          flow: UInt16? = 0x1357) -> [UInt8] {
        ip(family, ttl: ttl, protocolNumber: family == .v4 ? 1 : 58,
           ProbePacket.icmpEcho(family: family, identifier: 0x4242, sequence: sequence, payload: tag,
                                payloadLength: 36, flowChecksum: flow, source: source(family),
                                destination: target(family)))
    }

    static func udpProbe(_ family: IPAddress.Family, ttl: UInt8 = 1, checksum: UInt16 = 0x8001) -> [UInt8] {
        ip(family, ttl: ttl, protocolNumber: 17,
           ProbePacket.udp(source: source(family), destination: target(family), sourcePort: 50_000,
                           destinationPort: 33_434, checksum: checksum, payload: tag, payloadLength: 24))
    }

    static func tcpProbe(_ family: IPAddress.Family, ttl: UInt8 = 1) -> [UInt8] {
        ip(family, ttl: ttl, protocolNumber: 6,
           ProbePacket.tcpSyn(source: source(family), destination: target(family), sourcePort: 50_001,
                              destinationPort: 443, sequenceNumber: 0xdead_beef))
    }

    /// Parses a reply the way the prober's sockets deliver it: whole IPv4 packets, ICMPv6 from its header.
    static func parse(_ reply: [UInt8]) -> ParsedResponse? {
        guard let first = reply.first else { return nil }
        if first >> 4 == 4 { return ResponseParser.parseIPv4(reply) }
        guard reply.count >= 40, let from = IPAddress(bytes: Array(reply[8 ..< 24])),
              let to = IPAddress(bytes: Array(reply[24 ..< 40])) else { return nil }
        let body = Array(reply[40...])
        return reply[6] == 6 ? ResponseParser.parseTCP(body, from: from, to: to)
                             : ResponseParser.parseICMPv6(body, from: from, to: to)
    }
}
