import Foundation
import TracemapModel
@testable import TracemapRemote
import XCTest

final class AtlasClientTests: XCTestCase {
    var server: StandInServer!
    var http: RemoteHTTP!

    override func setUpWithError() throws {
        server = try StandInServer()
    }

    override func tearDown() {
        server?.stop()
    }

    func client(key: String?) -> AtlasClient {
        var policy = RetryPolicy()
        policy.firstBackoff = .milliseconds(50)
        http = RemoteHTTP(policy: policy, secrets: Secrets([key]))
        var client = AtlasClient(http: http, baseURL: server.url, key: key)
        client.pollInterval = .milliseconds(20)
        return client
    }

    func testProbeSpecsParse() throws {
        XCTAssertEqual(try AtlasProbeSpec(parsing: "country:de:3"), AtlasProbeSpec(type: "country", value: "DE", requested: 3))
        XCTAssertEqual(try AtlasProbeSpec(parsing: "DE"), AtlasProbeSpec(type: "country", value: "DE", requested: 1))
        XCTAssertEqual(try AtlasProbeSpec(parsing: "AS3320:5"), AtlasProbeSpec(type: "asn", value: "3320", requested: 5))
        XCTAssertEqual(try AtlasProbeSpec(parsing: "asn:AS3320"), AtlasProbeSpec(type: "asn", value: "3320", requested: 1))
        XCTAssertEqual(try AtlasProbeSpec(parsing: "area:ww:10"), AtlasProbeSpec(type: "area", value: "WW", requested: 10))
        XCTAssertEqual(try AtlasProbeSpec(parsing: "North-Central"),
                       AtlasProbeSpec(type: "area", value: "North-Central", requested: 1))
        XCTAssertEqual(try AtlasProbeSpec(parsing: "prefix:193.0.0.0/16:2"),
                       AtlasProbeSpec(type: "prefix", value: "193.0.0.0/16", requested: 2))
        XCTAssertEqual(try AtlasProbeSpec(parsing: "prefix:2001:db8::/32"),
                       AtlasProbeSpec(type: "prefix", value: "2001:db8::/32", requested: 1))
        XCTAssertEqual(try AtlasProbeSpec(parsing: "probes:6001,6002"),
                       AtlasProbeSpec(type: "probes", value: "6001,6002", requested: 2))
        XCTAssertEqual(try AtlasProbeSpec(parsing: "6001"), AtlasProbeSpec(type: "probes", value: "6001", requested: 1))
        for bad in ["", "country:Germany", "asn:x", "area:Mars", "prefix:10.0.0.0", "probes:a,b", "nowhere:1",
                    "country:DE:0"] {
            XCTAssertThrowsError(try AtlasProbeSpec(parsing: bad), bad) { error in
                XCTAssertEqual((error as? RemoteError)?.exitStatus, .usage, bad)
            }
        }
    }

    func testOneOffTracerouteIsCreatedAndWaitedFor() async throws {
        var request = AtlasTracerouteRequest(target: "example.com", probes: [try AtlasProbeSpec(parsing: "NL:3")])
        request.packets = 2
        let results = try await client(key: "atlas-key-0123456789").run(request)
        XCTAssertEqual(results.resultCount, 3, "every scheduled probe answered")
        XCTAssertEqual(results.probesScheduled, 3)
        XCTAssertEqual(Set(results.probes.keys), [6001, 6002, 6003])
        XCTAssertEqual(results.probes[6001]?.country, "NL")
        XCTAssertEqual(results.probes[6001]?.asnV4, 64510)
        XCTAssertEqual(results.probes[6002]?.latitude, 37.77)

        let create = try XCTUnwrap(server.requests.first { $0.method == "POST" })
        XCTAssertEqual(create.header("Authorization"), "Key atlas-key-0123456789")
        let body = try XCTUnwrap(create.json)
        XCTAssertEqual(body["is_oneoff"] as? Bool, true)
        let definition = try XCTUnwrap((body["definitions"] as? [[String: Any]])?.first)
        XCTAssertEqual(definition["type"] as? String, "traceroute")
        XCTAssertEqual(definition["af"] as? Int, 4)
        XCTAssertEqual(definition["packets"] as? Int, 2)
        let probes = try XCTUnwrap(body["probes"] as? [[String: Any]])
        XCTAssertEqual(probes.first?["type"] as? String, "country")
        XCTAssertEqual(probes.first?["value"] as? String, "NL")
        XCTAssertEqual(probes.first?["requested"] as? Int, 3)
    }

    func testThrottledResultsAreWaitedFor() async throws {
        let results = try await client(key: "atlas-key-0123456789").run(
            AtlasTracerouteRequest(target: "busy.example", probes: [try AtlasProbeSpec(parsing: "NL:2")]))
        XCTAssertEqual(results.resultCount, 2, "a 429 with Retry-After: 1 is waited out, not an error")
    }

    func testCreatingNeedsAKey() async throws {
        do {
            _ = try await client(key: nil).run(AtlasTracerouteRequest(target: "example.com",
                                                                      probes: [try AtlasProbeSpec(parsing: "NL")]))
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .missingCredential(engine: .atlas, variable: "RIPE_ATLAS_KEY"))
            XCTAssertEqual(error.exitStatus, .noPermission)
        }
        XCTAssertTrue(server.requests.isEmpty, "nothing is sent without a key")
    }

    func testRefusedKeyUsesAtlasEnvelope() async throws {
        do {
            _ = try await client(key: "invalid-token").run(AtlasTracerouteRequest(
                target: "example.com", probes: [try AtlasProbeSpec(parsing: "NL")]))
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .unauthorized(engine: .atlas, status: 403,
                                                message: "The provided API key does not exist."))
        }
    }

    func testNoSuitableProbes() async throws {
        do {
            _ = try await client(key: "atlas-key-0123456789").run(AtlasTracerouteRequest(
                target: "example.com", probes: [try AtlasProbeSpec(parsing: "country:AQ:2")]))
            XCTFail("expected an error")
        } catch {
            guard case .noProbes = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("country AQ"), error.description)
        }
    }

    func testPublicArchiveIsReadWithoutKeyAndFiltered() async throws {
        let client = client(key: nil)
        let filtered = try await client.read(5001, probeIDs: [6001, 6002], start: 1_764_000_600)
        XCTAssertEqual(filtered.resultCount, 2, "two probes, the second round only")
        XCTAssertEqual(filtered.target, "example.com")
        let latest = try await client.read(5001)
        XCTAssertEqual(latest.resultCount, 3, "a periodic measurement without --start/--stop: each probe's latest")
        let paths = server.requests.map(\.path)
        XCTAssertTrue(paths.contains { $0.contains("/results/") && $0.contains("probe_ids=6001,6002")
            && $0.contains("start=1764000600") }, "\(paths)")
        XCTAssertTrue(paths.contains { $0.contains("/api/v2/measurements/5001/latest/") }, "\(paths)")
        XCTAssertTrue(server.requests.allSatisfy { $0.header("Authorization") == nil })
    }

    func testUnknownMeasurementIsRejectedInAtlasWords() async throws {
        do {
            _ = try await client(key: nil).read(4242)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error, .rejected(engine: .atlas, status: 404,
                                            message: "No Measurement matches the given query."))
        }
    }
}
