import XCTest

final class NetworkPlaceholder: XCTestCase {}
