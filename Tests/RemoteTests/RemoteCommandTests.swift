import Foundation
import TracemapProcess
import XCTest

/// The `tracemap` binary against the stand-in server: what a user sees on stdout and stderr, and the exit codes.
final class RemoteCommandTests: XCTestCase {
    var server: StandInServer!

    override func setUpWithError() throws {
        server = try StandInServer()
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.binary), "tracemap not built")
    }

    override func tearDown() {
        server?.stop()
    }

    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["TRACEMAP_BINARY"] { return override }
        let bundle = Bundle(for: RemoteCommandTests.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("tracemap").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs tracemap with the engines pointed at the stand-in, no credentials unless given, fast polling.
    func tracemap(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        var environment = ProcessInfo.processInfo.environment
        for name in ["GLOBALPING_TOKEN", "RIPE_ATLAS_KEY", "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID",
                     "TRACEMAP_HTTP_DEBUG"] {
            environment.removeValue(forKey: name)
        }
        environment["TRACEMAP_GLOBALPING_URL"] = server.url
        environment["TRACEMAP_ATLAS_URL"] = server.url
        environment["TRACEMAP_CLOUDFLARE_URL"] = server.url
        environment["TRACEMAP_REMOTE_POLL_MS"] = "50"
        environment["TRACEMAP_CACHE_DIR"] = server.directory.appendingPathComponent("cache").path
        for (key, value) in extra { environment[key] = value }
        // Offline enrichment: no lookup ever leaves this machine in a test (watch does no enrichment).
        let offline = ["trace", "atlas"].contains(arguments.first) ? ["--profile", "offline"] : []
        let result = ChildProcess.run([Self.binary] + arguments + offline, environment: environment,
                                      timeout: .seconds(120))
        return Result(status: result.termination.shellStatus, stdout: result.stdoutText, stderr: result.stderrText)
    }

    func testGlobalpingTablesPerVantagePointAndComparison() throws {
        let result = try tracemap(["trace", "--from", "Frankfurt,Tokyo", "-n", "example.com"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").filter { !$0.hasPrefix("tracemap: warning: ") }, [],
                       "nothing but enrichment warnings (no GeoIP database in the test)")
        XCTAssertTrue(result.stdout.contains("to example.com (203.0.113.10), ICMP"), result.stdout)
        XCTAssertTrue(result.stdout.contains("── Frankfurt, DE · AS64496 Example Telecom AG · Globalping"), result.stdout)
        XCTAssertTrue(result.stdout.contains("── Tokyo, JP · AS64500 Example KK · Globalping"), result.stdout)
        XCTAssertTrue(result.stdout.contains("203.0.113.10"), result.stdout)
        XCTAssertTrue(result.stdout.contains("comparison (2 traces):"), result.stdout)
        let rows = result.stdout.split(separator: "\n").drop { !$0.hasPrefix("comparison") }.dropFirst()
        XCTAssertEqual(rows.count, 3, "header and one row per vantage point")
        XCTAssertTrue(rows.dropFirst().allSatisfy { $0.contains("example.com") && $0.contains("yes") }, "\(rows)")
        XCTAssertTrue(rows.dropFirst().first?.contains("(reference)") == true, "\(rows)")
    }

    func testFailedProbeIsShownAsSuchAndSecondTargetReusesProbes() throws {
        let result = try tracemap(["trace", "--from", "Tokyo", "--limit", "2", "-n", "example.com", "198.51.100.77"])
        XCTAssertEqual(result.status, 1, "a probe failed, so a destination was not reached")
        XCTAssertTrue(result.stdout.contains("── Osaka, JP · AS64501 Example Cable · Globalping"), result.stdout)
        XCTAssertTrue(result.stdout.contains("no trace to example.com: the probe's result is failed"), result.stdout)
        XCTAssertTrue(result.stdout.contains("failed"), result.stdout)
        let posts = server.requests.filter { $0.method == "POST" }.compactMap(\.json)
        XCTAssertEqual(posts.count, 2)
        XCTAssertNotNil(posts[1]["locations"] as? String, "the second target runs on the first measurement's probes")
    }

    func testJSONHoldsEveryTraceWithItsVantagePoint() throws {
        let file = server.directory.appendingPathComponent("remote.json").path
        let result = try tracemap(["trace", "--from", "Frankfurt,Sao Paulo", "--json", "-w", file, "example.com"])
        XCTAssertEqual(result.status, 1, "São Paulo does not reach the target")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), result.stdout, "-w saves what --json prints")
        let stats = try tracemap(["stats", file])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        XCTAssertTrue(stats.stdout.contains("Frankfurt") && stats.stdout.contains("São Paulo"), stats.stdout)
        let documents = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(documents.count, 2)
        let vantages = documents.compactMap { ($0["meta"] as? [String: Any])?["vantage"] as? [String: Any] }
        XCTAssertEqual(vantages.map { $0["engine"] as? String }, ["globalping", "globalping"])
        XCTAssertEqual(vantages.map { $0["city"] as? String }, ["Frankfurt", "São Paulo"])
        XCTAssertEqual(vantages.map { $0["asn"] as? Int }, [64496, 64502])
        XCTAssertEqual(documents.map { $0["reached"] as? Bool }, [true, false])
    }

    func testErrorsAreOneLineWithTheirExitCodes() throws {
        let cases: [([String], [String: String], Int32, String)] = [
            (["trace", "--from", "Atlantis", "example.com"], [:], 8,
             "tracemap: Globalping: no probes found: No suitable probes found.\n"),
            (["trace", "--from", "Frankfurt", "example.com"], ["GLOBALPING_TOKEN": "invalid-token"], 4,
             "tracemap: Globalping refused the credentials (HTTP 401): Invalid access token. (GLOBALPING_TOKEN is optional; unset it to run anonymously)\n"),
            (["trace", "--atlas", "NL", "example.com"], [:], 4,
             "tracemap: RIPE Atlas needs RIPE_ATLAS_KEY to be set (RIPE_ATLAS_KEY needs the permission to create measurements)\n"),
            (["trace", "--cloudflare", "example.com"], ["CLOUDFLARE_API_TOKEN": "cf-token-0123456789"], 4,
             "tracemap: Cloudflare needs CLOUDFLARE_ACCOUNT_ID to be set (CLOUDFLARE_API_TOKEN needs Magic Transit Write on CLOUDFLARE_ACCOUNT_ID)\n"),
            (["trace", "--from", "Frankfurt", "example.com"], ["TRACEMAP_GLOBALPING_URL": "ftp://example"], 64,
             "tracemap: TRACEMAP_GLOBALPING_URL: not an http(s) URL: ftp://example\n"),
            (["trace", "--atlas", "country:Germany", "example.com"], ["RIPE_ATLAS_KEY": "k-0123456789"], 64,
             "tracemap: --atlas country:Germany: a country is a two-letter ISO 3166 code\n"),
        ]
        for (arguments, environment, status, stderr) in cases {
            let result = try tracemap(arguments, environment: environment)
            XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)")
            XCTAssertEqual(result.stderr, stderr, "\(arguments)")
            XCTAssertEqual(result.stdout, "")
        }
        let limited = try tracemap(["trace", "--from", "Frankfurt", "limit.example"])
        XCTAssertEqual(limited.status, 8)
        XCTAssertEqual(limited.stderr.split(separator: "\n").count, 1)
        XCTAssertTrue(limited.stderr.hasPrefix("tracemap: Globalping rate limit: API rate limit exceeded. (0 of 250 tests left this hour, resets in 40 min)"),
                      limited.stderr)
    }

    func testNoNetworkIsReportedAtOnce() throws {
        let port = StandInServer.closedPort()
        let result = try tracemap(["trace", "--from", "Frankfurt", "example.com"],
                                  environment: ["TRACEMAP_GLOBALPING_URL": "http://127.0.0.1:\(port)"])
        XCTAssertEqual(result.status, 5)
        XCTAssertEqual(result.stderr, "tracemap: cannot reach 127.0.0.1:\(port): connection refused\n")
    }

    func testAtlasOneOffShowsEachProbeWithItsPlace() throws {
        let result = try tracemap(["trace", "--atlas", "country:NL:4", "-q", "2", "-n", "example.com"],
                                  environment: ["RIPE_ATLAS_KEY": "atlas-key-0123456789"])
        XCTAssertEqual(result.status, 1, "probe 6003's path answers nothing")
        XCTAssertTrue(result.stdout.contains("── NL · AS64510 · RIPE Atlas probe 6001 ──"), result.stdout)
        XCTAssertTrue(result.stdout.contains("── US · AS64511 · RIPE Atlas probe 6002 ──"), result.stdout)
        XCTAssertTrue(result.stdout.contains("── ZA · AS64509 · RIPE Atlas probe 6003 ──"), result.stdout)
        XCTAssertTrue(result.stdout.contains("destination not reached"), "6003's hops are all silent")
        XCTAssertTrue(result.stdout.contains("comparison (3 traces):"), result.stdout)
        XCTAssertTrue(result.stdout.contains("3 of 4 scheduled probes sent a result"), result.stdout)
        let create = try XCTUnwrap(server.requests.first { $0.method == "POST" }?.json)
        XCTAssertEqual(((create["definitions"] as? [[String: Any]])?.first)?["packets"] as? Int, 2)
    }

    func testAtlasArchiveNeedsNoKey() throws {
        let result = try tracemap(["atlas", "5001", "--probes", "6001,6002", "--start", "2025-11-24T16:10", "-n"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("comparison (2 traces):"), result.stdout)
        XCTAssertTrue(server.requests.contains { $0.path.contains("probe_ids=6001,6002") && $0.path.contains("start=1764000600") },
                      "\(server.requests.map(\.path))")
        let missing = try tracemap(["atlas", "4242"])
        XCTAssertEqual(missing.status, 8)
        XCTAssertEqual(missing.stderr, "tracemap: RIPE Atlas rejected the request (HTTP 404): No Measurement matches the given query.\n")
    }

    func testCloudflareColosAndPerColoErrors() throws {
        let result = try tracemap(["trace", "--cloudflare", "FRA,PEK", "-n", "example.com"],
                                  environment: ["CLOUDFLARE_API_TOKEN": "cf-token-0123456789",
                                                "CLOUDFLARE_ACCOUNT_ID": "023e105f4ecef8ad9ca31a8372d0c353"])
        XCTAssertEqual(result.status, 1, "PEK failed")
        XCTAssertTrue(result.stdout.contains("── Frankfurt · Cloudflare colo FRA ──"), result.stdout)
        XCTAssertTrue(result.stdout.contains("── Beijing · Cloudflare colo PEK ──\nno trace to example.com: colo PEK: "
                                             + "Could not gather traceroute data: Code 2"), result.stdout)
        XCTAssertTrue(result.stdout.contains("reached: unknown"), "Cloudflare does not report the address it traced")
        let body = try XCTUnwrap(server.requests.first?.json)
        XCTAssertEqual(body["colos"] as? [String], ["FRA", "PEK"])
        XCTAssertEqual(body["targets"] as? [String], ["example.com"])
    }

    func testSecretsNeverAppearInOutputJSONOrDebugLog() throws {
        let secrets = ["GLOBALPING_TOKEN": "gp-secret-1111111111", "RIPE_ATLAS_KEY": "atlas-secret-2222222222",
                       "CLOUDFLARE_API_TOKEN": "cf-secret-3333333333",
                       "CLOUDFLARE_ACCOUNT_ID": "023e105f4ecef8ad9ca31a8372d0c353", "TRACEMAP_HTTP_DEBUG": "1"]
        let saved = server.directory.appendingPathComponent("saved.json").path
        let runs = [
            try tracemap(["trace", "--from", "Frankfurt", "--json", "-w", saved, "example.com"], environment: secrets),
            try tracemap(["trace", "--from", "Frankfurt", "echo.example"], environment: secrets),
            try tracemap(["trace", "--atlas", "NL", "echo.example"], environment: secrets),
            try tracemap(["trace", "--cloudflare", "echo.example"], environment: secrets),
            try tracemap(["trace", "--cloudflare", "--json", "example.com"], environment: secrets),
        ]
        let file = try String(contentsOfFile: saved, encoding: .utf8)
        for run in runs + [Result(status: 0, stdout: file, stderr: "")] {
            for secret in ["gp-secret-1111111111", "atlas-secret-2222222222", "cf-secret-3333333333"] {
                XCTAssertFalse(run.stdout.contains(secret), run.stdout)
                XCTAssertFalse(run.stderr.contains(secret), run.stderr)
            }
        }
        XCTAssertTrue(runs[0].stderr.contains("tracemap: http: → POST"), runs[0].stderr)
        XCTAssertTrue(runs[0].stderr.contains("Authorization: ***"), runs[0].stderr)
        XCTAssertTrue(runs[1].stderr.contains("Bearer ***"), runs[1].stderr)
        XCTAssertEqual(server.requests.first?.header("Authorization"), "Bearer gp-secret-1111111111",
                       "the secret did go to the engine, and only there")
    }

    func testWatchFromRaisesEventsPerVantagePoint() throws {
        // A self-hosted Globalping with a high hourly limit ("bulk-token"): rounds may follow at -i.
        let result = try tracemap(["watch", "--from", "Frankfurt,Tokyo", "-c", "4", "-i", "0.2", "--route-rounds", "1",
                                   "flap.example"], environment: ["GLOBALPING_TOKEN": "bulk-token"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("watching flap.example from 2 Globalping probes every 0.2 s\n"),
                      result.stdout)
        let events = result.stdout.split(separator: "\n").filter { $0.contains("route-change") }
        XCTAssertEqual(events.count, 2, result.stdout)
        XCTAssertTrue(events.contains { $0.contains("[Frankfurt, DE · AS64496 Example Telecom AG · Globalping probe 1]")
            && $0.contains("route changed at hop 2: 198.51.100.1 → 198.51.100.222") }, result.stdout)
        XCTAssertTrue(events.contains { $0.contains("[Tokyo, JP · AS64500 Example KK · Globalping probe 2]") },
                      result.stdout)
        let posts = server.requests.filter { $0.method == "POST" }.compactMap(\.json)
        XCTAssertEqual(posts.count, 4, "one measurement per round")
        XCTAssertTrue(posts.dropFirst().allSatisfy { $0["locations"] as? String != nil }, "rounds reuse the probes")
    }

    func testWatchFromStaysWithinTheHourlyLimit() throws {
        let result = try tracemap(["watch", "--from", "Frankfurt,Tokyo", "-c", "1", "example.com"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("watching example.com from 2 Globalping probes every 28.8 s "
                                              + "(2 tests per round, 250 tests/hour: no faster)\n"), result.stdout)
        let spent = try tracemap(["watch", "--from", "Frankfurt", "-c", "3", "-i", "0.1", "limit-later.example"],
                                 environment: ["GLOBALPING_TOKEN": "bulk-token"])
        XCTAssertEqual(spent.status, 8)
        XCTAssertTrue(spent.stderr.hasPrefix("tracemap: Globalping rate limit: API rate limit exceeded."), spent.stderr)
        XCTAssertEqual(spent.stderr.split(separator: "\n").count, 1, spent.stderr)
    }

    func testHostileTextFromAnEngineNeverReachesTheTerminalRaw() throws {
        let result = try tracemap(["trace", "--from", "Hostile", "example.com"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("\u{1B}"), result.stdout)
        XCTAssertFalse(result.stdout.contains("\u{07}"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Amster"), result.stdout)
        let json = try tracemap(["trace", "--from", "Hostile", "--json", "example.com"])
        XCTAssertFalse(json.stdout.contains("\u{1B}"), "JSON escapes control characters")
    }

    func testPerProbeFormatsAreRefused() throws {
        let result = try tracemap(["trace", "--from", "Frankfurt", "--csv", "example.com"])
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(result.stderr, "tracemap: --csv and --raw are for local traces; use --json with remote engines\n")
        XCTAssertTrue(server.requests.isEmpty, "nothing was sent")
    }

    func testGeographyIsJudgedFromTheVantagePoint() throws {
        guard Shell.succeeds(["perl", "-MMaxMind::DB::Writer::Tree", "-e1"]) else {
            throw XCTSkip("libmaxmind-db-writer-perl is not installed")
        }
        // The test database puts 192.0.2.0/24 in Frankfurt and 203.0.113.0/24 in New York.
        let database = server.directory.appendingPathComponent("city.mmdb").path
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/make-test-mmdb.pl").path
        XCTAssertTrue(Shell.succeeds(["perl", script, "city", database]))
        let result = try tracemap(["trace", "--from", "Frankfurt,Tokyo", "--json", "--lab", "--geoip-mmdb", database,
                                   "example.com"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let documents = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        func confidence(_ document: [String: Any], ttl: Int) -> String? {
            let hop = (document["hops"] as? [[String: Any]])?.first { $0["ttl"] as? Int == ttl }
            let responder = (hop?["responders"] as? [[String: Any]])?.first
            return (responder?["info"] as? [String: Any])?["confidence"] as? String
        }
        // Hop 1 answers in under a millisecond and is placed in Frankfurt: plausible seen from Frankfurt, not from
        // Tokyo. New York at 150 ms is plausible from Tokyo.
        XCTAssertEqual(confidence(documents[0], ttl: 1), "normal")
        XCTAssertEqual(confidence(documents[1], ttl: 1), "low")
        XCTAssertEqual(confidence(documents[1], ttl: 5), "normal")
    }
}

enum Shell {
    static func succeeds(_ arguments: [String]) -> Bool {
        ChildProcess.run(arguments).termination.succeeded
    }
}
