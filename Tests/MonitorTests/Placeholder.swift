import XCTest

final class MonitorTestsPlaceholder: XCTestCase {}
