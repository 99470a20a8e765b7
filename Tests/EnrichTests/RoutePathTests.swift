import TracemapModel
import XCTest
@testable import TracemapEnrich

final class RoutePathTests: XCTestCase {
    func testGroupsHopsIntoASBlocksWithTheirPlaces() {
        let fra = ASNInfo(number: 64500, organization: "EXAMPLE-FRA")
        let nyc = ASNInfo(number: 64502)
        let hops = [
            RouteHop(ttl: 1, address: IPAddress("192.168.1.1"), info: HostInfo(addressClass: .privateUse)),
            RouteHop(ttl: 2, address: IPAddress("10.0.0.1"), info: HostInfo(addressClass: .privateUse)),
            RouteHop(ttl: 3, address: IPAddress("192.0.2.1"), info: HostInfo(asn: fra, location: Places.frankfurt)),
            RouteHop(ttl: 4, address: nil, info: nil),
            RouteHop(ttl: 5, address: IPAddress("192.0.2.2"), info: HostInfo(asn: fra, location: Places.frankfurt)),
            RouteHop(ttl: 6, address: IPAddress("192.0.2.3"), info: HostInfo(asn: fra, location: Places.amsterdam)),
            RouteHop(ttl: 7, address: IPAddress("203.0.113.1"), info: HostInfo(asn: nyc, location: Places.newYork)),
            RouteHop(ttl: 8, address: IPAddress("203.0.113.1"), info: HostInfo(asn: nyc, location: Places.newYork)),
        ]
        let path = RoutePath(hops: hops)
        XCTAssertEqual(path.segments.count, 3)
        XCTAssertEqual(path.segments[0].addressClass, .privateUse)
        XCTAssertEqual(path.segments[0].addresses.count, 2)
        XCTAssertEqual(path.segments[1].asn, fra)
        XCTAssertEqual(path.segments[1].firstTTL, 3)
        XCTAssertEqual(path.segments[1].lastTTL, 6)
        XCTAssertEqual(path.segments[1].locations, [Places.frankfurt, Places.amsterdam])
        XCTAssertEqual(path.segments[2].addresses, [IPAddress("203.0.113.1")!])
        XCTAssertEqual(path.lines, [
            "private  hops 1–2",
            "AS64500 EXAMPLE-FRA  [Frankfurt am Main, DE → Amsterdam, NL]  hops 3–6",
            "AS64502  [New York, US]  hops 7–8",
        ])
    }

    func testHopsWithoutInformationAreUnknown() {
        let path = RoutePath(hops: [RouteHop(ttl: 1, address: IPAddress("8.8.8.8"), info: nil),
                                    RouteHop(ttl: 2, address: IPAddress("8.8.4.4"), info: nil)])
        XCTAssertEqual(path.lines, ["unknown AS  hops 1–2"])
        XCTAssertEqual(RoutePath(hops: []).segments, [])
    }
}
