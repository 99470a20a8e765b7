import Foundation
import TracemapModel
@testable import TracemapRemote
import XCTest

final class GlobalpingClientTests: XCTestCase {
    var server: StandInServer!
    var http: RemoteHTTP!

    override func setUpWithError() throws {
        server = try StandInServer()
    }

    override func tearDown() {
        server?.stop()
    }

    func client(token: String? = nil) -> GlobalpingClient {
        var policy = RetryPolicy()
        policy.firstBackoff = .milliseconds(50)
        http = RemoteHTTP(policy: policy, secrets: Secrets([token]))
        return GlobalpingClient(http: http, baseURL: server.url, token: token)
    }

    func testMeasurementIsCreatedPolledWithETagAndFinished() async throws {
        let request = GlobalpingRequest(locations: ["Frankfurt", "Tokyo"], limitPerLocation: 2,
                                        target: "example.com", packets: 3)
        let measurement = try await client().run(request)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(measurement.body)) as? [String: Any])
        XCTAssertEqual(json["status"] as? String, "finished")
        XCTAssertEqual((json["results"] as? [Any])?.count, 3, "Frankfurt has one probe, Tokyo two (one failed)")
        // The stand-in answers in-progress twice, identically: the second poll is a 304 thanks to If-None-Match.
        XCTAssertEqual(measurement.polls, 3, "never polled faster than the API allows (no 429 round trips)")
        XCTAssertEqual(measurement.notModified, 1)
        XCTAssertEqual(measurement.rateLimit?.limit, 250)

        let requests = server.requests
        let create = try XCTUnwrap(requests.first { $0.method == "POST" }?.json)
        XCTAssertEqual(create["type"] as? String, "mtr", "-q 3 asks for mtr, whose hops carry statistics")
        XCTAssertEqual(create["target"] as? String, "example.com")
        let locations = try XCTUnwrap(create["locations"] as? [[String: Any]])
        XCTAssertEqual(locations.map { $0["magic"] as? String }, ["Frankfurt", "Tokyo"])
        XCTAssertEqual(locations.map { $0["limit"] as? Int }, [2, 2])
        XCTAssertEqual((create["measurementOptions"] as? [String: Any])?["packets"] as? Int, 3)
        let polls = requests.filter { $0.method == "GET" }
        XCTAssertNil(polls.first?.header("If-None-Match"))
        XCTAssertNotNil(polls.last?.header("If-None-Match"), "later polls send the ETag back")
        XCTAssertTrue(requests.allSatisfy { $0.header("Authorization") == nil }, "anonymous without a token")
        XCTAssertTrue(requests.allSatisfy { $0.header("User-Agent")?.hasPrefix("tracemap/") == true })
    }

    func testPollingTooFastIsSlowedByRetryAfter() async throws {
        var client = client()
        client.pollInterval = .zero
        let measurement = try await client.run(GlobalpingRequest(locations: ["Frankfurt"], target: "example.com"))
        XCTAssertGreaterThan(measurement.polls, 3, "the stand-in answered 429 + Retry-After to a poll within 450 ms")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(measurement.body)) as? [String: Any])
        XCTAssertEqual(json["status"] as? String, "finished", "and the client waited it out and finished")
    }

    func testOneQueryAsksForATracerouteAndTheTokenIsSent() async throws {
        let request = GlobalpingRequest(locations: ["Frankfurt"], target: "198.51.100.7", protocolName: "TCP",
                                        port: 443, ipVersion: 4, packets: 1)
        _ = try await client(token: "gp-token-0123456789").run(request)
        let create = try XCTUnwrap(server.requests.first { $0.method == "POST" })
        let body = try XCTUnwrap(create.json)
        XCTAssertEqual(body["type"] as? String, "traceroute")
        let options = try XCTUnwrap(body["measurementOptions"] as? [String: Any])
        XCTAssertEqual(options["protocol"] as? String, "TCP")
        XCTAssertEqual(options["port"] as? Int, 443)
        XCTAssertNil(options["ipVersion"], "Globalping takes ipVersion only for a host name")
        XCTAssertEqual(create.header("Authorization"), "Bearer gp-token-0123456789")
    }

    func testNoProbesFoundIsOneClearError() async throws {
        let request = GlobalpingRequest(locations: ["Atlantis"], target: "example.com")
        do {
            _ = try await client().run(request)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .noProbes(engine: .globalping, message: "No suitable probes found."))
            XCTAssertEqual(error.description, "Globalping: no probes found: No suitable probes found.")
            XCTAssertEqual(error.exitStatus, .remote)
        }
    }

    func testSpentHourlyLimitSaysSoWithTheHeaders() async throws {
        do {
            _ = try await client().run(GlobalpingRequest(locations: ["Frankfurt"], target: "limit.example"))
            XCTFail("expected an error")
        } catch {
            guard case .rateLimited(_, _, let limit) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(limit?.remaining, 0)
            XCTAssertEqual(limit?.limit, 250)
            XCTAssertTrue(error.description.contains("0 of 250 tests left this hour, resets in 40 min"),
                          error.description)
            XCTAssertTrue(error.description.contains("GLOBALPING_TOKEN"), error.description)
        }
    }

    func testRejectedTokenIsAPermissionError() async throws {
        do {
            _ = try await client(token: "invalid-token").run(GlobalpingRequest(locations: ["Frankfurt"],
                                                                              target: "example.com"))
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.exitStatus, .noPermission)
            XCTAssertTrue(error.description.hasPrefix("Globalping refused the credentials (HTTP 401)"), error.description)
            XCTAssertFalse(error.description.contains("invalid-token"), "the token never shows")
        }
    }

    func testServerFailuresAreRetried() async throws {
        // flaky.example: the first POST answers 503, the first poll 500; both are retried with backoff.
        let measurement = try await client().run(GlobalpingRequest(locations: ["Frankfurt"], target: "flaky.example"))
        XCTAssertFalse(measurement.body.isEmpty)
        XCTAssertEqual(server.requests.filter { $0.method == "POST" }.count, 2)
    }

    func testMalformedBodyIsReported() async throws {
        do {
            _ = try await client().run(GlobalpingRequest(locations: ["Frankfurt"], target: "garbage.example"))
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .malformed(engine: .globalping, detail: "the 202 answer has no measurement id"))
        }
    }

    func testEchoedSecretIsRemovedFromErrorsAndLogs() async throws {
        let secret = "gp-secret-token-42"
        let lines = LockedLines()
        var policy = RetryPolicy()
        policy.firstBackoff = .milliseconds(10)
        http = RemoteHTTP(policy: policy, secrets: Secrets([secret]), log: { lines.append($0) })
        let client = GlobalpingClient(http: http, baseURL: server.url, token: secret)
        do {
            _ = try await client.run(GlobalpingRequest(locations: ["Frankfurt"], target: "echo.example"))
            XCTFail("expected an error")
        } catch {
            XCTAssertTrue(error.description.contains("Bearer ***"), error.description)
            XCTAssertFalse(error.description.contains(secret))
        }
        XCTAssertFalse(lines.all.isEmpty, "the debug log saw the request")
        XCTAssertTrue(lines.all.contains { $0.contains("Authorization: ***") }, lines.all.joined(separator: "\n"))
        XCTAssertFalse(lines.all.contains { $0.contains(secret) })
    }

    func testNoNetworkFailsAtOnceWithOneLine() async throws {
        let port = StandInServer.closedPort()
        http = RemoteHTTP(secrets: Secrets([]))
        let client = GlobalpingClient(http: http, baseURL: "http://127.0.0.1:\(port)", token: nil)
        do {
            _ = try await client.run(GlobalpingRequest(locations: ["Frankfurt"], target: "example.com"))
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .unreachable(host: "127.0.0.1:\(port)", reason: "connection refused"))
            XCTAssertEqual(error.description, "cannot reach 127.0.0.1:\(port): connection refused")
            XCTAssertEqual(error.exitStatus, .network)
        }
    }
}

/// Lines collected from a `@Sendable` log callback.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
