import XCTest
import TracemapModel
@testable import TracemapPacket

/// Paris traceroute keeps the first four transport bytes of a flow constant; the checksum carries the flow.
final class ParisTests: XCTestCase {
    func testICMPChecksumStaysConstantAcrossSequences() {
        for family in IPAddress.Family.allCases {
            let source = Fixture.source(family), destination = Fixture.target(family)
            let pseudo = family == .v4 ? 0 : InternetChecksum.pseudoHeaderSum(
                source: source, destination: destination, protocolNumber: 58, length: 40)
            for flow: UInt16 in [0x0000, 0x0001, 0x7fff, 0xbeef, 0xfffe, 0xffff] {
                for sequence in stride(from: 0, through: 65535, by: 97).map(UInt16.init) {
                    let identifier = sequence &* 31 &+ 7
                    let message = ProbePacket.icmpEcho(family: family, identifier: identifier, sequence: sequence,
                                                       payload: Fixture.tag, payloadLength: 32, flowChecksum: flow,
                                                       source: source, destination: destination)
                    XCTAssertEqual(message.count, 40)
                    XCTAssertEqual(Array(message[0 ..< 2]), [family == .v4 ? 8 : 128, 0])
                    XCTAssertEqual(UInt16(message[2]) << 8 | UInt16(message[3]), flow)
                    XCTAssertEqual(InternetChecksum.checksum(message, initial: pseudo), 0,
                                   "\(family) flow \(flow) sequence \(sequence) does not verify")
                    XCTAssertEqual(Array(message[10 ..< 16]), Fixture.tag)
                }
            }
        }
    }

    func testUDPChecksumIsForced() {
        for family in IPAddress.Family.allCases {
            let source = Fixture.source(family), destination = Fixture.target(family)
            for wanted in stride(from: 0, through: 65535, by: 251).map(UInt16.init) {
                let datagram = ProbePacket.udp(source: source, destination: destination, sourcePort: 50_000,
                                               destinationPort: 33_434, checksum: wanted, payload: Fixture.tag,
                                               payloadLength: 20)
                XCTAssertEqual(datagram.count, 28)
                XCTAssertEqual(Array(datagram[4 ..< 6]), [0, 28])
                let field = UInt16(datagram[6]) << 8 | UInt16(datagram[7])
                XCTAssertEqual(field, wanted == 0 ? 0xffff : wanted)
                let pseudo = InternetChecksum.pseudoHeaderSum(source: source, destination: destination,
                                                              protocolNumber: 17, length: datagram.count)
                XCTAssertEqual(InternetChecksum.checksum(datagram, initial: pseudo), 0)
            }
        }
    }

    /// Without addresses an ICMPv6 checksum is the kernel's job: the field stays 0.
    func testICMPv6WithoutAddressesLeavesChecksumToKernel() {
        let message = ProbePacket.icmpEcho(family: .v6, identifier: 1, sequence: 2, payload: [], payloadLength: 2,
                                           flowChecksum: nil, source: nil, destination: nil)
        XCTAssertEqual(message, [128, 0, 0, 0, 0, 1, 0, 2, 0, 0])
    }

    /// A payload length below what the payload needs grows to fit.
    func testPayloadLengthGrowsToFit() {
        let message = ProbePacket.icmpEcho(family: .v4, identifier: 1, sequence: 2, payload: Fixture.tag,
                                           payloadLength: 0, flowChecksum: nil, source: nil, destination: nil)
        XCTAssertEqual(message.count, 8 + 2 + Fixture.tag.count)
    }
}
