import TracemapModel
import XCTest
@testable import TracemapEnrich

final class TeamCymruTests: XCTestCase {
    func testQueryNames() {
        XCTAssertEqual(TeamCymru.originName(for: IPAddress("192.0.2.7")!), "7.2.0.192.origin.asn.cymru.com")
        XCTAssertEqual(TeamCymru.originName(for: IPAddress("2001:db8::1")!),
                       "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.origin6.asn.cymru.com")
        XCTAssertEqual(TeamCymru.asNameQuery(for: 64500), "AS64500.asn.cymru.com")
        XCTAssertEqual(ReverseName.pointer(for: IPAddress("198.51.100.42")!), "42.100.51.198.in-addr.arpa")
        XCTAssertEqual(ReverseName.pointer(for: IPAddress("2001:db8::abcd")!),
                       "d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")
    }

    func testParsesOrigin() {
        XCTAssertEqual(TeamCymru.parseOrigin(["64500 | 192.0.2.0/24 | DE | ripencc | 2001-01-01"]),
                       ASNInfo(number: 64500, prefix: "192.0.2.0/24"))
        // Several origins for one prefix: the first is kept.
        XCTAssertEqual(TeamCymru.parseOrigin(["64501 64502 | 198.51.100.0/24 | NL | ripencc | "])?.number, 64501)
        // Several records: the most specific prefix wins.
        XCTAssertEqual(TeamCymru.parseOrigin(["64500 | 192.0.0.0/16 | DE | ripencc |",
                                              "64510 | 192.0.2.0/24 | DE | ripencc |"])?.number, 64510)
        XCTAssertNil(TeamCymru.parseOrigin(["nonsense"]))
        XCTAssertNil(TeamCymru.parseOrigin([]))
    }

    func testParsesASName() {
        XCTAssertEqual(TeamCymru.parseASName(["64500 | DE | ripencc | 2001-01-01 | EXAMPLE-FRA Example Frankfurt, DE"]),
                       "EXAMPLE-FRA Example Frankfurt, DE")
        XCTAssertEqual(TeamCymru.parseASName(["64500 | DE | ripencc | 2001-01-01 | EVIL\u{1b}[2J"]), "EVIL[2J")
        XCTAssertNil(TeamCymru.parseASName(["64500 | DE | ripencc"]))
    }
}
