import XCTest

final class EnrichTestsPlaceholder: XCTestCase {}
