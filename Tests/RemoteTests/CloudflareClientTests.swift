import Foundation
import TracemapModel
@testable import TracemapRemote
import XCTest

final class CloudflareClientTests: XCTestCase {
    var server: StandInServer!
    var http: RemoteHTTP!

    override func setUpWithError() throws {
        server = try StandInServer()
    }

    override func tearDown() {
        server?.stop()
    }

    func client(token: String? = "cf-token-0123456789", account: String? = "023e105f4ecef8ad9ca31a8372d0c353")
        -> CloudflareClient {
        var policy = RetryPolicy()
        policy.firstBackoff = .milliseconds(50)
        http = RemoteHTTP(policy: policy, secrets: Secrets([token]))
        return CloudflareClient(http: http, baseURL: server.url, token: token, account: account)
    }

    func testColosTraceAndPerColoErrorsAreKept() async throws {
        var request = CloudflareRequest(targets: ["example.com", "198.51.100.7"], colos: ["FRA", "PEK"])
        request.packetType = "gre+icmp"
        request.packetsPerTTL = 2
        request.maxTTL = 20
        request.waitTime = 2
        let result = try await client().run(request)
        XCTAssertEqual(result.traceCount, 2, "FRA for both targets")
        XCTAssertEqual(result.coloErrors.map(\.colo), ["PEK", "PEK"])
        XCTAssertEqual(result.coloErrors.first?.message, "Could not gather traceroute data: Code 2")

        let post = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(post.path, "/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/diagnostics/traceroute")
        XCTAssertEqual(post.header("Authorization"), "Bearer cf-token-0123456789")
        let body = try XCTUnwrap(post.json)
        XCTAssertEqual(body["targets"] as? [String], ["example.com", "198.51.100.7"])
        XCTAssertEqual(body["colos"] as? [String], ["FRA", "PEK"])
        let options = try XCTUnwrap(body["options"] as? [String: Any])
        XCTAssertEqual(options["packet_type"] as? String, "gre+icmp")
        XCTAssertEqual(options["packets_per_ttl"] as? Int, 2)
        XCTAssertEqual(options["max_ttl"] as? Int, 20)
        XCTAssertEqual(options["wait_time"] as? Int, 2)
    }

    func testShortRetryAfterIsWaitedOutOnce() async throws {
        let result = try await client().run(CloudflareRequest(targets: ["busy.example"], colos: ["FRA"]))
        XCTAssertEqual(result.traceCount, 1)
        XCTAssertEqual(server.requests.count, 2, "the 429, then the same request again")
    }

    func testCredentialsAreRequiredAndChecked() async throws {
        let request = CloudflareRequest(targets: ["example.com"], colos: [])
        do {
            _ = try await client(token: nil).run(request)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .missingCredential(engine: .cloudflare, variable: "CLOUDFLARE_API_TOKEN"))
        }
        do {
            _ = try await client(account: nil).run(request)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .missingCredential(engine: .cloudflare, variable: "CLOUDFLARE_ACCOUNT_ID"))
        }
        do {
            _ = try await client(token: "invalid-token").run(request)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .unauthorized(engine: .cloudflare, status: 403,
                                                message: "Authentication error (code 10000)"))
        }
    }

    func testLimitsAreCheckedBeforeSending() async throws {
        var request = CloudflareRequest(targets: (1...11).map { "host\($0).example" }, colos: [])
        await XCTAssertThrowsRemote(try await client().run(request), .usage)
        request = CloudflareRequest(targets: ["example.com"], colos: [])
        request.packetType = "sctp"
        await XCTAssertThrowsRemote(try await client().run(request), .usage)
        XCTAssertTrue(server.requests.isEmpty)
    }

    func testMalformedAndEchoedAnswers() async throws {
        do {
            _ = try await client().run(CloudflareRequest(targets: ["garbage.example"], colos: []))
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .malformed(engine: .cloudflare, detail: "body is not JSON"))
        }
        do {
            _ = try await client().run(CloudflareRequest(targets: ["echo.example"], colos: []))
            XCTFail("expected an error")
        } catch {
            XCTAssertFalse(error.description.contains("cf-token-0123456789"), error.description)
            XCTAssertTrue(error.description.contains("Bearer ***"), error.description)
        }
    }
}

func XCTAssertThrowsRemote<T>(_ expression: @autoclosure () async throws -> T, _ status: ExitStatus,
                              file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await expression()
        XCTFail("expected an error", file: file, line: line)
    } catch let error as RemoteError {
        XCTAssertEqual(error.exitStatus, status, "\(error)", file: file, line: line)
    } catch {
        XCTFail("unexpected \(error)", file: file, line: line)
    }
}
