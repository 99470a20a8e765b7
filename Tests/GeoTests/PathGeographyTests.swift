import TracemapModel
import XCTest
@testable import TracemapGeo

/// Hop places checked against light in fibre. Places lie on the equator, where one degree of longitude is
/// 2π × 6371 / 360 = 111.1949 km, so every distance below is that times the degrees apart.
final class PathGeographyTests: XCTestCase {
    private let degree = 111.19492664455873

    private func place(_ longitude: Double, _ city: String? = nil, _ country: String? = nil, radius: Double? = nil)
        -> GeoLocation {
        GeoLocation(city: city, countryCode: country, latitude: 0, longitude: longitude, accuracyRadius: radius)
    }

    private func hop(_ ttl: Int, _ location: GeoLocation?, _ rtt: Double?, _ address: String? = nil) -> GeoHop {
        GeoHop(ttl: ttl, address: address.flatMap { IPAddress($0) }, location: location, rtt: rtt)
    }

    func testTheIssueExampleWordForWord() {
        // 5,870 km is 52.7898° of the equator; out and back at 200 km/ms needs 58.70 ms.
        let origin = GeoLocation(latitude: 0, longitude: 0)
        let far = hop(3, place(5870 / degree), 30, "198.51.100.3")
        let result = PathGeography.check([far], option: origin)
        XCTAssertEqual(result.origin?.source, .option)
        XCTAssertEqual(result.findings.count, 1)
        let finding = result.findings[0]
        XCTAssertEqual(finding.kind, .impossible)
        XCTAssertEqual(finding.distanceKilometres, 5870, accuracy: 1e-6)
        XCTAssertEqual(finding.needsMs, 58.70, accuracy: 1e-9)
        XCTAssertEqual(finding.message, "impossible: 5,870 km needs ≥ 58 ms, measured 30 ms")
        XCTAssertEqual(result.confidence(ttl: 3, address: IPAddress("198.51.100.3"), checkable: true), .low)
        // 59 ms gets there.
        XCTAssertEqual(PathGeography.check([hop(3, place(5870 / degree), 59)], option: origin).findings, [])
    }

    func testTheNearestLocatedHopStandsInForTheVantagePoint() {
        let hops = [
            hop(1, nil, 0.5),                                  // a private first hop: no place
            hop(2, place(0, "Quito", "EC"), 2),                 // the stand-in: 2 ms, so within 200 km of us
            hop(3, place(1), 3),
            hop(4, place(50, "Far", "XX"), 30, "198.51.100.4"), // 5,559.75 km away
        ]
        let result = PathGeography.check(hops)
        let origin = try! XCTUnwrap(result.origin)
        XCTAssertEqual(origin.source, .hop)
        XCTAssertEqual(origin.ttl, 2)
        XCTAssertEqual(origin.uncertaintyKilometres, 200, accuracy: 1e-9)   // 2 ms / 2 × 200 km/ms
        XCTAssertEqual(origin.summary, "hop 2 (Quito, EC, 2.0 ms) standing in for the vantage point")
        XCTAssertEqual(result.checked, 3)
        // (5,559.75 − 200) km needs 53.60 ms out and back; 30 ms measured.
        XCTAssertEqual(result.findings.map(\.kind), [.impossible])
        XCTAssertEqual(result.findings[0].needsMs, (50 * degree - 200) / 100, accuracy: 1e-9)
        XCTAssertEqual(result.findings[0].message, "impossible: 5,560 km (±200 km) needs ≥ 53 ms, measured 30 ms")
        XCTAssertEqual(result.confidence(ttl: 3, address: nil, checkable: true), .normal)
    }

    func testOriginChoice() {
        let hops = [hop(1, place(10), 4), hop(2, place(20), 1.5), hop(3, place(30), 9)]
        // The smallest RTT wins, not the lowest TTL.
        XCTAssertEqual(PathGeography.origin(vantage: nil, option: nil, hops: hops)?.ttl, 2)
        // --origin beats a stand-in; a vantage point from the file beats both.
        let option = GeoLocation(latitude: 1, longitude: 2)
        let vantage = GeoLocation(city: "Frankfurt", countryCode: "DE", latitude: 50.11, longitude: 8.68)
        XCTAssertEqual(PathGeography.origin(vantage: nil, option: option, hops: hops)?.source, .option)
        let chosen = PathGeography.origin(vantage: vantage, option: option, hops: hops)
        XCTAssertEqual(chosen?.source, .vantage)
        XCTAssertEqual(chosen?.summary, "the vantage point (Frankfurt, DE, 50.11, 8.68)")
        // A vantage point without coordinates is no origin.
        XCTAssertEqual(PathGeography.origin(vantage: GeoLocation(city: "X"), option: nil, hops: hops)?.source, .hop)
        // No located hop within 10 ms: no origin, so nothing is called impossible.
        let far = [hop(1, place(0), 12), hop(2, place(80), 13)]
        XCTAssertNil(PathGeography.origin(vantage: nil, option: nil, hops: far))
        XCTAssertFalse(PathGeography.check(far).findings.contains { $0.kind == .impossible })
    }

