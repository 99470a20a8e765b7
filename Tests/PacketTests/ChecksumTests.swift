import XCTest
import TracemapModel
@testable import TracemapPacket

final class ChecksumTests: XCTestCase {
    /// RFC 1071 §3 worked example: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (after the end-around carry),
    /// so the checksum field is its complement 220d.
    func testRFC1071WorkedExample() {
        let bytes: [UInt8] = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]
        XCTAssertEqual(InternetChecksum.fold(InternetChecksum.sum(bytes, initial: 0)), 0xddf2)
        XCTAssertEqual(InternetChecksum.checksum(bytes), 0x220d)
        // The same bytes with the checksum appended verify to zero.
        XCTAssertEqual(InternetChecksum.checksum(bytes + [0x22, 0x0d]), 0)
    }

    /// An odd last byte is the high half of a zero-padded word: 0x0100 → ~0x0100 = 0xfeff.
    func testOddLength() {
        XCTAssertEqual(InternetChecksum.checksum([0x01]), 0xfeff)
        XCTAssertEqual(InternetChecksum.checksum([UInt8]()), 0xffff)
        // abcd + ef00 = 19acd, folded 9ace, complemented 6531.
        XCTAssertEqual(InternetChecksum.checksum(ArraySlice<UInt8>([0xab, 0xcd, 0xef])), 0x6531)
    }

    /// A classic IPv4 header: 4500 0073 0000 4000 4011 c0a8 0001 c0a8 00c7 sums to 2479c, folds to 479e,
    /// so its checksum is b861.
    func testIPv4HeaderByHand() {
        let header: [UInt8] = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
                               0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7]
        XCTAssertEqual(InternetChecksum.checksum(header), 0xb861)
    }

    /// 192.0.2.1 → 203.0.113.10, UDP, 16 bytes: c000 + 0201 + cb00 + 710a + 0011 + 0010 = 1fe2c → fe2d.
    func testIPv4PseudoHeaderByHand() {
        let sum = InternetChecksum.pseudoHeaderSum(source: Fixture.source4, destination: Fixture.target4,
                                                   protocolNumber: 17, length: 16)
        XCTAssertEqual(sum, 0xfe2d)
    }

    /// 2001:db8:1::1 → 2001:db8:ffff::10, ICMPv6, 8 bytes. Non-zero words: source 2001 0db8 0001 0001 (= 2dbb),
    /// destination 2001 0db8 ffff 0010 (= 12dc8), length 0008, next header 003a: 15bc5, folded 5bc6.
    func testIPv6PseudoHeaderByHand() {
        let sum = InternetChecksum.pseudoHeaderSum(source: Fixture.source6, destination: Fixture.target6,
                                                   protocolNumber: 58, length: 8)
        XCTAssertEqual(sum, 0x5bc6)
    }

    /// Echo request, identifier 1234, sequence 0001, two zero tweak bytes: 0800 + 1234 + 0001 = 1a35 → e5ca.
    func testEchoRequestByHand() {
        let message = ProbePacket.icmpEcho(family: .v4, identifier: 0x1234, sequence: 1, payload: [],
                                           payloadLength: 2, flowChecksum: nil, source: nil, destination: nil)
        XCTAssertEqual(message, [0x08, 0x00, 0xe5, 0xca, 0x12, 0x34, 0x00, 0x01, 0x00, 0x00])
    }

    func testBuiltHeadersVerify() {
        let header = ProbePacket.ipv4Header(source: Fixture.source4, destination: Fixture.target4, ttl: 3, tos: 0,
                                            identification: 7, protocolNumber: 17, payloadLength: 30)
        XCTAssertEqual(header.count, 20)
        XCTAssertEqual(Array(header[2 ..< 4]), [0, 50])
        XCTAssertEqual(InternetChecksum.checksum(header), 0)
        let header6 = ProbePacket.ipv6Header(source: Fixture.source6, destination: Fixture.target6, hopLimit: 9,
                                             trafficClass: 0xb8, flowLabel: 0xabcdef, nextHeader: 58,
                                             payloadLength: 300)
        XCTAssertEqual(Array(header6[0 ..< 8]), [0x6b, 0x8b, 0xcd, 0xef, 0x01, 0x2c, 58, 9])
        for family in IPAddress.Family.allCases {
            let syn = ProbePacket.tcpSyn(source: Fixture.source(family), destination: Fixture.target(family),
                                         sourcePort: 1, destinationPort: 80, sequenceNumber: 5)
            XCTAssertEqual(syn.count, 20)
            XCTAssertEqual(syn[13], 0x02)
            let pseudo = InternetChecksum.pseudoHeaderSum(source: Fixture.source(family),
                                                          destination: Fixture.target(family),
                                                          protocolNumber: 6, length: 20)
            XCTAssertEqual(InternetChecksum.checksum(syn, initial: pseudo), 0)
        }
    }
}
