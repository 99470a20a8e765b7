import TracemapGeo
import TracemapModel
import TracemapStats

/// The bridge from a trace's statistics or document to `PathGeography`: every renderer, the TUI and `stats`
/// check a path's places through here, so they all say the same thing.
public enum TraceGeography {
    /// Every responder of every hop, most replies first within a hop, with its location and best RTT.
    public static func hops(_ statistics: PathStatistics, info: [IPAddress: HostInfo]) -> [GeoHop] {
        statistics.orderedHops.flatMap { hop in
            hop.respondersByShare.map { responder in
                GeoHop(ttl: hop.ttl, address: responder.address, location: info[responder.address]?.location,
                       rtt: responder.cumulative.bestOrNil)
            }
        }
    }

    /// The same from a document (its responders are already in share order).
    public static func hops(_ document: TraceDocument) -> [GeoHop] {
        document.hops.sorted { $0.ttl < $1.ttl }.flatMap { hop in
            hop.responders.map { GeoHop(ttl: hop.ttl, address: $0.address, location: $0.info?.location, rtt: $0.figures.best) }
        }
    }

    /// The vantage point's place when the trace's file gives coordinates for it.
    public static func vantageLocation(_ meta: TraceMeta) -> GeoLocation? {
        guard let vantage = meta.vantage, let latitude = vantage.latitude, let longitude = vantage.longitude
        else { return nil }
        return GeoLocation(city: vantage.city, countryCode: vantage.country, latitude: latitude, longitude: longitude)
    }

    /// Checks the places of a live trace; nil when no responder has coordinates (nothing to say).
    public static func check(meta: TraceMeta, statistics: PathStatistics, info: [IPAddress: HostInfo],
                             origin: GeoLocation? = nil) -> GeoAssessment? {
        let hops = hops(statistics, info: info)
        guard hops.contains(where: { $0.location?.latitude != nil }) else { return nil }
        return PathGeography.check(hops, vantage: vantageLocation(meta), option: origin)
    }
}

extension TraceDocument {
    /// Checks the document's places against physics (`PathGeography`): origin = the vantage point of the file,
    /// else `origin` (`--origin`), else the nearest located hop. Nil when no responder has coordinates. Pure:
    /// `stats`, `export` and `trace --json` all call this.
    public func checkGeography(origin: GeoLocation? = nil) -> GeoAssessment? {
        let hops = TraceGeography.hops(self)
        guard hops.contains(where: { $0.location?.latitude != nil }) else { return nil }
        return PathGeography.check(hops, vantage: TraceGeography.vantageLocation(meta), option: origin)
    }

    /// Fills `geography` and each located responder's `info.confidence` from `checkGeography(origin:)`.
    public mutating func applyGeography(origin: GeoLocation? = nil) {
        geography = checkGeography(origin: origin)
        guard let geography else { return }
        for h in hops.indices {
            let ttl = hops[h].ttl
            for r in hops[h].responders.indices where hops[h].responders[r].info?.location?.latitude != nil {
                let responder = hops[h].responders[r]
                let confidence = geography.confidence(ttl: ttl, address: responder.address,
                                                      checkable: responder.figures.best != nil)
                hops[h].responders[r].info?.confidence = confidence
            }
        }
    }
}

extension TraceDocument {
    /// The geography check as lines, one per finding — "hop 2 (198.51.100.2): impossible: 6,186 km (±146 km)
    /// needs ≥ 60 ms, measured 6 ms", "detour: hop 5→6 spans 7,685 km (…)" — and nothing when the places agree
    /// with the RTTs or no responder has coordinates. Pure; fits `TraceSummary`'s `detourCheck` hook as
    /// `{ $0.geographyWarnings() }`. Names and places in it are the file's: escape them for the output.
    public func geographyWarnings(origin: GeoLocation? = nil) -> [String] {
        guard let geography = checkGeography(origin: origin) else { return [] }
        return geography.findings.map { finding in
            finding.kind == .impossible
                ? "hop \(finding.ttl)" + (finding.address.map { " (\($0))" } ?? "") + ": " + finding.message
                : finding.message
        }
    }
}
