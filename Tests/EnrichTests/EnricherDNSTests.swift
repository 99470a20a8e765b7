import Foundation
import TracemapModel
import XCTest
@testable import TracemapEnrich

/// The enricher against real DNS servers on loopback: Debian's dnsmasq serving PTR and Team Cymru-style TXT
/// records, and a socket that never answers. Only documentation addresses are looked up.
final class EnricherDNSTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory.remove()
    }

    private static let fra = IPAddress("192.0.2.7")!
    private static let tyo = IPAddress("2001:db8::1")!
    private static let nowhere = IPAddress("198.51.100.99")!

    private func startServer() throws -> Dnsmasq {
        try Dnsmasq(
            ptr: ["192.0.2.7": "router1.fra.example.net", "2001:db8::1": "core1.tyo.example.net",
                  "10.0.0.1": "gateway.lan.example"],
            txt: [
                "7.2.0.192.origin.asn.cymru.com": "64500 | 192.0.2.0/24 | DE | ripencc | 2001-01-01",
                ReverseNameForTests.pointer("2001:db8::1").replacingOccurrences(of: ".ip6.arpa", with: "")
                    + ".origin6.asn.cymru.com": "64503 | 2001:db8::/32 | JP | apnic | 2001-01-01",
                "AS64500.asn.cymru.com": "64500 | DE | ripencc | 2001-01-01 | EXAMPLE-FRA Example Frankfurt, DE",
                "AS64503.asn.cymru.com": "64503 | JP | apnic | 2001-01-01 | EXAMPLE-TYO Example Tokyo, JP",
            ],
            in: directory)
    }

    private func options(_ profile: EnrichmentProfile = .default, server: String,
                         overrides: EnrichmentOverrides = EnrichmentOverrides()) -> EnrichmentOptions {
        var options = EnrichmentOptions(profile: profile, overrides: overrides)
        options.resolver = ResolverEndpoint(parsing: server)
        options.cacheDirectory = directory.file("cache")
        options.lookupSpecialAddresses = true
        options.geo = false
        return options
    }

    func testReverseDNSAndTeamCymruFromARealServerThenFromTheCache() async throws {
        let server = try startServer()
        defer { server.stop() }
        let enricher = Enricher(options: options(server: server.endpoint))

        // The first answer is immediate and knows only the class.
        let first = await enricher.info(for: Self.fra)
        XCTAssertEqual(first, HostInfo(addressClass: .documentation))

        let infos = await enricher.resolve([Self.fra, Self.tyo, Self.nowhere], timeout: .seconds(5))
        XCTAssertEqual(infos[Self.fra]?.hostname, "router1.fra.example.net")
        XCTAssertEqual(infos[Self.fra]?.asn, ASNInfo(number: 64500, organization: "EXAMPLE-FRA Example Frankfurt, DE",
                                                     prefix: "192.0.2.0/24"))
        XCTAssertEqual(infos[Self.tyo]?.hostname, "core1.tyo.example.net")
        XCTAssertEqual(infos[Self.tyo]?.asn?.number, 64503)
        XCTAssertEqual(infos[Self.tyo]?.asn?.organization, "EXAMPLE-TYO Example Tokyo, JP")
        XCTAssertEqual(infos[Self.nowhere], HostInfo(addressClass: .documentation))
        let warnings = await enricher.warnings
        XCTAssertEqual(warnings, [])
        // Later calls answer from memory.
        let again = await enricher.info(for: Self.fra)
        XCTAssertEqual(again.hostname, "router1.fra.example.net")

        let queries = server.queries
        XCTAssertEqual(queries.filter { $0.hasPrefix("PTR ") }.count, 3, "\(queries)")
        XCTAssertEqual(queries.filter { $0.contains("origin") }.count, 3, "\(queries)")
        XCTAssertEqual(Set(queries.filter { $0.hasSuffix(".asn.cymru.com") && $0.contains(" AS") }),
                       ["TXT AS64500.asn.cymru.com", "TXT AS64503.asn.cymru.com"])
        XCTAssertEqual(queries.count, 8, "\(queries)")

        // A new run with the same cache asks nothing, answers and "there is none" alike.
        let second = Enricher(options: options(server: server.endpoint))
        let cached = await second.resolve([Self.fra, Self.tyo, Self.nowhere], timeout: .seconds(5))
        XCTAssertEqual(cached, infos)
        XCTAssertEqual(server.queries.count, 8, "\(server.queries)")
        let stats = try LookupCache(directory: directory.file("cache")).stats()
        XCTAssertEqual(stats[.dns]?.entries, 3)
        XCTAssertEqual(stats[.dns]?.negativeEntries, 1)
        XCTAssertEqual(stats[.dns]?.hits, 3)
        XCTAssertEqual(stats[.asn]?.hits, 3)
    }

    func testOfflineAndPrivateSendNothing() async throws {
        let server = try startServer()
        defer { server.stop() }
        for profile in [EnrichmentProfile.offline, .private] {
            let enricher = Enricher(options: options(profile, server: server.endpoint))
            let infos = await enricher.resolve([Self.fra, Self.tyo, IPAddress("10.0.0.1")!], timeout: .seconds(1))
            XCTAssertNil(infos[Self.fra]?.hostname)
            XCTAssertNil(infos[Self.fra]?.asn)
        }
        XCTAssertEqual(server.queries, [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.file("cache")),
                       "no cache file without network lookups")
    }

    func testFastSkipsReverseDNS() async throws {
        let server = try startServer()
        defer { server.stop() }
        let enricher = Enricher(options: options(.fast, server: server.endpoint))
        let infos = await enricher.resolve([Self.fra], timeout: .seconds(5))
        XCTAssertNil(infos[Self.fra]?.hostname)
        XCTAssertEqual(infos[Self.fra]?.asn?.number, 64500)
        XCTAssertEqual(server.queries.filter { $0.hasPrefix("PTR") }, [])
    }

    func testPrivateProfileRedactsHostnamesAndTheTargetWithTokensThatDifferPerRun() async throws {
        let server = try startServer()
        defer { server.stop() }
        let overrides = EnrichmentOverrides(reverseDNS: true)
        let first = Enricher(options: options(.private, server: server.endpoint, overrides: overrides))
        let second = Enricher(options: options(.private, server: server.endpoint, overrides: overrides))
        let infos = await first.resolve([Self.fra], timeout: .seconds(5))
        let hostname = try XCTUnwrap(infos[Self.fra]?.hostname)
        XCTAssertFalse(hostname.contains("example"), hostname)
        let redactor = try XCTUnwrap(first.redactor)
        XCTAssertEqual(hostname, redactor.token(for: "router1.fra.example.net"))
        // The target, by name and by address, goes through the same redactor.
        let target = redactor.token(for: "www.example.net")
        XCTAssertEqual(redactor.token(for: "www.example.net"), target)
        XCTAssertNotEqual(try XCTUnwrap(second.redactor).token(for: "www.example.net"), target)
        XCTAssertNotEqual(try XCTUnwrap(second.redactor).token(for: Self.fra), redactor.token(for: Self.fra))
        let secondInfos = await second.resolve([Self.fra], timeout: .seconds(5))
        XCTAssertNotEqual(secondInfos[Self.fra]?.hostname, hostname)
        // Without the override, private asks nothing.
        XCTAssertNil(Enricher(options: options(server: server.endpoint)).redactor)
    }

    func testSpecialAddressesStayHomeUnlessAllowed() async throws {
        let server = try startServer()
        defer { server.stop() }
        var options = options(server: server.endpoint)
        options.lookupSpecialAddresses = false
        let enricher = Enricher(options: options)
        let lan = IPAddress("10.0.0.1")!
        let infos = await enricher.resolve([Self.fra, lan, IPAddress("100.64.0.1")!], timeout: .seconds(5))
        // The resolver is on loopback, so it may learn about a private address (never Team Cymru); a
        // documentation address goes nowhere.
        XCTAssertEqual(infos[lan]?.hostname, "gateway.lan.example")
        XCTAssertNil(infos[Self.fra]?.hostname)
        XCTAssertEqual(Set(server.queries), ["PTR 1.0.0.10.in-addr.arpa", "PTR 1.0.64.100.in-addr.arpa"],
                       "\(server.queries)")
    }

    func testASilentServerNeverDelaysInfoAndBoundsResolve() async throws {
        let silent = SilentResolver()
        defer { silent.stop() }
        var options = options(server: silent.endpoint)
        options.maxConcurrentQueries = 4
        let enricher = Enricher(options: options)
        let addresses = (1...60).map { IPAddress("198.51.100.\($0)")! }

        let clock = ContinuousClock()
        let infoTime = await clock.measure {
            for address in addresses { _ = await enricher.info(for: address) }
        }
        // Sixty first sightings start 120 lookups; a query alone may take 2 s here, so well under that means no
        // wait (the bound leaves room for a loaded CI machine).
        XCTAssertLessThan(infoTime, .milliseconds(500), "info(for:) waited")

        let resolveTime = await clock.measure {
            let infos = await enricher.resolve(addresses, timeout: .milliseconds(200))
            XCTAssertEqual(infos.count, 60)
            XCTAssertTrue(infos.values.allSatisfy { $0.hostname == nil && $0.asn == nil })
        }
        XCTAssertGreaterThanOrEqual(resolveTime, .milliseconds(195))
        XCTAssertLessThan(resolveTime, .milliseconds(700), "resolve overran its timeout")
    }

    func testQueryTimeoutGivesOneWarning() async throws {
        let silent = SilentResolver()
        defer { silent.stop() }
        var options = options(server: silent.endpoint)
        options.queryTimeout = .milliseconds(150)
        let enricher = Enricher(options: options)
        let infos = await enricher.resolve([Self.fra, Self.tyo], timeout: .seconds(2))
        XCTAssertNil(infos[Self.fra]?.hostname)
        let warnings = await enricher.warnings
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(warnings[0].contains("did not answer"), warnings[0])
    }

    func testAClosedPortFailsFast() async throws {
        // Nothing listens: the kernel's port unreachable ends the queries at once (ECONNREFUSED).
        let enricher = Enricher(options: options(server: "127.0.0.1:\(freeUDPPort())"))
        let clock = ContinuousClock()
        let elapsed = await clock.measure {
            _ = await enricher.resolve([Self.fra], timeout: .seconds(3))
        }
        // Well before the 3 s the caller allowed: the refusal ends the wait, not the timeout.
        XCTAssertLessThan(elapsed, .milliseconds(2500))
        let warnings = await enricher.warnings
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(warnings.first?.contains("Connection refused") == true, "\(warnings)")
    }
}
