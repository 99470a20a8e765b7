import TracemapModel
import XCTest
@testable import TracemapEnrich

final class GeoIPTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
    }

    private func location(_ address: String, in path: String) throws -> GeoLocation? {
        try GeoDatabase(database: MaxMindDatabase(path: path)).location(for: IPAddress(address)!)
    }

    private func assertPlace(_ actual: GeoLocation?, _ expected: GeoLocation, radius: Bool = true,
                             file: StaticString = #filePath, line: UInt = #line) {
        var expected = expected
        if !radius { expected.accuracyRadius = nil }
        XCTAssertEqual(actual, expected, file: file, line: line)
    }

    func testMaxMindCityLayout() throws {
        let path = try TestDatabases.make("city", in: directory)
        let database = try MaxMindDatabase(path: path)
        XCTAssertEqual(database.databaseType, "GeoLite2-City")
        XCTAssertEqual(GeoDatabase(database: database).schema, .maxMindCity)
        assertPlace(try location("192.0.2.1", in: path), Places.frankfurt)
        assertPlace(try location("198.51.100.254", in: path), Places.amsterdam)
        assertPlace(try location("203.0.113.77", in: path), Places.newYork)
        assertPlace(try location("2001:db8:1234::5", in: path), Places.tokyo)
        // IPv4-mapped IPv6 is its IPv4 address.
        assertPlace(try location("::ffff:192.0.2.1", in: path), Places.frankfurt)
        XCTAssertNil(try location("192.0.3.1", in: path))
        XCTAssertNil(try location("2001:db9::1", in: path))
    }

    func testDBIPCityLiteSharesTheCityLayout() throws {
        let path = try TestDatabases.make("dbip-city", in: directory)
        XCTAssertEqual(try MaxMindDatabase(path: path).databaseType, "DBIP-City-Lite")
        assertPlace(try location("198.51.100.1", in: path), Places.amsterdam, radius: false)
    }

    func testIPinfoFlatLayoutWithTextCoordinates() throws {
        let path = try TestDatabases.make("ipinfo-city", in: directory)
        XCTAssertEqual(GeoDatabase(database: try MaxMindDatabase(path: path)).schema, .ipinfo)
        var tokyo = Places.tokyo
        tokyo.country = nil   // IPinfo's location database carries only the ISO code
        tokyo.accuracyRadius = nil
        XCTAssertEqual(try location("2001:db8::1", in: path), tokyo)
        XCTAssertEqual(try location("203.0.113.1", in: path)?.shortText, "New York, US")
    }

    func testASNDatabases() throws {
        let geolite = ASNDatabase(database: try MaxMindDatabase(path: try TestDatabases.make("asn", in: directory)))
        XCTAssertEqual(geolite.schema, .maxMindASN)
        XCTAssertEqual(try geolite.asn(for: IPAddress("203.0.113.9")!),
                       ASNInfo(number: 64502, organization: "EXAMPLE-NYC Example New York", prefix: "203.0.113.0/24"))
        XCTAssertEqual(try geolite.asn(for: IPAddress("2001:db8::9")!),
                       ASNInfo(number: 64503, organization: "EXAMPLE-TYO Example Tokyo", prefix: "2001:db8::/32"))
        XCTAssertNil(try geolite.asn(for: IPAddress("8.8.8.8")!))

        let ipinfo = ASNDatabase(database: try MaxMindDatabase(path: try TestDatabases.make("ipinfo-asn", in: directory)))
        XCTAssertEqual(ipinfo.schema, .ipinfo)
        XCTAssertEqual(try ipinfo.asn(for: IPAddress("198.51.100.3")!),
                       ASNInfo(number: 64501, organization: "EXAMPLE-AMS Example Amsterdam", prefix: "198.51.100.0/24"))
        XCTAssertEqual(ASNDatabase.parseASN("AS64500"), 64500)
        XCTAssertEqual(ASNDatabase.parseASN("as7"), 7)
        XCTAssertEqual(ASNDatabase.parseASN("64501"), 64501)
        XCTAssertNil(ASNDatabase.parseASN("ASX"))
    }

    func testWrongKindOfDatabaseIsNamed() throws {
        let asn = try MaxMindDatabase(path: try TestDatabases.make("asn", in: directory))
        let city = try MaxMindDatabase(path: try TestDatabases.make("city", in: directory))
        XCTAssertNotNil(GeoDatabase.unsuitability(of: asn))
        XCTAssertNil(GeoDatabase.unsuitability(of: city))
        XCTAssertNotNil(ASNDatabase.unsuitability(of: city))
        XCTAssertNil(ASNDatabase.unsuitability(of: asn))
    }

    func testCorruptAndMissingFilesThrowTypedErrors() throws {
        let corrupt = directory.file("corrupt.mmdb")
        _ = FileManager.default.createFile(atPath: corrupt, contents: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7) }))
        XCTAssertThrowsError(try MaxMindDatabase(path: corrupt)) { error in
            XCTAssertEqual((error as? MaxMindError)?.code, 3)   // MMDB_INVALID_METADATA_ERROR
        }
        XCTAssertThrowsError(try MaxMindDatabase(path: directory.file("missing.mmdb"))) { error in
            XCTAssertEqual((error as? MaxMindError)?.code, 1)   // MMDB_FILE_OPEN_ERROR
        }
    }

    func testEnricherUsesTheDatabasesAndSkipsSpecialAddressesUnlessTold() async throws {
        let city = try TestDatabases.make("city", in: directory)
        let asn = try TestDatabases.make("asn", in: directory)
        var options = EnrichmentOptions(profile: .offline)
        options.geoDatabasePath = city
        options.asnDatabasePath = asn
        let plain = Enricher(options: options)
        let documentation = await plain.info(for: IPAddress("192.0.2.1")!)
        XCTAssertEqual(documentation, HostInfo(addressClass: .documentation))

        options.lookupSpecialAddresses = true
        let lab = Enricher(options: options)
        let frankfurt = await lab.info(for: IPAddress("192.0.2.1")!)
        XCTAssertEqual(frankfurt.location, Places.frankfurt)
        XCTAssertEqual(frankfurt.asn?.number, 64500)
        XCTAssertEqual(frankfurt.addressClass, .documentation)
        let warnings = await lab.warnings
        XCTAssertEqual(warnings, [])
    }

    func testCorruptDatabaseGivesOneWarningAndNoLocations() async throws {
        let corrupt = directory.file("corrupt.mmdb")
        _ = FileManager.default.createFile(atPath: corrupt, contents: Data(repeating: 0x5a, count: 10_000))
        var options = EnrichmentOptions(profile: .offline)
        options.geoDatabasePath = corrupt
        options.lookupSpecialAddresses = true
        let enricher = Enricher(options: options)
        for address in ["192.0.2.1", "198.51.100.1", "2001:db8::1"] {
            let info = await enricher.info(for: IPAddress(address)!)
            XCTAssertNil(info.location)
        }
        let warnings = await enricher.warnings
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(warnings[0].contains(corrupt), warnings[0])
        XCTAssertTrue(warnings[0].contains("no locations"), warnings[0])
    }

    func testMissingDefaultDatabaseGivesOneWarning() async throws {
        var options = EnrichmentOptions(profile: .offline)
        options.geoDatabasePath = directory.file("nothing-here.mmdb")
        let enricher = Enricher(options: options)
        _ = await enricher.info(for: IPAddress("8.8.8.8")!)
        let warnings = await enricher.warnings
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("install-geoip.sh"), warnings[0])
    }

    func testTruncatedDatabaseNeverCrashes() async throws {
        // The metadata survives at the end, the search tree does not: lookups fail, one warning.
        let path = try TestDatabases.make("city", in: directory)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for index in 0..<min(600, bytes.count) { bytes[index] = 0xff }
        let damaged = directory.file("damaged.mmdb")
        try bytes.write(to: URL(fileURLWithPath: damaged))
        var options = EnrichmentOptions(profile: .offline)
        options.geoDatabasePath = damaged
        options.lookupSpecialAddresses = true
        let enricher = Enricher(options: options)
        for address in ["192.0.2.1", "198.51.100.1", "203.0.113.1", "2001:db8::1"] {
            let info = await enricher.info(for: IPAddress(address)!)
            // Nothing but what the file holds: no location, or one of its four.
            if let location = info.location {
                XCTAssertTrue([Places.frankfurt, Places.amsterdam, Places.newYork, Places.tokyo].contains(location))
            }
        }
        let warnings = await enricher.warnings
        XCTAssertLessThanOrEqual(warnings.count, 1, "\(warnings)")
    }

    /// The real DB-IP City Lite database when scripts/install-geoip.sh has installed it (or TRACEMAP_GEOIP_MMDB
    /// names one): a local file lookup, nothing leaves the machine.
    func testInstalledDatabaseWhenPresent() throws {
        let path = EnrichmentPaths.geoDatabase(explicit: nil)
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no GeoIP database at \(path)") }
        let database = try GeoDatabase(database: MaxMindDatabase(path: path))
        XCTAssertEqual(database.schema, .maxMindCity)
        for address in ["1.1.1.1", "8.8.8.8", "2606:4700:4700::1111"] {
            let location = try XCTUnwrap(try database.location(for: IPAddress(address)!), address)
            XCTAssertNotNil(location.countryCode, address)
            XCTAssertNotNil(location.latitude, address)
            XCTAssertNotNil(location.longitude, address)
        }
        XCTAssertNil(try database.location(for: IPAddress("192.0.2.1")!), "documentation space has no place")
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for value in UInt32(0x0100_0000)..<UInt32(0x0100_0000 + 100_000) {
                _ = try database.location(for: IPAddress(v4: value &* 2_654_435_761))
            }
        }
        print("100000 located lookups in \(elapsed)")
    }
}
