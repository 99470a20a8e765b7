import TracemapModel

/// One hop of a finished trace, as the route-path summary reads it.
public struct RouteHop: Sendable, Hashable {
    public var ttl: Int
    /// nil for a hop that never answered.
    public var address: IPAddress?
    public var info: HostInfo?

    public init(ttl: Int, address: IPAddress?, info: HostInfo?) {
        self.ttl = ttl
        self.address = address
        self.info = info
    }
}

/// The path as a list of AS blocks with the places they pass through, after NextTrace's `--route-path`:
/// "AS64500 EXAMPLE-NET [Frankfurt, DE → Amsterdam, NL] → AS64501 … [New York, US]". Plain data: a renderer
/// prints `segments` its own way, or `lines`.
public struct RoutePath: Sendable, Hashable, Codable {
    public struct Segment: Sendable, Hashable, Codable {
        /// The AS of every hop in the segment; nil for a run of hops without one.
        public var asn: ASNInfo?
        /// For a segment without an AS: the hops' class when they share a special one (private, CGNAT…).
        public var addressClass: AddressClass?
        public var firstTTL: Int
        public var lastTTL: Int
        /// Responders in TTL order, each once.
        public var addresses: [IPAddress]
        /// The distinct places the segment passes, in TTL order; consecutive repeats are folded.
        public var locations: [GeoLocation]

        /// "AS64500 EXAMPLE-NET", "private" or "unknown AS".
        public var title: String {
            if let asn {
                return ["AS\(asn.number)", asn.organization].compactMap { $0 }.joined(separator: " ")
            }
            if let addressClass, addressClass != .global { return addressClass.rawValue }
            return "unknown AS"
        }

        enum CodingKeys: String, CodingKey {
            case asn, addressClass = "class", firstTTL = "first_ttl", lastTTL = "last_ttl", addresses, locations
        }
    }

    public var segments: [Segment]

    /// Groups consecutive answering hops that share an AS number (or, without one, an address class). Silent
    /// hops neither start nor break a segment.
    public init(hops: [RouteHop]) {
        var segments: [Segment] = []
        for hop in hops.sorted(by: { $0.ttl < $1.ttl }) {
            guard let address = hop.address else { continue }
            let info = hop.info ?? HostInfo(addressClass: AddressClassifier.classify(address))
            let addressClass: AddressClass? = info.asn == nil ? info.addressClass : nil
            if var last = segments.last, last.asn?.number == info.asn?.number, last.addressClass == addressClass {
                last.lastTTL = hop.ttl
                if !last.addresses.contains(address) { last.addresses.append(address) }
                if last.asn?.organization == nil, let organization = info.asn?.organization {
                    last.asn?.organization = organization
                }
                Self.append(info.location, to: &last.locations)
                segments[segments.count - 1] = last
            } else {
                var segment = Segment(asn: info.asn, addressClass: addressClass, firstTTL: hop.ttl, lastTTL: hop.ttl,
                                      addresses: [address], locations: [])
                Self.append(info.location, to: &segment.locations)
                segments.append(segment)
            }
        }
        self.segments = segments
    }

    private static func append(_ location: GeoLocation?, to locations: inout [GeoLocation]) {
        guard let location, !location.shortText.isEmpty else { return }
        if locations.last?.shortText != location.shortText { locations.append(location) }
    }

    /// One line per segment: "AS64500 EXAMPLE-NET  [Frankfurt, DE → Amsterdam, NL]  hops 2–4".
    public var lines: [String] {
        segments.map { segment in
            let places = segment.locations.map(\.shortText).joined(separator: " → ")
            let hops = segment.firstTTL == segment.lastTTL ? "hop \(segment.firstTTL)"
                                                           : "hops \(segment.firstTTL)–\(segment.lastTTL)"
            return [segment.title, places.isEmpty ? nil : "[\(places)]", hops]
                .compactMap { $0 }.joined(separator: "  ")
        }
    }
}
