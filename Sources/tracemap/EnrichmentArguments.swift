import ArgumentParser
import Foundation
import TracemapEnrich
import TracemapModel
import TracemapReport

/// Who and where each hop is: the enrichment options `trace`, `watch` and `tui` share.
struct EnrichmentArguments: ParsableArguments {
    @Option(help: "Lookup profile: default, offline (no network lookups), private (no lookups, addresses and names redacted), fast (no reverse DNS).")
    var profile: EnrichmentProfile = .default

    @Option(name: .customLong("geoip-mmdb"), help: "GeoIP City database (MaxMind, DB-IP or IPinfo .mmdb).")
    var geoDatabase: String?

    @Option(name: .customLong("asn-mmdb"), help: "ASN database (GeoLite2-ASN, IPinfo or DB-IP ASN .mmdb).")
    var asnDatabase: String?

    @Flag(help: "Look up documentation and private addresses too (lab and test networks).")
    var lab = false

    @Option(help: ArgumentHelp("Where the probes start, for checking hop locations against RTTs (default: the nearest located hop within 10 ms).", valueName: "LAT,LON"))
    var origin: OriginArgument?

    /// Opens the databases these options name, before privileges are dropped (see `OpenDatabases`).
    func openDatabasesEarly() {
        var options = EnrichmentOptions(profile: profile)
        options.geoDatabasePath = geoDatabase
        options.asnDatabasePath = asnDatabase
        OpenDatabases.open(for: options)
    }

    /// Refuses a database the user named that cannot be read (exit 6, one line), before anything is probed.
    func checkDatabases() throws {
        if let problem = NamedDatabases.problem(geoPath: geoDatabase, asnPath: asnDatabase) {
            throw CommandFailure(message: Escaping.terminal(problem), status: .badInput)
        }
    }

    /// The enricher for these options; `noReverseDNS` is `-n`, which wins over the profile.
    func makeEnricher(noReverseDNS: Bool) -> Enricher {
        var options = EnrichmentOptions(profile: profile,
                                        overrides: EnrichmentOverrides(reverseDNS: noReverseDNS ? false : nil))
        options.geoDatabasePath = geoDatabase
        options.asnDatabasePath = asnDatabase
        options.lookupSpecialAddresses = lab
        return Enricher(options: options)
    }
}

extension EnrichmentProfile: ExpressibleByArgument {}

extension Redactor {
    /// Replaces every listed address and name in rendered text by its token, so every output format — table,
    /// JSON, CSV, raw — is redacted alike, the target included.
    func redactText(_ text: String, addresses: [IPAddress], names: [String]) -> String {
        var result = text
        // Longest first, so "198.51.100.10" is never caught as "198.51.100.1" plus a digit.
        let literals = addresses.map { ($0.description, token(for: $0)) } + names.map { ($0, token(for: $0)) }
        for (literal, replacement) in literals.sorted(by: { $0.0.count > $1.0.count }) where !literal.isEmpty {
            let escaped = NSRegularExpression.escapedPattern(for: literal)
            result = result.replacingOccurrences(of: "(?<![0-9A-Za-z:.-])\(escaped)(?![0-9A-Za-z:-]|\\.[0-9A-Za-z])",
                                                 with: replacement, options: .regularExpression)
        }
        return result
    }
}
