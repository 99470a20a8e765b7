import TracemapModel
import XCTest
@testable import TracemapGeo

final class GeoPlausibilityTests: XCTestCase {
    private func place(_ latitude: Double, _ longitude: Double, radius: Double? = nil, city: String? = nil)
        -> GeoLocation {
        GeoLocation(city: city, latitude: latitude, longitude: longitude, accuracyRadius: radius)
    }

    func testHaversineAgainstHandComputedDistances() {
        // One degree of the equator: 2π × 6371 / 360 = 111.1949 km.
        XCTAssertEqual(GeoPlausibility.distance(latitude1: 0, longitude1: 0, latitude2: 0, longitude2: 1),
                       111.1949, accuracy: 0.0001)
        // Half the equator: π × 6371 = 20015.0868 km; the pole to the equator: a quarter, 10007.5434 km.
        XCTAssertEqual(GeoPlausibility.distance(latitude1: 0, longitude1: 0, latitude2: 0, longitude2: 180),
                       20015.0868, accuracy: 0.0001)
        XCTAssertEqual(GeoPlausibility.distance(latitude1: 90, longitude1: 0, latitude2: 0, longitude2: 77),
                       10007.5434, accuracy: 0.0001)
        // 60° N, 1° of longitude: a = cos²(60°) sin²(0.5°) = 0.25 × 7.6152e-5, d = 2R asin(√a) = 55.5973 km.
        XCTAssertEqual(GeoPlausibility.distance(latitude1: 60, longitude1: 0, latitude2: 60, longitude2: 1),
                       55.5973, accuracy: 0.001)
        XCTAssertEqual(GeoPlausibility.distance(from: place(10, 10), to: place(10, 10)), 0)
        XCTAssertNil(GeoPlausibility.distance(from: GeoLocation(city: "Nowhere"), to: place(0, 0)))
    }

    func testConfidenceAgainstLightInFibre() {
        let source = place(0, 0)
        let hop = place(0, 10)   // 1111.95 km away
        // 10 ms RTT: 5 ms one way × 200 km/ms = 1000 km < 1111.95 km.
        XCTAssertEqual(GeoPlausibility.confidence(source: source, location: hop, rtt: 10), .low)
        // 12 ms: 1200 km ≥ 1111.95 km.
        XCTAssertEqual(GeoPlausibility.confidence(source: source, location: hop, rtt: 12), .normal)
        // An accuracy radius of 120 km lets 10 ms reach: 1111.95 − 120 = 991.95 km ≤ 1000 km.
        XCTAssertEqual(GeoPlausibility.confidence(source: source, location: place(0, 10, radius: 120), rtt: 10), .normal)
        XCTAssertNil(GeoPlausibility.confidence(source: nil, location: hop, rtt: 10))
        XCTAssertNil(GeoPlausibility.confidence(source: source, location: nil, rtt: 10))
        XCTAssertNil(GeoPlausibility.confidence(source: source, location: hop, rtt: nil))
        // Frankfurt to New York is about 6200 km: 20 ms cannot get there, 80 ms can.
        let frankfurt = place(50.1109, 8.6821), newYork = place(40.7128, -74.0060)
        XCTAssertEqual(GeoPlausibility.distance(from: frankfurt, to: newYork)!, 6205, accuracy: 10)
        XCTAssertEqual(GeoPlausibility.confidence(source: frankfurt, location: newYork, rtt: 20), .low)
        XCTAssertEqual(GeoPlausibility.confidence(source: frankfurt, location: newYork, rtt: 80), .normal)
    }
}
