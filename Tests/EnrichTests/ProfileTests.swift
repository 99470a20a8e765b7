import TracemapModel
import XCTest
@testable import TracemapEnrich

final class ProfileTests: XCTestCase {
    func testProfilesMapOntoOptions() {
        let standard = EnrichmentOptions(profile: .default)
        XCTAssertTrue(standard.reverseDNS && standard.geo && standard.networkLookups && !standard.redact)
        XCTAssertEqual(standard.asnSource, .automatic)
        XCTAssertFalse(standard.lookupSpecialAddresses)

        let offline = EnrichmentOptions(profile: .offline)
        XCTAssertFalse(offline.networkLookups)
        XCTAssertFalse(offline.reverseDNS)
        XCTAssertTrue(offline.geo)
        XCTAssertEqual(offline.asnSource, .automatic)

        let privacy = EnrichmentOptions(profile: .private)
        XCTAssertFalse(privacy.networkLookups || privacy.reverseDNS || privacy.geo)
        XCTAssertEqual(privacy.asnSource, .off)
        XCTAssertTrue(privacy.redact)

        let fast = EnrichmentOptions(profile: .fast)
        XCTAssertFalse(fast.reverseDNS)
        XCTAssertTrue(fast.networkLookups && fast.geo)
    }

    func testExplicitFlagsWinOverTheProfile() {
        let fastWithDNS = EnrichmentOptions(profile: .fast, overrides: EnrichmentOverrides(reverseDNS: true))
        XCTAssertTrue(fastWithDNS.reverseDNS)
        // Asking for reverse DNS under offline turns network lookups on…
        let offlineWithDNS = EnrichmentOptions(profile: .offline, overrides: EnrichmentOverrides(reverseDNS: true))
        XCTAssertTrue(offlineWithDNS.reverseDNS && offlineWithDNS.networkLookups)
        // …unless they are refused explicitly too.
        let refused = EnrichmentOptions(profile: .offline,
                                        overrides: EnrichmentOverrides(reverseDNS: true, networkLookups: false))
        XCTAssertFalse(refused.networkLookups)
        let privateWithGeo = EnrichmentOptions(profile: .private, overrides: EnrichmentOverrides(geo: true))
        XCTAssertTrue(privateWithGeo.geo && privateWithGeo.redact && !privateWithGeo.networkLookups)
        let unredacted = EnrichmentOptions(profile: .private, overrides: EnrichmentOverrides(redact: false))
        XCTAssertFalse(unredacted.redact)
        let noASN = EnrichmentOptions(overrides: EnrichmentOverrides(asnSource: .off))
        XCTAssertEqual(noASN.asnSource, .off)
    }

    func testRedactorTokensAreStableWithinARunAndDifferAcrossRuns() {
        let first = Redactor(), second = Redactor()
        let address = IPAddress("192.0.2.1")!
        let token = first.token(for: address)
        XCTAssertTrue(token.wholeMatch(of: /host-[0-9a-f]{6}/) != nil, token)
        XCTAssertEqual(first.token(for: address), token)
        XCTAssertEqual(first.token(for: IPAddress("192.0.2.1")!), token)
        XCTAssertNotEqual(first.token(for: IPAddress("192.0.2.2")!), token)
        XCTAssertNotEqual(second.token(for: address), token)
        XCTAssertEqual(first.token(for: "Example.NET."), first.token(for: "example.net"))
        XCTAssertFalse(first.token(for: "router1.example.net").contains("example"))
        let info = first.redact(HostInfo(hostname: "router1.example.net", asn: ASNInfo(number: 64500)))
        XCTAssertEqual(info.hostname, first.token(for: "router1.example.net"))
        XCTAssertEqual(info.asn?.number, 64500)
    }

    func testPathsFollowXDGAndTheOverrides() {
        let home = ["HOME": "/home/ana"]
        XCTAssertEqual(EnrichmentPaths.defaultGeoDatabase(environment: home),
                       "/home/ana/.local/share/tracemap/dbip-city-lite.mmdb")
        XCTAssertEqual(EnrichmentPaths.cacheDirectory(environment: home), "/home/ana/.cache/tracemap")
        XCTAssertEqual(EnrichmentPaths.cacheDirectory(environment: home.merging(["XDG_CACHE_HOME": "/c"]) { $1 }),
                       "/c/tracemap")
        // Relative XDG paths are ignored, as the specification says.
        XCTAssertEqual(EnrichmentPaths.cacheDirectory(environment: home.merging(["XDG_CACHE_HOME": "c"]) { $1 }),
                       "/home/ana/.cache/tracemap")
        XCTAssertEqual(EnrichmentPaths.cacheDirectory(environment: home.merging(["TRACEMAP_CACHE_DIR": "/t"]) { $1 }),
                       "/t")
        XCTAssertEqual(EnrichmentPaths.defaultGeoDatabase(environment: home.merging(["XDG_DATA_HOME": "/d"]) { $1 }),
                       "/d/tracemap/dbip-city-lite.mmdb")
        XCTAssertEqual(EnrichmentPaths.geoDatabase(explicit: nil, environment: home.merging(["TRACEMAP_GEOIP_MMDB": "/g.mmdb"]) { $1 }),
                       "/g.mmdb")
        XCTAssertEqual(EnrichmentPaths.geoDatabase(explicit: "/x.mmdb", environment: ["TRACEMAP_GEOIP_MMDB": "/g.mmdb"]),
                       "/x.mmdb")
    }

    func testResolverEndpoints() {
        XCTAssertEqual(ResolverEndpoint(parsing: "127.0.0.1:5353"), ResolverEndpoint(address: IPAddress("127.0.0.1")!, port: 5353))
        XCTAssertEqual(ResolverEndpoint(parsing: "192.0.2.53"), ResolverEndpoint(address: IPAddress("192.0.2.53")!))
        XCTAssertEqual(ResolverEndpoint(parsing: "[::1]:5300"), ResolverEndpoint(address: IPAddress("::1")!, port: 5300))
        XCTAssertEqual(ResolverEndpoint(parsing: "2001:db8::53"), ResolverEndpoint(address: IPAddress("2001:db8::53")!))
        XCTAssertEqual(ResolverEndpoint(parsing: "fe80::1%1")?.scopeID, 1)
        XCTAssertNil(ResolverEndpoint(parsing: "resolver.example"))
        XCTAssertNil(ResolverEndpoint(parsing: "127.0.0.1:0"))
        XCTAssertNil(ResolverEndpoint(parsing: "127.0.0.1:99999"))
        XCTAssertEqual(ResolverEndpoint(parsing: "[::1]:5300")?.description, "[::1]:5300")

        let conf = """
            # generated
            ; comment
            search example.net
            nameserver   192.0.2.53
            nameserver 2001:db8::53
            """
        XCTAssertEqual(ResolverEndpoint.firstNameserver(inResolvConf: conf)?.address, IPAddress("192.0.2.53"))
        XCTAssertNil(ResolverEndpoint.firstNameserver(inResolvConf: "search example.net\n"))
        XCTAssertEqual(ResolverEndpoint.system(environment: ["TRACEMAP_RESOLVER": "127.0.0.9:53"]),
                       ResolverEndpoint(address: IPAddress("127.0.0.9")!))
    }
}
