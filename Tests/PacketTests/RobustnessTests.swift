import XCTest
import TracemapModel
@testable import TracemapPacket
import TracemapSim

/// Garbage, truncations and mutations never trap: every parser answers nil or a value.
final class RobustnessTests: XCTestCase {
    private var validPackets: [[UInt8]] {
        IPAddress.Family.allCases.flatMap { family -> [[UInt8]] in
            let router = Fixture.router(family)
            let probes = [Fixture.icmpProbe(family), Fixture.udpProbe(family), Fixture.tcpProbe(family)]
            return probes + probes.flatMap { probe in
                [ReplyPacket.timeExceeded(from: router, original: probe, mpls: Fixture.labels),
                 ReplyPacket.timeExceeded(from: router, original: probe, quoteLength: family == .v4 ? 28 : 48),
                 ReplyPacket.destinationUnreachable(from: router, code: 3, original: probe)]
                    + [ReplyPacket.echoReply(to: probe), ReplyPacket.tcpReply(to: probe, open: true)].compactMap { $0 }
            }
        }
    }

    /// Feeds one input to every parser and builder that takes bytes.
    private func exercise(_ bytes: [UInt8]) {
        _ = ResponseParser.parseIPv4(bytes)
        _ = ResponseParser.parseICMPv6(bytes, from: Fixture.router6, to: nil)
        _ = ResponseParser.parseICMPv6(bytes, from: Fixture.router6, to: Fixture.source6)
        _ = ResponseParser.parseTCP(bytes, from: Fixture.target4, to: Fixture.source4)
        _ = ResponseParser.parseProbe(bytes)
        _ = ReplyPacket.echoReply(to: bytes)
        _ = ReplyPacket.tcpReply(to: bytes, open: false)
        _ = ReplyPacket.timeExceeded(from: Fixture.router4, original: bytes, mpls: Fixture.labels)
        _ = ReplyPacket.destinationUnreachable(from: Fixture.router6, code: 4, original: bytes, quoteLength: -5)
        if bytes.count > 40 {
            _ = ResponseParser.parseICMPv6(Array(bytes[40...]), from: Fixture.router6, to: nil)
        }
    }

    func testEveryTruncationOfValidPackets() {
        for packet in validPackets {
            for length in 0 ... packet.count {
                exercise(Array(packet.prefix(length)))
            }
        }
    }

    func testTruncatedRepliesBelowAQuoteAreNil() {
        let reply = ReplyPacket.timeExceeded(from: Fixture.router4, original: Fixture.udpProbe(.v4))
        // IP header 20 + ICMP header 8 + quoted IP header 20 + 8 transport bytes.
        for length in 0 ..< 56 {
            XCTAssertNil(ResponseParser.parseIPv4(Array(reply.prefix(length))), "length \(length)")
        }
        XCTAssertNotNil(ResponseParser.parseIPv4(Array(reply.prefix(56))))
    }

    func testRandomBytes() {
        var generator = SplitMix64(seed: 0x7472_6163_656d_6170)
        for round in 0 ..< 20_000 {
            let length = Int.random(in: 0 ... 200, using: &generator)
            var bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            // Give half the cases a plausible start so the parsers go deeper than the version check.
            if round % 2 == 0, !bytes.isEmpty {
                bytes[0] = round % 4 == 0 ? 0x45 + UInt8(round / 4 % 11) : 0x60
            }
            exercise(bytes)
        }
    }

    func testMutatedValidPackets() {
        var generator = SplitMix64(seed: 1071)
        let packets = validPackets
        for _ in 0 ..< 20_000 {
            var bytes = packets[Int.random(in: 0 ..< packets.count, using: &generator)]
            for _ in 0 ..< Int.random(in: 1 ... 4, using: &generator) {
                let index = Int.random(in: 0 ..< bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0 ... 255, using: &generator)
            }
            if Bool.random(using: &generator) {
                bytes = Array(bytes.prefix(Int.random(in: 0 ... bytes.count, using: &generator)))
            }
            exercise(bytes)
        }
    }
}
