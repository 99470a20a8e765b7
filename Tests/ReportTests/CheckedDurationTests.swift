import XCTest
import TracemapModel

/// The one conversion from a user's seconds or milliseconds to a `Duration`: never a trap.
final class CheckedDurationTests: XCTestCase {
    func testFiniteInRangeValuesConvert() {
        XCTAssertEqual(Duration.checked(seconds: 1.5), .milliseconds(1500))
        XCTAssertEqual(Duration.checked(milliseconds: 0.5), .microseconds(500))
        XCTAssertEqual(Duration.checked(seconds: 0), .zero)
        XCTAssertEqual(Duration.checked(seconds: 86_400), .seconds(86_400))
    }

    func testEverythingElseIsRefused() {
        for value in [Double.infinity, -.infinity, .nan, 1e300, -1, 86_401, .greatestFiniteMagnitude] {
            XCTAssertNil(Duration.checked(seconds: value), "\(value)")
            XCTAssertNil(Duration.checked(milliseconds: value * 1000), "\(value)")
        }
        XCTAssertNil(Duration.checked(seconds: 5, limit: 3))
    }
}
