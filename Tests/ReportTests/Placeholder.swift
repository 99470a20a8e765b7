import XCTest

final class ReportTestsPlaceholder: XCTestCase {}
