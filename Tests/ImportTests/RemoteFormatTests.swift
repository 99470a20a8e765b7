import XCTest
import TracemapModel
import TracemapReport
@testable import TracemapImport

/// RIPE Atlas, Globalping and Cloudflare files: what a user reads from them.
final class RemoteFormatTests: XCTestCase {
    func testAtlasArrayIsOneTracePerProbe() throws {
        let file = try Fixture.read("atlas-two-probes.json")
        XCTAssertEqual(file.format, .atlas)
        XCTAssertEqual(file.traces.map(\.label), ["probe 6012", "probe 1001"])
        let first = file.traces[0].document
        XCTAssertEqual(first.meta.method, .imported)
        XCTAssertEqual(first.meta.vantage?.engine, "ripe-atlas")
        XCTAssertEqual(first.meta.vantage?.address, IPAddress("198.51.100.77"))
        XCTAssertEqual(first.meta.target.name, "dest.example")
        XCTAssertEqual(first.meta.startedAt, Date(timeIntervalSince1970: 1764440400))
        XCTAssertTrue(first.reached)
        XCTAssertEqual(first.hops.map(\.ttl), [1, 2, 3, 4, 5])
        XCTAssertTrue(first.hops[1].silent, "three x:* make a silent hop")
        XCTAssertEqual(first.hops[2].lost, 1)
        XCTAssertEqual(first.hops[2].responders.first?.mpls.first?.label, 24001, "icmpext MPLS label kept")
        XCTAssertEqual(Set(first.hops[3].responders.map(\.address.description)), ["198.51.100.9", "198.51.100.13"],
                       "two responders at one TTL: an ECMP set")
        XCTAssertEqual(first.hops[4].responders.first?.kind, .echoReply)
        XCTAssertEqual(first.hops[4].responders.first?.figures.worst, 15.88)
    }

    func testAtlasUnreachableEndsThePath() throws {
        let trace = try Fixture.read("atlas-two-probes.json").traces[1]
        XCTAssertFalse(trace.document.reached)
        XCTAssertEqual(trace.document.meta.protocolKind, .udp)
        let hop2 = try XCTUnwrap(trace.document.hops.first { $0.ttl == 2 })
        XCTAssertEqual(hop2.responders.first?.kind, .unreachable)
        XCTAssertEqual(trace.document.probes.first { $0.ttl == 2 }?.reply?.code, 1, "err H is host unreachable")
    }

    func testAtlasJSONLinesAndHopErrors() throws {
        let file = try Fixture.read("atlas-lines.jsonl")
        XCTAssertEqual(file.format, .atlas)
        XCTAssertEqual(file.traces.count, 2)
        XCTAssertTrue(file.traces[0].document.reached)
        XCTAssertEqual(file.traces[0].document.meta.target.address.family, .v6)
        XCTAssertEqual(file.traces[1].notes, ["hop 1: sendto failed: Network is unreachable"])
    }

    func testGlobalpingTracerouteProbesWithLocations() throws {
        let file = try Fixture.read("globalping-traceroute.json")
        XCTAssertEqual(file.format, .globalping)
        XCTAssertEqual(file.traces.map(\.label),
                       ["probe 1 (Frankfurt, DE) Deutsche Telekom AG",
                        "probe 2 (New York, US) Comcast Cable Communications, LLC"])
        let document = file.traces[0].document
        XCTAssertEqual(document.meta.vantage?.city, "Frankfurt")
        XCTAssertEqual(document.meta.vantage?.asn, 3320)
        XCTAssertEqual(document.meta.vantage?.latitude, 50.11)
        XCTAssertEqual(document.meta.startedAt.timeIntervalSince1970, 1764439200.25, accuracy: 0.001)
        XCTAssertEqual(document.meta.target.address, IPAddress("203.0.113.10"))
        XCTAssertTrue(document.reached)
        XCTAssertEqual(document.hops.count, 4)
        XCTAssertTrue(document.hops[1].silent, "a hop without an address is silent")
        XCTAssertEqual(document.hops[2].lost, 1, "one timing of two: one probe lost")
        XCTAssertEqual(document.hops[0].responders.first?.info?.hostname, "gw.example")
        XCTAssertNil(document.hops[2].responders.first?.info, "a name equal to the address is no name")
        XCTAssertTrue(file.traces[1].document.hops[1].silent, "\"*\" is silent too")
    }

