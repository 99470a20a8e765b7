import TracemapModel
import XCTest
@testable import TracemapEnrich

final class AddressClassifierTests: XCTestCase {
    private func classOf(_ text: String) -> AddressClass {
        AddressClassifier.classify(IPAddress(text)!)
    }

    func testIPv4Classes() {
        let expected: [(String, AddressClass)] = [
            ("10.0.0.1", .privateUse), ("172.16.0.1", .privateUse), ("172.31.255.255", .privateUse),
            ("172.32.0.1", .global), ("192.168.1.1", .privateUse),
            ("100.64.0.1", .cgnat), ("100.127.255.254", .cgnat), ("100.128.0.1", .global), ("100.63.255.255", .global),
            ("127.0.0.1", .loopback), ("127.255.255.254", .loopback),
            ("169.254.10.20", .linkLocal),
            ("192.0.2.1", .documentation), ("198.51.100.200", .documentation), ("203.0.113.9", .documentation),
            ("224.0.0.1", .multicast), ("239.255.255.250", .multicast),
            ("0.0.0.0", .bogon), ("0.1.2.3", .bogon), ("240.0.0.1", .bogon), ("255.255.255.255", .bogon),
            ("198.18.0.1", .bogon), ("198.19.255.255", .bogon), ("198.20.0.1", .global),
            ("192.0.0.8", .bogon), ("192.88.99.1", .bogon),
            ("8.8.8.8", .global), ("1.1.1.1", .global), ("192.0.3.1", .global), ("203.0.114.1", .global),
        ]
        for (text, addressClass) in expected {
            XCTAssertEqual(classOf(text), addressClass, text)
        }
    }

    func testIPv6Classes() {
        let expected: [(String, AddressClass)] = [
            ("::", .bogon), ("::1", .loopback), ("::192.0.2.1", .bogon),
            ("2001:db8::1", .documentation), ("2001:db8:ffff::1", .documentation), ("3fff::1", .documentation),
            ("fc00::1", .uniqueLocal), ("fd12:3456::1", .uniqueLocal),
            ("fe80::1", .linkLocal), ("febf::1", .linkLocal), ("fec0::1", .bogon),
            ("ff02::1", .multicast), ("ff0e::101", .multicast),
            ("100::1", .bogon), ("2001:2::1", .bogon), ("2001:10::1", .bogon),
            ("2001:4860:4860::8888", .global), ("2606:4700::1111", .global), ("2001:db9::1", .global),
            ("4000::1", .bogon), ("1000::1", .bogon),
            ("64:ff9b:1::1", .privateUse),
        ]
        for (text, addressClass) in expected {
            XCTAssertEqual(classOf(text), addressClass, text)
        }
    }

    func testEmbeddedIPv4TakesTheClassOfItsIPv4Address() {
        XCTAssertEqual(classOf("::ffff:10.1.2.3"), .privateUse)
        XCTAssertEqual(classOf("::ffff:192.0.2.1"), .documentation)
        XCTAssertEqual(classOf("::ffff:8.8.8.8"), .global)
        XCTAssertEqual(classOf("64:ff9b::8.8.8.8"), .global)
        XCTAssertEqual(classOf("64:ff9b::192.168.0.1"), .privateUse)
    }

    func testOnlyGlobalIsGlobal() {
        XCTAssertEqual(AddressClass.allCases.filter(\.isGlobal), [.global])
    }
}
