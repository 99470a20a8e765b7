import TracemapEnrich

/// The real program's host facts: the enricher's `info(for:rtt:)` answers from what it has and starts missing
/// lookups in the background, so a frame never waits for DNS or whois.
extension Enricher: HostInfoProvider {}
