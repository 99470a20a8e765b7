import Foundation
import XCTest
@testable import TracemapEnrich

/// A clock the test moves by hand.
private final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_700_000_000)

    var now: Date { lock.lock(); defer { lock.unlock() }; return current }

    func advance(_ seconds: TimeInterval) {
        lock.lock()
        current += seconds
        lock.unlock()
    }
}

final class LookupCacheTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
    }

    func testEntriesExpireAfterTheirKindsTimeToLive() async throws {
        let clock = ManualClock()
        let cache = try LookupCache(directory: directory.path, now: { clock.now })
        try await cache.store(.dns, key: "192.0.2.1", value: "router1.example.net")
        try await cache.store(.dns, key: "192.0.2.2", value: nil)
        try await cache.store(.asn, key: "192.0.2.1", value: "64500|192.0.2.0/24")
        var result = try await cache.lookup(.dns, key: "192.0.2.1")
        XCTAssertEqual(result, .hit("router1.example.net"))
        result = try await cache.lookup(.dns, key: "192.0.2.2")
        XCTAssertEqual(result, .hit(nil))
        result = try await cache.lookup(.asn, key: "192.0.2.2")
        XCTAssertEqual(result, .miss)

        // One hour and a second later the negative DNS answer is gone, the positive one is not.
        clock.advance(3_601)
        result = try await cache.lookup(.dns, key: "192.0.2.2")
        XCTAssertEqual(result, .miss)
        result = try await cache.lookup(.dns, key: "192.0.2.1")
        XCTAssertEqual(result, .hit("router1.example.net"))
        // A day later DNS is gone; the AS lasts 90 days.
        clock.advance(86_400)
        result = try await cache.lookup(.dns, key: "192.0.2.1")
        XCTAssertEqual(result, .miss)
        result = try await cache.lookup(.asn, key: "192.0.2.1")
        XCTAssertEqual(result, .hit("64500|192.0.2.0/24"))
        clock.advance(90 * 86_400)
        result = try await cache.lookup(.asn, key: "192.0.2.1")
        XCTAssertEqual(result, .miss)
    }

    func testTimesToLive() {
        XCTAssertEqual(CacheKind.dns.timeToLive, 86_400)
        XCTAssertEqual(CacheKind.asn.timeToLive, 90 * 86_400)
        XCTAssertEqual(CacheKind.asName.timeToLive, 90 * 86_400)
        for kind in CacheKind.allCases { XCTAssertLessThan(kind.negativeTimeToLive, kind.timeToLive) }
    }

    func testStatsPersistAcrossOpeningsAndClearResetsThem() async throws {
        let clock = ManualClock()
        do {
            let cache = try LookupCache(directory: directory.path, now: { clock.now })
            try await cache.store(.dns, key: "a", value: "a.example.net")
            try await cache.store(.dns, key: "b", value: nil)
            try await cache.store(.asName, key: "AS64500", value: "EXAMPLE")
            _ = try await cache.lookup(.dns, key: "a")      // hit
            _ = try await cache.lookup(.dns, key: "b")      // hit (negative)
            _ = try await cache.lookup(.dns, key: "c")      // miss
            _ = try await cache.lookup(.asn, key: "a")      // miss
        }
        let cache = try LookupCache(directory: directory.path, now: { clock.now })
        var stats = try cache.stats()
        XCTAssertEqual(stats[.dns], CacheKindStats(entries: 2, negativeEntries: 1, hits: 2, misses: 1))
        XCTAssertEqual(stats[.dns]?.hitRate ?? 0, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(stats[.asn], CacheKindStats(entries: 0, negativeEntries: 0, hits: 0, misses: 1))
        XCTAssertEqual(stats[.asName]?.entries, 1)
        XCTAssertNil(stats[.asName]?.hitRate)
        // Expired entries no longer count.
        clock.advance(3_601)
        stats = try cache.stats()
        XCTAssertEqual(stats[.dns]?.entries, 1)

        try cache.clear()
        stats = try cache.stats()
        for kind in CacheKind.allCases { XCTAssertEqual(stats[kind], CacheKindStats(), "\(kind)") }
    }

    func testCorruptFileIsMovedAsideWithOneWarning() async throws {
        let path = directory.file(LookupCache.fileName)
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try LookupCache(directory: directory.path)) { error in
            XCTAssertEqual((error as? CacheError)?.isCorruption, true)
        }
        let (cache, warning) = LookupCache.openRecovering(directory: directory.path)
        let recovered = try XCTUnwrap(cache)
        XCTAssertTrue(warning?.contains("unreadable") == true, warning ?? "")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".corrupt"))
        try await recovered.store(.dns, key: "x", value: "y")
        let result = try await recovered.lookup(.dns, key: "x")
        XCTAssertEqual(result, .hit("y"))
    }

    func testUnusableDirectoryMeansNoCacheAndOneWarning() throws {
        let blocker = directory.file("file")
        _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
        let (cache, warning) = LookupCache.openRecovering(directory: blocker + "/sub")
        XCTAssertNil(cache)
        XCTAssertNotNil(warning)
    }
}
