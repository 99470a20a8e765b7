import XCTest
@testable import TracemapStats

final class StatisticsTests: XCTestCase {
    func testMeanAndSampleDeviationOfTwo() {
        var acc = RTTAccumulator()
        acc.add(10)
        acc.add(20)
        XCTAssertEqual(acc.mean, 15, accuracy: 1e-12)
        // Sample σ of {10, 20}: sqrt(((−5)² + 5²) / 1) = 7.0711 (trippy's bug gives 5.0 here).
        XCTAssertEqual(acc.standardDeviation, 7.0710678118654755, accuracy: 1e-9)
    }
}