    func testDetourThroughAFarHopThatTheNextRTTCannotPayFor() {
        // From the origin at 0°: A at 40° (4,447.80 km, 100 ms is enough), B at 1° (111.19 km, 20 ms is enough)
        // — each possible alone. But out through A to B and back is 4,447.80 + 4,336.60 + 111.19 = 8,895.59 km:
        // 44.48 ms, and B answered in 20 ms. A's place must be wrong.
        let hops = [hop(4, place(40, "Far", "XX"), 100), hop(5, nil, nil), hop(6, place(1, "Near", "YY"), 20)]
        let result = PathGeography.check(hops, option: GeoLocation(latitude: 0, longitude: 0))
        XCTAssertEqual(result.findings.count, 1)
        let detour = result.findings[0]
        XCTAssertEqual(detour.kind, .detour)
        XCTAssertEqual(detour.fromTTL, 4)
        XCTAssertEqual(detour.ttl, 6)
        XCTAssertEqual(detour.distanceKilometres, 39 * degree, accuracy: 1e-6)
        XCTAssertEqual(detour.needsMs, 80 * degree / 200, accuracy: 1e-9)
        XCTAssertEqual(detour.message, "detour: hop 4→6 spans 4,337 km (Far, XX → Near, YY): out and back through "
                       + "both needs ≥ 44 ms, measured 20 ms")
        // With 45 ms at B the same places are possible.
        let fine = [hop(4, place(40), 100), hop(6, place(1), 45)]
        XCTAssertEqual(PathGeography.check(fine, option: GeoLocation(latitude: 0, longitude: 0)).findings, [])
    }

    func testDetourWithoutAnyOrigin() {
        // No hop within 10 ms. A → B spans 20° = 2,223.90 km; any origin makes the round trip at least twice
        // that (triangle inequality): 22.24 ms.
        let late = [hop(1, place(0), 20), hop(2, place(20), 15)]
        let result = PathGeography.check(late)
        XCTAssertNil(result.origin)
        XCTAssertEqual(result.findings.map(\.kind), [.detour])
        XCTAssertEqual(result.findings[0].needsMs, 2 * 20 * degree / 200, accuracy: 1e-9)
        XCTAssertEqual(PathGeography.check([hop(1, place(0), 20), hop(2, place(20), 23)]).findings, [])
    }

    func testAccuracyRadiiAndNoiseNeverRaiseAFinding() {
        let origin = GeoLocation(latitude: 0, longitude: 0)
        // 1,111.95 km needs 11.12 ms; a 60 km radius takes 0.6 ms off: 10.52 ms ≤ 10.6 ms.
        XCTAssertEqual(PathGeography.check([hop(1, place(10, radius: 60), 10.6)], option: origin).findings, [])
        XCTAssertEqual(PathGeography.check([hop(1, place(10), 10.6)], option: origin).findings.count, 1)
        // A later hop answering faster than an earlier one (a slow ICMP path at the first) is no finding when
        // the places agree with both RTTs.
        let hops = [hop(1, place(1), 9), hop(2, place(1.5), 3), hop(3, place(2), 6)]
        XCTAssertEqual(PathGeography.check(hops, option: origin).findings, [])
    }

    func testAnImpossibleHopIsNotAlsoCalledADetour() {
        let hops = [hop(1, place(0), 1), hop(2, place(60), 5), hop(3, place(0.5), 6)]
        let result = PathGeography.check(hops)
        XCTAssertEqual(result.findings.map(\.kind), [.impossible])
        XCTAssertEqual(result.findings[0].ttl, 2)
    }

    func testFindingsRoundTripThroughJSON() throws {
        let result = PathGeography.check([hop(1, place(0), 1), hop(2, place(60), 5, "203.0.113.9")])
        let data = try TracemapJSON.encoder().encode(result)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\"message\":\"impossible: 6,672 km (±100 km) needs ≥ 65 ms, measured 5 ms\""),
                      text)
        XCTAssertEqual(try TracemapJSON.decoder().decode(GeoAssessment.self, from: data), result)
    }
}