    func testGlobalpingMTRUsesStatsAndASN() throws {
        let document = try XCTUnwrap(Fixture.read("globalping-mtr.json").traces.first?.document)
        XCTAssertEqual(document.hops.map(\.sent), [3, 3, 3, 3])
        XCTAssertEqual(document.hops[2].lost, 1, "a null rtt is a lost packet")
        XCTAssertEqual(document.hops[2].responders.first?.info?.asn?.number, 64500)
        XCTAssertEqual(document.hops[2].responders.first?.info?.hostname, "core1.example.net")
        XCTAssertTrue(document.reached)
        XCTAssertEqual(document.meta.vantage?.country, "JP")
    }

    func testCloudflareTargetsTimesColos() throws {
        let file = try Fixture.read("cloudflare.json")
        XCTAssertEqual(file.format, .cloudflare)
        XCTAssertEqual(file.traces.map(\.label),
                       ["colo FRA → 203.0.113.10", "colo SIN → 203.0.113.10", "colo FRA → 198.51.100.200"])
        let fra = file.traces[0].document
        XCTAssertEqual(fra.meta.vantage?.engine, "cloudflare")
        XCTAssertEqual(fra.meta.vantage?.city, "Frankfurt, Germany")
        XCTAssertTrue(fra.reached)
        XCTAssertTrue(fra.hops[1].silent)
        XCTAssertEqual(fra.hops[2].responders.map(\.replies), [2, 1])
        XCTAssertEqual(fra.hops[2].responders[0].sharePercent, 200.0 / 3, accuracy: 0.01)
        XCTAssertEqual(fra.hops[2].responders[0].info?.asn?.number, 64500)
        XCTAssertEqual(fra.hops[3].responders[0].figures.mean, 7.9)
        let sin = file.traces[1]
        XCTAssertTrue(sin.document.hops.isEmpty)
        XCTAssertEqual(sin.notes, ["colo SIN: Could not gather traceroute data: Code 2"])
        XCTAssertEqual(file.traces[2].document.hops[1].lost, 1)
    }

    func testCloudflareBareResultArray() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("cloudflare.json")))
        let envelope = try XCTUnwrap(JSONValue.parse(data))
        let bare = try JSONEncoder().encode(JSONEncodable(envelope["result"]!))
        let file = try TraceImporter.parse(bare, name: "api")
        XCTAssertEqual(file.format, .cloudflare)
        XCTAssertEqual(file.traces.count, 3)
    }

    func testCloudflareFailedCallSaysWhy() {
        let data = Data(#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"result":null}"#.utf8)
        XCTAssertThrowsError(try TraceImporter.parse(data, format: .cloudflare, name: "cf.json")) { error in
            XCTAssertEqual("\(error)", "cf.json: not a valid Cloudflare diagnostics traceroute file: "
                           + "the API call failed: Authentication error")
        }
    }

    func testUnknownContentNamesWhatWasExpected() {
        for text in [#"{"hello":"world"}"#, "traceroute to x\n 1 a\n", ""] {
            XCTAssertThrowsError(try TraceImporter.parse(Data(text.utf8), name: "x.txt")) { error in
                guard case ImportError.unrecognised = error else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".hasPrefix("x.txt: not a trace file: expected tracemap JSON"))
                XCTAssertEqual((error as? ImportError)?.exitStatus, .badInput)
            }
        }
    }
}

/// Writes a `JSONValue` back out (tests only).
struct JSONEncodable: Encodable {
    var value: JSONValue
    init(_ value: JSONValue) { self.value = value }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch value {
        case .null: try c.encodeNil()
        case .bool(let v): try c.encode(v)
        case .number(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .array(let v): try c.encode(v.map(JSONEncodable.init))
        case .object(let v): try c.encode(v.mapValues(JSONEncodable.init))
        }
    }
}
