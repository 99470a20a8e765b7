import XCTest
import TracemapModel
@testable import TracemapPacket
import TracemapSim

/// Every probe builder through ReplyPacket and back through ResponseParser.
final class RoundTripTests: XCTestCase {
    func testTimeExceededGivesBackEveryProbe() throws {
        for family in IPAddress.Family.allCases {
            let router = Fixture.router(family)
            for mpls in [[], Fixture.labels] {
                let icmp = try XCTUnwrap(Fixture.parse(ReplyPacket.timeExceeded(
                    from: router, original: Fixture.icmpProbe(family), mpls: mpls)))
                XCTAssertEqual(icmp.kind, .timeExceeded)
                XCTAssertEqual(icmp.responder, router)
                XCTAssertEqual(icmp.mpls, mpls)
                XCTAssertEqual(icmp.probe.protocolNumber, family == .v4 ? 1 : 58)
                XCTAssertEqual(icmp.probe.source, Fixture.source(family))
                XCTAssertEqual(icmp.probe.destination, Fixture.target(family))
                XCTAssertEqual(icmp.probe.ttl, 1)
                XCTAssertEqual(icmp.probe.tos, 0x10)
                XCTAssertEqual(icmp.probe.ipIdentification, family == .v4 ? 0xbeef : nil)
                XCTAssertEqual(icmp.probe.icmpIdentifier, 0x4242)
                XCTAssertEqual(icmp.probe.icmpSequence, 42)
                XCTAssertEqual(icmp.probe.icmpChecksum, 0x1357)
                XCTAssertEqual(Array(icmp.probe.payload.prefix(8)), [icmp.probe.payload[0], icmp.probe.payload[1]]
                                   + Fixture.tag)
                XCTAssertEqual(icmp.probe.payload.count, 36, "padding must not leak into the quoted payload")

                let udp = try XCTUnwrap(Fixture.parse(ReplyPacket.timeExceeded(
                    from: router, original: Fixture.udpProbe(family), mpls: mpls)))
                XCTAssertEqual(udp.kind, .timeExceeded)
                XCTAssertEqual(udp.mpls, mpls)
                XCTAssertEqual(udp.probe.sourcePort, 50_000)
                XCTAssertEqual(udp.probe.destinationPort, 33_434)
                XCTAssertEqual(udp.probe.udpChecksum, 0x8001)

                let tcp = try XCTUnwrap(Fixture.parse(ReplyPacket.timeExceeded(
                    from: router, original: Fixture.tcpProbe(family), mpls: mpls)))
                XCTAssertEqual(tcp.mpls, mpls)
                XCTAssertEqual(tcp.probe.sourcePort, 50_001)
                XCTAssertEqual(tcp.probe.destinationPort, 443)
                XCTAssertEqual(tcp.probe.tcpSequence, 0xdead_beef)
                XCTAssertEqual(tcp.probe.tcpFlags, 0x02)
            }
        }
    }

    func testRepliesCarryValidChecksums() throws {
        for family in IPAddress.Family.allCases {
            let reply = ReplyPacket.timeExceeded(from: Fixture.router(family), original: Fixture.udpProbe(family),
                                                 mpls: Fixture.labels)
            if family == .v4 {
                XCTAssertEqual(InternetChecksum.checksum(reply.prefix(20)), 0)
                XCTAssertEqual(InternetChecksum.checksum(reply.dropFirst(20)), 0)
                XCTAssertEqual(reply[8], 64)
                // RFC 4884: quote padded to 128 bytes = 32 words in octet 5 of the ICMP header.
                XCTAssertEqual(reply[20 + 5], 32)
                XCTAssertEqual(Array(reply[16 ..< 20]), Fixture.source4.bytes)
            } else {
                let pseudo = InternetChecksum.pseudoHeaderSum(source: Fixture.router6, destination: Fixture.source6,
                                                              protocolNumber: 58, length: reply.count - 40)
                XCTAssertEqual(InternetChecksum.checksum(reply.dropFirst(40), initial: pseudo), 0)
                XCTAssertEqual(reply[7], 64)
                // 128 bytes = 16 64-bit words in octet 4 of the ICMPv6 header.
                XCTAssertEqual(reply[40 + 4], 16)
            }
        }
    }

