import TracemapModel

/// Named bundles of enrichment settings (`--profile`).
public enum EnrichmentProfile: String, CaseIterable, Sendable, Codable {
    /// Reverse DNS, ASN (database, else Team Cymru over DNS) and GeoIP.
    case `default`
    /// No network lookups at all: local databases only.
    case offline
    /// No lookups of any kind, and every address and hostname redacted with a per-run salt.
    case `private`
    /// Everything but reverse DNS.
    case fast
}

/// Where AS numbers come from.
public enum ASNSource: String, CaseIterable, Sendable, Codable {
    case off
    /// The ASN database when one is given, else Team Cymru when network lookups are allowed.
    case automatic
    /// Only the ASN database (`--asn-mmdb`).
    case database
    /// Only Team Cymru's DNS interface.
    case teamCymru = "cymru"
}

/// Explicit flags, each nil unless given; they win over the profile field by field.
public struct EnrichmentOverrides: Sendable, Hashable {
    public var reverseDNS: Bool?
    public var asnSource: ASNSource?
    public var geo: Bool?
    public var networkLookups: Bool?
    public var redact: Bool?

    public init(reverseDNS: Bool? = nil, asnSource: ASNSource? = nil, geo: Bool? = nil,
                networkLookups: Bool? = nil, redact: Bool? = nil) {
        self.reverseDNS = reverseDNS
        self.asnSource = asnSource
        self.geo = geo
        self.networkLookups = networkLookups
        self.redact = redact
    }
}

/// Everything the `Enricher` needs to know, as plain values: option parsing stays in the executable.
public struct EnrichmentOptions: Sendable, Hashable {
    public var reverseDNS: Bool
    public var asnSource: ASNSource
    public var geo: Bool
    /// Whether anything may leave this machine (DNS queries for PTR and Team Cymru records). It gates every
    /// network lookup, whatever the other switches say.
    public var networkLookups: Bool
    /// Replace every address and hostname with a per-run token (see `Redactor`).
    public var redact: Bool

    /// Look up documentation, private and other special addresses like global ones. Off by default: only
    /// tests and `--lab` turn it on, because their networks are numbered from documentation space.
    public var lookupSpecialAddresses: Bool = false
    /// `--geoip-mmdb`; nil means `TRACEMAP_GEOIP_MMDB`, else the default database (see `EnrichmentPaths`).
    public var geoDatabasePath: String?
    /// `--asn-mmdb`; nil means none.
    public var asnDatabasePath: String?
    /// The DNS server; nil means `TRACEMAP_RESOLVER`, else the first nameserver of /etc/resolv.conf.
    public var resolver: ResolverEndpoint?
    /// How long one DNS query waits for its answer, one retransmission included.
    public var queryTimeout: Duration = .seconds(2)
    /// At most this many DNS queries wait for answers at once.
    public var maxConcurrentQueries: Int = 16
    /// Whether answers from the network are kept in the on-disk cache.
    public var useCache: Bool = true
    /// The cache's directory; nil means `TRACEMAP_CACHE_DIR`, else `$XDG_CACHE_HOME/tracemap`.
    public var cacheDirectory: String?
    /// Where the probes start, for the plausibility of hop locations against their RTT.
    public var sourceLocation: GeoLocation?

    /// The profile's settings with the explicit flags applied over them. A flag that asks for a network
    /// lookup (`reverseDNS`, `asnSource: .teamCymru`) under a profile without network lookups turns them on,
    /// unless `networkLookups` is refused explicitly as well.
    public init(profile: EnrichmentProfile = .default, overrides: EnrichmentOverrides = EnrichmentOverrides()) {
        switch profile {
        case .default:
            (reverseDNS, asnSource, geo, networkLookups, redact) = (true, .automatic, true, true, false)
        case .offline:
            (reverseDNS, asnSource, geo, networkLookups, redact) = (false, .automatic, true, false, false)
        case .private:
            (reverseDNS, asnSource, geo, networkLookups, redact) = (false, .off, false, false, true)
        case .fast:
            (reverseDNS, asnSource, geo, networkLookups, redact) = (false, .automatic, true, true, false)
        }
        if let value = overrides.reverseDNS { reverseDNS = value }
        if let value = overrides.asnSource { asnSource = value }
        if let value = overrides.geo { geo = value }
        if let value = overrides.redact { redact = value }
        if let value = overrides.networkLookups {
            networkLookups = value
        } else if overrides.reverseDNS == true || overrides.asnSource == .teamCymru {
            networkLookups = true
        }
    }
}
