import Foundation
import TestSupport
import XCTest

/// Enrichment end to end: the built `tracemap` traces real Linux routers in namespaces (documentation addresses,
/// `--lab`), reads test GeoIP/ASN databases written by scripts/make-test-mmdb.pl, and asks a dnsmasq that runs on
/// the host namespace's own loopback for PTR and Team Cymru-style TXT records.
final class EnrichmentNetworkTests: XCTestCase {
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let resolverPort = 5353

    private var chain: RouterChain!
    private var directory: String!
    private var resolver: SpawnedProcess?

    override func setUpWithError() throws {
        guard Shell.canBuildNamespaces else { throw XCTSkip("needs root and ip(8)") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/dnsmasq") else {
            throw XCTSkip("dnsmasq is not installed")
        }
        guard Shell.run(["perl", "-MMaxMind::DB::Writer::Tree", "-e1"]).status == 0 else {
            throw XCTSkip("libmaxmind-db-writer-perl is not installed")
        }
        directory = NSTemporaryDirectory() + "tracemap-enrich-net-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for kind in ["city", "asn"] {
            let made = Shell.run(["perl", Self.repository.appendingPathComponent("scripts/make-test-mmdb.pl").path,
                                  kind, "\(directory!)/\(kind).mmdb"])
            XCTAssertEqual(made.status, 0, made.stderr)
        }
        chain = try RouterChain()
    }

    override func tearDown() {
        resolver?.stop()
        chain?.destroy()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    private var logPath: String { "\(directory!)/dnsmasq.log" }

    /// dnsmasq inside the host namespace, answering for the chain's addresses only; every query is logged.
    private func startResolver() throws {
        let ptr = ["2.2.0.192": "r1.fra.example.net", "2.100.51.198": "r2.ams.example.net",
                   "6.100.51.198": "r3.ams.example.net", "2.113.0.203": "dest.nyc.example.net"]
        var lines = ptr.map { "ptr-record=\($0.key).in-addr.arpa,\($0.value)" }
        let origins = ["2.2.0.192": "64500 | 192.0.2.0/24", "2.100.51.198": "64501 | 198.51.100.0/24",
                       "6.100.51.198": "64501 | 198.51.100.0/24", "2.113.0.203": "64502 | 203.0.113.0/24"]
        lines += origins.map { "txt-record=\($0.key).origin.asn.cymru.com,\"\($0.value) | ZZ | other | 2001-01-01\"" }
        lines += [(64500, "EXAMPLE-FRA Example Frankfurt, DE"), (64501, "EXAMPLE-AMS Example Amsterdam, NL"),
                  (64502, "EXAMPLE-NYC Example New York, US")]
            .map { "txt-record=AS\($0.0).asn.cymru.com,\"\($0.0) | ZZ | other | 2001-01-01 | \($0.1)\"" }
        let configuration = "\(directory!)/dnsmasq.conf"
        try (lines.joined(separator: "\n") + "\n").write(toFile: configuration, atomically: true, encoding: .utf8)
        resolver = try SpawnedProcess(["ip", "netns", "exec", chain.host.name, "/usr/sbin/dnsmasq", "-k", "-C", configuration, "--no-resolv", "--no-hosts",
                                         "--listen-address=127.0.0.1", "--bind-interfaces",
                                         "--port=\(Self.resolverPort)", "--user=root", "--log-queries",
                                         "--log-facility=\(logPath)", "--pid-file=", "--local=/arpa/",
                                         "--local=/cymru.com/"])
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline && !log.contains("started, version") { usleep(20_000) }
        guard log.contains("started, version") else { throw NamespaceError(message: "dnsmasq did not start") }
    }

    private var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    private var queryCount: Int { log.components(separatedBy: "query[").count - 1 }

    /// `tracemap ARGS` in the host namespace with the test resolver and cache.
    private func tracemap(_ arguments: [String], cache: String? = nil) -> ProcessResult {
        chain.host.exec(["env", "TRACEMAP_RESOLVER=127.0.0.1:\(Self.resolverPort)",
                         "TRACEMAP_CACHE_DIR=\(cache ?? directory + "/cache")", Shell.tracemapBinary] + arguments)
    }

    private func trace(_ extra: [String], cache: String? = nil) -> ProcessResult {
        tracemap(["trace", "--lab", "--geoip-mmdb", "\(directory!)/city.mmdb", "-q", "1"] + extra
                 + [RouterChain.destination4], cache: cache)
    }

    /// Every responder's `info` in a `trace --json` document, by address.
    private func infos(_ json: String) throws -> [String: [String: Any]] {
        var found: [String: [String: Any]] = [:]
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                if let address = object["address"] as? String, let info = object["info"] as? [String: Any] {
                    found[address] = info
                }
                object.values.forEach(walk)
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(json.utf8)))
        return found
    }

    func testTraceNamesEveryHopWithASNAndPlaceThenAnswersFromTheCache() throws {
        try startResolver()
        let result = trace(["--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let info = try infos(result.stdout)
        XCTAssertEqual(info["192.0.2.2"]?["hostname"] as? String, "r1.fra.example.net", result.stdout)
        XCTAssertEqual((info["192.0.2.2"]?["asn"] as? [String: Any])?["number"] as? Int, 64500)
        XCTAssertEqual((info["192.0.2.2"]?["asn"] as? [String: Any])?["organization"] as? String,
                       "EXAMPLE-FRA Example Frankfurt, DE")
        XCTAssertEqual((info["192.0.2.2"]?["location"] as? [String: Any])?["city"] as? String, "Frankfurt am Main")
        XCTAssertEqual(info["198.51.100.6"]?["hostname"] as? String, "r3.ams.example.net")
        XCTAssertEqual((info["203.0.113.2"]?["location"] as? [String: Any])?["country_code"] as? String, "US")
        XCTAssertEqual(info["203.0.113.2"]?["class"] as? String, "documentation")
        let asked = queryCount
        // 4 PTR, 4 origins, 3 AS names.
        XCTAssertEqual(asked, 11, log)

        let table = trace(["--route-path"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("r2.ams.example.net"), table.stdout)
        XCTAssertTrue(table.stdout.contains("AS64501 EXAMPLE-AMS Example Amsterdam, NL  [Amsterdam, NL]  hops 2–3"),
                      table.stdout)
        XCTAssertEqual(queryCount, asked, "a second run answers from the cache")

        let stats = tracemap(["cache", "stats", "--json"])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any]
        let kinds = report?["kinds"] as? [String: [String: Any]]
        XCTAssertEqual(kinds?["dns"]?["entries"] as? Int, 4, stats.stdout)
        XCTAssertEqual(kinds?["dns"]?["hits"] as? Int, 4, stats.stdout)
        XCTAssertEqual(kinds?["as-name"]?["entries"] as? Int, 3, stats.stdout)

        let cleared = tracemap(["cache", "clear"])
        XCTAssertEqual(cleared.status, 0, cleared.stderr)
        let after = tracemap(["cache", "stats"])
        XCTAssertTrue(after.stdout.contains("total"), after.stdout)
        XCTAssertTrue(after.stdout.split(separator: "\n").last?.hasSuffix("-") == true, after.stdout)
    }

    func testOfflineAndPrivateProfilesAskNothingAndPrivateRedactsEverything() throws {
        try startResolver()
        let offline = trace(["--profile", "offline", "--route-path"])
        XCTAssertEqual(offline.status, 0, offline.stderr)
        XCTAssertTrue(offline.stdout.contains("Frankfurt am Main, DE"), "local databases still answer: \(offline.stdout)")
        XCTAssertFalse(offline.stdout.contains("example.net"), offline.stdout)

        var tokens: [Set<String>] = []
        for _ in 0..<2 {
            let run = trace(["--profile", "private", "--json"])
            XCTAssertEqual(run.status, 0, run.stderr)
            for literal in ["192.0.2.2", "198.51.100", "203.0.113.2", "example.net", "Frankfurt"] {
                XCTAssertFalse(run.stdout.contains(literal), "\(literal) in \(run.stdout)")
            }
            let found = Set(run.stdout.matches(of: /host-[0-9a-f]{6}/).map { String($0.output) })
            XCTAssertGreaterThanOrEqual(found.count, 4, run.stdout)
            tokens.append(found)
        }
        XCTAssertTrue(tokens[0].isDisjoint(with: tokens[1]), "tokens differ between runs: \(tokens)")
        XCTAssertEqual(queryCount, 0, log)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/cache/cache.sqlite"))
    }

    func testCorruptCacheIsOneWarningAndTheTraceGoesOn() throws {
        try startResolver()
        let cache = directory + "/bad-cache"
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        try Data(repeating: 0x42, count: 4096).write(to: URL(fileURLWithPath: cache + "/cache.sqlite"))

        let stats = tracemap(["cache", "stats"], cache: cache)
        XCTAssertEqual(stats.status, 6)
        XCTAssertEqual(stats.stderr.split(separator: "\n").count, 1, stats.stderr)

        let result = trace(["--json"], cache: cache)
        XCTAssertEqual(result.status, 0, result.stderr)
        let warnings = result.stderr.split(separator: "\n")
        XCTAssertEqual(warnings.count, 1, result.stderr)
        XCTAssertTrue(warnings.first?.contains("unreadable") == true, result.stderr)
        XCTAssertEqual(try infos(result.stdout)["192.0.2.2"]?["hostname"] as? String, "r1.fra.example.net")
        // The damaged file was moved aside and a working cache took its place.
        XCTAssertEqual(tracemap(["cache", "stats"], cache: cache).status, 0)
    }

    /// A database the user named that cannot be read is an error before any probe (README "Exit codes": 6).
    func testCorruptNamedGeoDatabaseIsOneLineAndExit6() throws {
        let corrupt = directory + "/corrupt.mmdb"
        try Data(repeating: 0x5a, count: 10_000).write(to: URL(fileURLWithPath: corrupt))
        let result = tracemap(["trace", "--lab", "--profile", "offline", "--geoip-mmdb", corrupt, "-q", "1", "--json",
                               RouterChain.destination4])
        XCTAssertEqual(result.status, 6, result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("tracemap: cannot read GeoIP database \(corrupt)"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }
}
