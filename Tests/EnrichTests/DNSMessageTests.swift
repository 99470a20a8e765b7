import XCTest
@testable import TracemapEnrich

final class DNSMessageTests: XCTestCase {
    func testQueryWireFormatByHand() throws {
        let bytes = try DNSMessage.query(id: 0xbeef, name: "7.2.0.192.in-addr.arpa", type: .ptr).encoded()
        let expected: [UInt8] = [
            0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,   // id, RD, 1 question
            1, 0x37, 1, 0x32, 1, 0x30, 3, 0x31, 0x39, 0x32,   // 7 2 0 192
            7, 0x69, 0x6e, 0x2d, 0x61, 0x64, 0x64, 0x72,      // in-addr
            4, 0x61, 0x72, 0x70, 0x61, 0,                     // arpa, root
            0, 12, 0, 1,                                      // PTR IN
        ]
        XCTAssertEqual(bytes, expected)
    }

    func testParsesACompressedPTRResponse() throws {
        // A response as a server writes it: the answer's owner name points back at the question (offset 12),
        // and the PTR target's "example.net" points into an earlier label of itself.
        var bytes: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]
        bytes += [1, 0x39, 1, 0x32, 1, 0x30, 3, 0x31, 0x39, 0x32, 7] + Array("in-addr".utf8) + [4] + Array("arpa".utf8)
        bytes += [0, 0, 12, 0, 1]
        bytes += [0xc0, 12, 0, 12, 0, 1, 0, 0, 0x0e, 0x10]   // name → 12, PTR IN, TTL 3600
        let rdata: [UInt8] = [7] + Array("router1".utf8) + [7] + Array("example".utf8) + [3] + Array("net".utf8) + [0]
        bytes += [0, UInt8(rdata.count)] + rdata
        let message = try DNSMessage(parsing: bytes)
        XCTAssertEqual(message.id, 0x1234)
        XCTAssertTrue(message.isResponse)
        XCTAssertTrue(message.recursionAvailable)
        XCTAssertEqual(message.responseCode, .noError)
        XCTAssertEqual(message.questions, [DNSQuestion(name: "9.2.0.192.in-addr.arpa", type: .ptr)])
        XCTAssertEqual(message.answers, [DNSRecord(name: "9.2.0.192.in-addr.arpa", type: .ptr, ttl: 3600,
                                                   data: .ptr("router1.example.net"))])
    }

    func testPointerIntoTheMiddleOfAName() throws {
        var bytes: [UInt8] = [0, 1, 0x80, 0, 0, 1, 0, 1, 0, 0, 0, 0]
        bytes += [3] + Array("www".utf8) + [7] + Array("example".utf8) + [3] + Array("net".utf8) + [0, 0, 5, 0, 1]
        // CNAME owner "www.example.net" → offset 12; target "mail" + pointer to "example.net" at offset 16.
        let rdata: [UInt8] = [4] + Array("mail".utf8) + [0xc0, 16]
        bytes += [0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, UInt8(rdata.count)] + rdata
        let message = try DNSMessage(parsing: bytes)
        XCTAssertEqual(message.answers.first?.data, .cname("mail.example.net"))
    }

    func testRoundTripOfEveryRecordKind() throws {
        var message = DNSMessage(id: 7, questions: [DNSQuestion(name: "AS64500.asn.cymru.com", type: .txt)])
        message.isResponse = true
        message.responseCode = .nameError
        message.authoritative = true
        message.answers = [
            DNSRecord(name: "AS64500.asn.cymru.com", type: .txt, ttl: 86400,
                      data: .txt(["64500 | DE | ripencc | 2001-01-01 | ", "EXAMPLE-FRA Example, DE"])),
            DNSRecord(name: "1.2.0.192.in-addr.arpa", type: .ptr, ttl: 5, data: .ptr("a.example.net")),
        ]
        message.additionals = [DNSRecord(name: "example.net", type: .a, ttl: 1, data: .other([192, 0, 2, 1]))]
        XCTAssertEqual(try DNSMessage(parsing: try message.encoded()), message)
    }

    func testHostileLabelBytesAreEscaped() throws {
        // ESC [ 2 J would clear a terminal; a dot inside a label is not a separator.
        var bytes: [UInt8] = [0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0]
        bytes += [5, 0x1b, 0x5b, 0x32, 0x4a, 0x2e, 3] + Array("net".utf8) + [0]
        bytes += [0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 192, 0, 2, 1]
        let message = try DNSMessage(parsing: bytes)
        XCTAssertEqual(message.answers.first?.name, "\\027[2J\\..net")
        // The escaped form writes back to the same wire bytes.
        var out: [UInt8] = []
        try DNSMessage.appendName("\\027[2J\\..net", to: &out)
        XCTAssertEqual(out, [5, 0x1b, 0x5b, 0x32, 0x4a, 0x2e, 3] + Array("net".utf8) + [0])
    }

    func testMalformedMessagesThrow() {
        let header: [UInt8] = [0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        XCTAssertThrowsError(try DNSMessage(parsing: [0, 1, 2])) {
            XCTAssertEqual($0 as? DNSWireError, .truncated(offset: 2))
        }
        // A label that runs past the end.
        XCTAssertThrowsError(try DNSMessage(parsing: header + [10, 0x61]))
        // A pointer to itself, and a pointer forward: both could loop.
        XCTAssertThrowsError(try DNSMessage(parsing: header + [0xc0, 12, 0, 1, 0, 1])) {
            XCTAssertEqual($0 as? DNSWireError, .badPointer(offset: 12))
        }
        XCTAssertThrowsError(try DNSMessage(parsing: header + [0xc0, 14, 0xc0, 12, 0, 1, 0, 1]))
        // The reserved 0b01 label type.
        XCTAssertThrowsError(try DNSMessage(parsing: header + [0x41, 0, 0, 1, 0, 1]))
        // A record whose data is shorter than its RDLENGTH says.
        let record: [UInt8] = [0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 5, 9, 0x61]
        XCTAssertThrowsError(try DNSMessage(parsing: [0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0] + record))
        // A TXT string that claims more than the record holds.
        let txt: [UInt8] = [0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 2, 9, 0x61]
        XCTAssertThrowsError(try DNSMessage(parsing: [0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0] + txt)) {
            XCTAssertEqual($0 as? DNSWireError, .badRecordData(offset: 23))
        }
    }

    func testNamesOverTheLimitsAreRefused() {
        var out: [UInt8] = []
        XCTAssertThrowsError(try DNSMessage.appendName(String(repeating: "a", count: 64) + ".net", to: &out))
        XCTAssertThrowsError(try DNSMessage.appendName("a..net", to: &out))
        let long = Array(repeating: String(repeating: "b", count: 63), count: 4).joined(separator: ".")
        XCTAssertThrowsError(try DNSMessage.appendName(long, to: &out)) { XCTAssertEqual($0 as? DNSWireError, .nameTooLong) }
        out = []
        XCTAssertNoThrow(try DNSMessage.appendName("example.net.", to: &out))
        XCTAssertEqual(out.count, 13)
    }

    func testRandomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        let seed = try! DNSMessage.query(id: 1, name: "1.2.0.192.origin.asn.cymru.com", type: .txt).encoded()
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                // Mutations of a valid message reach deeper into the parser than noise does.
                bytes = seed
                for _ in 0..<3 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
                bytes += (0..<Int.random(in: 0...16, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            _ = try? DNSMessage(parsing: bytes)
        }
    }
}
