import TracemapModel
import XCTest
@testable import TracemapTUI

/// The hop details say what the geography check says: the fixture's Paris hop (1 ms) stands in for the vantage
/// point, so New York at 10 ms is impossible (5,838 km needs ≥ 56 ms) and so is Tokyo at 20 ms.
final class GeographyDetailsTests: XCTestCase {
    private func details(ttl: Int) -> String {
        let frame = Fixtures.frame()
        var state = ViewState()
        _ = state.apply(.openDetails, ttls: frame.ttls)
        state.selectedTTL = ttl
        return ScreenRenderer.render(frame, state: state, width: 160, height: 40).text
    }

    func testAnImpossiblePlaceIsLowConfidenceWithTheReason() {
        let text = details(ttl: 3)
        XCTAssertTrue(text.contains("Location: New York, US  40.70, -74.00  confidence: low"), text)
        XCTAssertTrue(text.contains("Geography: impossible: 5,838 km (±150 km) needs ≥ 56 ms, measured 10 ms "
                                    + "(from hop 1 (Paris, FR, 1.0 ms) standing in for the vantage point)"), text)
        XCTAssertTrue(details(ttl: 4).contains("confidence: low"))
    }

    func testTheStandInHopIsTheOrigin() {
        XCTAssertTrue(details(ttl: 1).contains("confidence: origin of the check"))
    }
}
