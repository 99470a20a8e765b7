import TracemapModel
import XCTest
@testable import TracemapEnrich

/// One lookup order for the GeoIP database, the same for `doctor` and every command: flag, environment, user
/// data directory, system data directories; and `doctor`'s check opens the file.
final class DataPathTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
    }

    func testTheSystemDirectoriesStartWithTheInstallationsOwnPrefix() {
        XCTAssertEqual(EnrichmentPaths.systemDataDirectories(executable: "/opt/tm/bin/tracemap"),
                       ["/opt/tm/share/tracemap", "/usr/local/share/tracemap", "/usr/share/tracemap"])
        XCTAssertEqual(EnrichmentPaths.systemDataDirectories(executable: "/usr/bin/tracemap"),
                       ["/usr/share/tracemap", "/usr/local/share/tracemap"])
        // A build directory is no prefix.
        XCTAssertEqual(EnrichmentPaths.systemDataDirectories(executable: "/src/.build/debug/tracemap"),
                       ["/usr/local/share/tracemap", "/usr/share/tracemap"])
    }

    func testFlagThenEnvironmentThenUserThenSystem() throws {
        let system = [directory.file("system-a"), directory.file("system-b")]
        let user = directory.file("data")
        let environment = ["HOME": directory.path, "XDG_DATA_HOME": user]
        let candidates = EnrichmentPaths.geoDatabaseCandidates(explicit: nil, environment: environment,
                                                               systemDirectories: system)
        XCTAssertEqual(candidates.map(\.path), [user + "/tracemap/dbip-city-lite.mmdb",
                                                system[0] + "/dbip-city-lite.mmdb", system[1] + "/dbip-city-lite.mmdb"])
        XCTAssertEqual(candidates.map(\.origin), [.user, .system, .system])
        // Nothing installed: the user's path, for the message.
        XCTAssertEqual(EnrichmentPaths.geoDatabase(explicit: nil, environment: environment, systemDirectories: system),
                       candidates[0].path)
        // Only the second system directory has one: that one.
        try FileManager.default.createDirectory(atPath: system[1], withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: candidates[2].path, contents: Data("x".utf8))
        XCTAssertEqual(EnrichmentPaths.geoDatabase(explicit: nil, environment: environment, systemDirectories: system),
                       candidates[2].path)
        // The user's own copy wins over the system's.
        try FileManager.default.createDirectory(atPath: user + "/tracemap", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: candidates[0].path, contents: Data("x".utf8))
        XCTAssertEqual(EnrichmentPaths.geoDatabase(explicit: nil, environment: environment, systemDirectories: system),
                       candidates[0].path)
        // The environment and the flag are the only candidate when given, even when they name nothing.
        XCTAssertEqual(EnrichmentPaths.geoDatabase(explicit: nil, environment: environment.merging(
            ["TRACEMAP_GEOIP_MMDB": "/nonexistent.mmdb"]) { $1 }, systemDirectories: system), "/nonexistent.mmdb")
        XCTAssertEqual(EnrichmentPaths.geoDatabaseCandidates(explicit: "/flag.mmdb", environment: environment.merging(
            ["TRACEMAP_GEOIP_MMDB": "/env.mmdb"]) { $1 }, systemDirectories: system).map(\.origin), [.flag])
    }

    func testTheCheckOpensTheDatabaseNotOnlyFindsIt() throws {
        let garbage = directory.file("garbage.mmdb")
        FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 0x41, count: 4096))
        let broken = DatabaseCheck.geo(at: garbage)
        XCTAssertFalse(broken.opens)
        XCTAssertTrue(broken.detail.hasPrefix("does not open: "), broken.detail)
        XCTAssertEqual(DatabaseCheck.geo(at: directory.file("none.mmdb")).detail, "no file")

        let city = try TestDatabases.make("dbip-city", in: directory)
        let check = DatabaseCheck.geo(at: city)
        XCTAssertTrue(check.opens, check.detail)
        XCTAssertTrue(check.detail.hasPrefix("DBIP-City-Lite,"), check.detail)
        let asn = try TestDatabases.make("asn", in: directory)
        XCTAssertFalse(DatabaseCheck.geo(at: asn).opens, "an ASN database is no city database")
    }

    /// A database opened before the privilege drop is used even when its path is unreadable afterwards.
    func testADatabaseOpenedEarlyIsUsedAfterItsPathIsGone() async throws {
        let city = try TestDatabases.make("dbip-city", in: directory)
        let moved = directory.file("early.mmdb")
        try FileManager.default.moveItem(atPath: city, toPath: moved)
        var options = EnrichmentOptions(profile: .offline)
        options.geoDatabasePath = moved
        options.lookupSpecialAddresses = true
        OpenDatabases.open(for: options)
        try FileManager.default.removeItem(atPath: moved)
        let enricher = Enricher(options: options)
        let info = await enricher.info(for: IPAddress("192.0.2.1")!)
        XCTAssertEqual(info.location?.city, "Frankfurt am Main")
        let warnings = await enricher.warnings
        XCTAssertEqual(warnings, [])
    }

    /// Under sudo the cache is written after the drop back to the user, so it lives in that user's home.
    func testUnderSudoTheCacheIsTheInvokingUsersOwn() throws {
        try XCTSkipUnless(getuid() == 0, "SUDO_UID is honoured only for root")
        let nobodyHome = String(cString: getpwuid(65534).pointee.pw_dir)
        XCTAssertEqual(EnrichmentPaths.cacheDirectory(environment: ["HOME": "/root", "SUDO_UID": "65534"]),
                       nobodyHome + "/.cache/tracemap")
        XCTAssertEqual(EnrichmentPaths.cacheDirectory(environment: ["HOME": "/root"]), "/root/.cache/tracemap")
        XCTAssertEqual(EnrichmentPaths.cacheDirectory(environment: ["HOME": "/root", "SUDO_UID": "0"]),
                       "/root/.cache/tracemap")
        XCTAssertEqual(EnrichmentPaths.cacheDirectory(environment: ["HOME": "/root", "SUDO_UID": "65534",
                                                                    "XDG_CACHE_HOME": "/c"]), "/c/tracemap")
    }
}