    func testShortQuoteOfHeaderAndEightBytes() throws {
        for family in IPAddress.Family.allCases {
            let headerLength = family == .v4 ? 20 : 40
            for mpls in [[], Fixture.labels] {
                let reply = ReplyPacket.timeExceeded(from: Fixture.router(family), original: Fixture.udpProbe(family),
                                                     quoteLength: headerLength + 8, mpls: mpls)
                let parsed = try XCTUnwrap(Fixture.parse(reply))
                XCTAssertEqual(parsed.probe.sourcePort, 50_000)
                XCTAssertEqual(parsed.probe.udpChecksum, 0x8001)
                // RFC 4884 zero padding is indistinguishable from the probe's own payload, which the quoted
                // length still counts; without an extension nothing follows the 8 bytes.
                XCTAssertEqual(parsed.probe.payload, mpls.isEmpty ? [] : [UInt8](repeating: 0, count: 24))
                XCTAssertEqual(parsed.mpls, mpls)
            }
            let icmp = try XCTUnwrap(Fixture.parse(ReplyPacket.timeExceeded(
                from: Fixture.router(family), original: Fixture.icmpProbe(family), quoteLength: headerLength + 8)))
            XCTAssertEqual(icmp.probe.icmpSequence, 42)
            let tcp = try XCTUnwrap(Fixture.parse(ReplyPacket.timeExceeded(
                from: Fixture.router(family), original: Fixture.tcpProbe(family), quoteLength: headerLength + 8)))
            XCTAssertEqual(tcp.probe.tcpSequence, 0xdead_beef)
            XCTAssertNil(tcp.probe.tcpFlags)
            // Less than 8 transport bytes cannot be matched to a probe.
            XCTAssertNil(Fixture.parse(ReplyPacket.timeExceeded(
                from: Fixture.router(family), original: Fixture.udpProbe(family), quoteLength: headerLength + 7)))
        }
    }

    func testDestinationUnreachable() throws {
        for family in IPAddress.Family.allCases {
            let code: UInt8 = family == .v4 ? 3 : 4
            let reply = ReplyPacket.destinationUnreachable(from: Fixture.target(family), code: code,
                                                           original: Fixture.udpProbe(family))
            let parsed = try XCTUnwrap(Fixture.parse(reply))
            XCTAssertEqual(parsed.kind, .destinationUnreachable(code: code))
            XCTAssertEqual(parsed.responder, Fixture.target(family))
            XCTAssertEqual(parsed.probe.destinationPort, 33_434)
            XCTAssertEqual(parsed.mpls, [])
        }
    }

    func testEchoReply() throws {
        for family in IPAddress.Family.allCases {
            for flow: UInt16 in [0x0001, 0x1357, 0xfffe] {
                let probe = Fixture.icmpProbe(family, flow: flow)
                let reply = try XCTUnwrap(ReplyPacket.echoReply(to: probe))
                let parsed = try XCTUnwrap(Fixture.parse(reply))
                XCTAssertEqual(parsed.kind, .echoReply)
                XCTAssertEqual(parsed.responder, Fixture.target(family))
                XCTAssertEqual(parsed.probe.source, Fixture.source(family))
                XCTAssertEqual(parsed.probe.destination, Fixture.target(family))
                XCTAssertEqual(parsed.probe.icmpIdentifier, 0x4242)
                XCTAssertEqual(parsed.probe.icmpSequence, 42)
                XCTAssertEqual(parsed.probe.icmpType, family == .v4 ? 8 : 128)
                // The request's checksum is recovered from the reply's.
                XCTAssertEqual(parsed.probe.icmpChecksum, flow)
                XCTAssertEqual(Array(parsed.probe.payload[2 ..< 8]), Fixture.tag)
            }
            XCTAssertNil(ReplyPacket.echoReply(to: Fixture.udpProbe(family)))
        }
    }

    func testTCPReplies() throws {
        for family in IPAddress.Family.allCases {
            for open in [true, false] {
                let reply = try XCTUnwrap(ReplyPacket.tcpReply(to: Fixture.tcpProbe(family), open: open))
                let parsed = try XCTUnwrap(Fixture.parse(reply))
                XCTAssertEqual(parsed.kind, open ? .tcpSynAck : .tcpReset)
                XCTAssertEqual(parsed.responder, Fixture.target(family))
                XCTAssertEqual(parsed.probe.source, Fixture.source(family))
                XCTAssertEqual(parsed.probe.destination, Fixture.target(family))
                XCTAssertEqual(parsed.probe.sourcePort, 50_001)
                XCTAssertEqual(parsed.probe.destinationPort, 443)
                XCTAssertEqual(parsed.probe.tcpSequence, 0xdead_beef)
                let segment = Array(reply.dropFirst(family == .v4 ? 20 : 40))
                let pseudo = InternetChecksum.pseudoHeaderSum(source: Fixture.target(family),
                                                              destination: Fixture.source(family),
                                                              protocolNumber: 6, length: segment.count)
                XCTAssertEqual(InternetChecksum.checksum(segment, initial: pseudo), 0)
            }
            XCTAssertNil(ReplyPacket.tcpReply(to: Fixture.icmpProbe(family), open: true))
        }
    }

    func testParseProbeReadsWholePackets() throws {
        let probe = try XCTUnwrap(ResponseParser.parseProbe(Fixture.udpProbe(.v6, ttl: 9)))
        XCTAssertEqual(probe.ttl, 9)
        XCTAssertEqual(probe.protocolNumber, 17)
        XCTAssertEqual(probe.flowBytes, [0xc3, 0x50, 0x82, 0x9a])
        let echo = try XCTUnwrap(ResponseParser.parseProbe(Fixture.icmpProbe(.v4, ttl: 3)))
        XCTAssertEqual(echo.flowBytes, [8, 0, 0x13, 0x57])
        XCTAssertEqual(echo.payload.count, 36)
    }

