import XCTest

final class PacketTestsPlaceholder: XCTestCase {}