    /// RFC 791 options (IHL > 5) move the transport header, in probes and in quotes.
    func testIPv4Options() throws {
        var packet = Fixture.udpProbe(.v4)
        packet.insert(contentsOf: [1, 1, 1, 0], at: 20)
        packet[0] = 0x46
        packet[3] += 4
        packet[10] = 0
        packet[11] = 0
        let checksum = InternetChecksum.checksum(packet.prefix(24))
        packet[10] = UInt8(checksum >> 8)
        packet[11] = UInt8(checksum & 0xff)
        let probe = try XCTUnwrap(ResponseParser.parseProbe(packet))
        XCTAssertEqual(probe.destinationPort, 33_434)
        let parsed = try XCTUnwrap(Fixture.parse(ReplyPacket.timeExceeded(from: Fixture.router4, original: packet,
                                                                          mpls: Fixture.labels)))
        XCTAssertEqual(parsed.probe.sourcePort, 50_000)
        XCTAssertEqual(parsed.mpls, Fixture.labels)
        // The reply itself with options in its own header.
        var reply = ReplyPacket.timeExceeded(from: Fixture.router4, original: Fixture.icmpProbe(.v4))
        reply.insert(contentsOf: [1, 1, 1, 1], at: 20)
        reply[0] = 0x46
        reply[3] += 4
        XCTAssertEqual(ResponseParser.parseIPv4(reply)?.probe.icmpSequence, 42)
    }

    /// RFC 8200 §4.3: a hop-by-hop options header before the transport.
    func testIPv6ExtensionHeaders() throws {
        let udp = Fixture.udpProbe(.v6)
        var packet = Array(udp.prefix(40)) + [17, 0, 1, 4, 0, 0, 0, 0] + Array(udp.dropFirst(40))
        packet[6] = 0
        packet[5] += 8
        let probe = try XCTUnwrap(ResponseParser.parseProbe(packet))
        XCTAssertEqual(probe.protocolNumber, 17)
        XCTAssertEqual(probe.sourcePort, 50_000)
        // A later fragment has no transport header.
        var fragment = Array(udp.prefix(40)) + [17, 0, 0x01, 0x00, 0, 0, 0, 1] + Array(udp.dropFirst(40))
        fragment[6] = 44
        fragment[5] += 8
        XCTAssertNil(ResponseParser.parseProbe(fragment))
    }

    /// RFC 4884 §5: an ICMPv4 extension after a 128-byte quote without the length attribute (pre-RFC MPLS routers).
    func testLegacyExtensionWithoutLengthAttribute() throws {
        var reply = ReplyPacket.timeExceeded(from: Fixture.router4, original: Fixture.udpProbe(.v4),
                                             mpls: Fixture.labels)
        reply[25] = 0
        reply[22] = 0
        reply[23] = 0
        let checksum = InternetChecksum.checksum(reply.dropFirst(20))
        reply[22] = UInt8(checksum >> 8)
        reply[23] = UInt8(checksum & 0xff)
        let parsed = try XCTUnwrap(ResponseParser.parseIPv4(reply))
        XCTAssertEqual(parsed.mpls, Fixture.labels)
        XCTAssertEqual(parsed.probe.sourcePort, 50_000)
    }

    func testMalformedExtensionGivesNoLabels() throws {
        for family in IPAddress.Family.allCases {
            var reply = ReplyPacket.timeExceeded(from: Fixture.router(family), original: Fixture.udpProbe(family),
                                                 mpls: Fixture.labels)
            // Break the extension checksum (the last label's TTL byte).
            reply[reply.count - 1] ^= 0xff
            let parsed = try XCTUnwrap(Fixture.parse(reply))
            XCTAssertEqual(parsed.mpls, [])
            XCTAssertEqual(parsed.probe.destinationPort, 33_434)
            // A length attribute pointing past the end: the quote is read, no extension.
            var long = ReplyPacket.timeExceeded(from: Fixture.router(family), original: Fixture.udpProbe(family),
                                                mpls: Fixture.labels)
            long[(family == .v4 ? 20 : 40) + (family == .v4 ? 5 : 4)] = 200
            XCTAssertEqual(Fixture.parse(long)?.mpls, [])
        }
    }

    func testNonRepliesAreIgnored() {
        // An echo request, a router advertisement, a bare ACK.
        XCTAssertNil(ResponseParser.parseIPv4(Fixture.icmpProbe(.v4)))
        XCTAssertNil(ResponseParser.parseICMPv6([134, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0], from: Fixture.router6,
                                                to: nil))
        var ack = ProbePacket.tcpSyn(source: Fixture.target4, destination: Fixture.source4, sourcePort: 443,
                                     destinationPort: 50_001, sequenceNumber: 1)
        ack[13] = 0x10
        XCTAssertNil(ResponseParser.parseTCP(ack, from: Fixture.target4, to: Fixture.source4))
        XCTAssertTrue(ReplyPacket.timeExceeded(from: Fixture.router6, original: Fixture.udpProbe(.v4)).isEmpty)
        XCTAssertTrue(ReplyPacket.timeExceeded(from: Fixture.router4, original: [0x45, 0]).isEmpty)
    }
}
