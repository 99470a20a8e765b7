import TracemapModel

/// One responder of one hop as the path check sees it.
public struct GeoHop: Sendable, Hashable {
    public var ttl: Int
    public var address: IPAddress?
    public var location: GeoLocation?
    /// Milliseconds: the responder's best (minimum) RTT, the one least inflated by queues and slow ICMP paths.
    public var rtt: Double?

    public init(ttl: Int, address: IPAddress? = nil, location: GeoLocation?, rtt: Double?) {
        self.ttl = ttl
        self.address = address
        self.location = location
        self.rtt = rtt
    }

    /// Has coordinates and an RTT: something physics can judge.
    public var isCheckable: Bool { location?.latitude != nil && location?.longitude != nil && rtt != nil }
}

/// Where the probes are taken to start from, and how sure that is.
public struct GeoOrigin: Codable, Sendable, Hashable {
    public enum Source: String, Codable, Sendable {
        /// The trace's own vantage point (`meta.vantage`: a remote probe or colo, another tool's machine).
        case vantage
        /// Given by the user (`--origin LAT,LON`).
        case option
        /// The located hop with the smallest RTT, standing in for this machine.
        case hop
    }

    public var source: Source
    public var latitude: Double
    public var longitude: Double
    /// How far the real vantage point may lie from these coordinates, kilometres: for a stand-in hop its
    /// accuracy radius plus how far light in fibre goes in half its RTT.
    public var uncertaintyKilometres: Double
    /// The stand-in hop and its best RTT.
    public var ttl: Int?
    public var rttMs: Double?
    /// "City, CC" when known.
    public var place: String?

    public init(source: Source, latitude: Double, longitude: Double, uncertaintyKilometres: Double = 0,
                ttl: Int? = nil, rttMs: Double? = nil, place: String? = nil) {
        self.source = source
        self.latitude = latitude
        self.longitude = longitude
        self.uncertaintyKilometres = uncertaintyKilometres
        self.ttl = ttl
        self.rttMs = rttMs
        self.place = place
    }

    public var location: GeoLocation {
        GeoLocation(latitude: latitude, longitude: longitude, accuracyRadius: uncertaintyKilometres)
    }

    /// "hop 1 (Amsterdam, NL, 1.2 ms) standing in for the vantage point", "the vantage point (Frankfurt, DE)",
    /// "--origin 52.37, 4.90".
    public var summary: String {
        let coordinates = latitude.formatted(decimals: 2) + ", " + longitude.formatted(decimals: 2)
        switch source {
        case .vantage:
            return "the vantage point (" + (place.map { $0 + ", " } ?? "") + coordinates + ")"
        case .option:
            return "--origin " + coordinates
        case .hop:
            let what = [place, rttMs.map { GeoText.milliseconds($0) }].compactMap { $0 }.joined(separator: ", ")
            return "hop \(ttl ?? 0)" + (what.isEmpty ? "" : " (\(what))") + " standing in for the vantage point"
        }
    }

    enum CodingKeys: String, CodingKey {
        case source, latitude, longitude, uncertaintyKilometres = "uncertainty_km", ttl, rttMs = "rtt_ms", place
    }
}

/// A location the RTT cannot explain.
public struct GeoFinding: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        /// The hop is farther from the origin than light in fibre goes and back in its RTT.
        case impossible
        /// Out from the origin through two consecutive located hops and back is longer than light in fibre goes
        /// in the second hop's RTT: one of the two locations is wrong, or the path is not what it seems.
        case detour
    }

    public var kind: Kind
    /// The hop judged (impossible), or the hop the leg ends at (detour).
    public var ttl: Int
    /// The hop the leg starts at (detour only).
    public var fromTTL: Int?
    public var address: IPAddress?
    /// From the origin (impossible), or the leg's span (detour), kilometres.
    public var distanceKilometres: Double
    /// Accuracy radii and the origin's uncertainty, counted in the locations' favour, kilometres.
    public var slackKilometres: Double
    /// The least RTT the geometry allows, milliseconds.
    public var needsMs: Double
    /// The best RTT measured, milliseconds.
    public var measuredMs: Double
    /// The places of a detour's two ends.
    public var from: GeoLocation?
    public var to: GeoLocation?

    public init(kind: Kind, ttl: Int, fromTTL: Int? = nil, address: IPAddress? = nil, distanceKilometres: Double,
                slackKilometres: Double, needsMs: Double, measuredMs: Double, from: GeoLocation? = nil,
                to: GeoLocation? = nil) {
        self.kind = kind
        self.ttl = ttl
        self.fromTTL = fromTTL
        self.address = address
        self.distanceKilometres = distanceKilometres
        self.slackKilometres = slackKilometres
        self.needsMs = needsMs
        self.measuredMs = measuredMs
        self.from = from
        self.to = to
    }

    /// "impossible: 5,870 km needs ≥ 58 ms, measured 30 ms" or "detour: hop 5→6 spans 8,421 km (Frankfurt, DE →
    /// New York, US): out and back through both needs ≥ 117 ms, measured 40 ms".
    public var message: String {
        let (needs, measured) = GeoText.pair(needs: needsMs, measured: measuredMs)
        let slack = slackKilometres >= 1 ? " (±\(GeoText.kilometres(slackKilometres)))" : ""
        switch kind {
        case .impossible:
            return "impossible: \(GeoText.kilometres(distanceKilometres))\(slack) needs ≥ \(needs), measured \(measured)"
        case .detour:
            let places = [from?.shortText, to?.shortText].map { ($0?.isEmpty ?? true) ? "?" : $0! }
            return "detour: hop \(fromTTL ?? 0)→\(ttl) spans \(GeoText.kilometres(distanceKilometres)) "
                + "(\(places[0]) → \(places[1])): out and back through both needs ≥ \(needs), "
                + "measured \(measured)"
        }
    }

    enum CodingKeys: String, CodingKey {
        case kind, ttl, fromTTL = "from_ttl", address, distanceKilometres = "distance_km"
        case slackKilometres = "slack_km", needsMs = "needs_ms", measuredMs = "measured_ms", from, to, message
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        ttl = try c.decode(Int.self, forKey: .ttl)
        fromTTL = try c.decodeIfPresent(Int.self, forKey: .fromTTL)
        address = try c.decodeIfPresent(IPAddress.self, forKey: .address)
        distanceKilometres = try c.decode(Double.self, forKey: .distanceKilometres)
        slackKilometres = try c.decodeIfPresent(Double.self, forKey: .slackKilometres) ?? 0
        needsMs = try c.decode(Double.self, forKey: .needsMs)
        measuredMs = try c.decode(Double.self, forKey: .measuredMs)
        from = try c.decodeIfPresent(GeoLocation.self, forKey: .from)
        to = try c.decodeIfPresent(GeoLocation.self, forKey: .to)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(ttl, forKey: .ttl)
        try c.encodeIfPresent(fromTTL, forKey: .fromTTL)
        try c.encodeIfPresent(address, forKey: .address)
        try c.encode(distanceKilometres, forKey: .distanceKilometres)
        try c.encode(slackKilometres, forKey: .slackKilometres)
        try c.encode(needsMs, forKey: .needsMs)
        try c.encode(measuredMs, forKey: .measuredMs)
        try c.encodeIfPresent(from, forKey: .from)
        try c.encodeIfPresent(to, forKey: .to)
        try c.encode(message, forKey: .message)
    }
}

/// What physics says about a path's locations: the origin used and every finding.
public struct GeoAssessment: Codable, Sendable, Hashable {
    public var origin: GeoOrigin?
    /// Responders with coordinates and an RTT (all of them were checked against the origin when there is one).
    public var checked: Int
    public var findings: [GeoFinding]

    public init(origin: GeoOrigin?, checked: Int, findings: [GeoFinding]) {
        self.origin = origin
        self.checked = checked
        self.findings = findings
    }

    /// The impossible finding about one responder of a hop, if any.
    public func impossible(ttl: Int, address: IPAddress?) -> GeoFinding? {
        findings.first { $0.kind == .impossible && $0.ttl == ttl && $0.address == address }
    }

    /// Every finding that concerns a hop: impossible there, or a detour leg starting or ending there.
    public func findings(ttl: Int) -> [GeoFinding] {
        findings.filter { $0.ttl == ttl || $0.fromTTL == ttl }
    }

    /// `.low` for a responder found impossible, `.normal` for one checked against an origin, nil otherwise.
    public func confidence(ttl: Int, address: IPAddress?, checkable: Bool) -> GeoConfidence? {
        if impossible(ttl: ttl, address: address) != nil { return .low }
        return origin != nil && checkable ? .normal : nil
    }

    enum CodingKeys: String, CodingKey { case origin, checked, findings }
}

/// Hop locations checked against light in fibre (about 200 km per millisecond one way, `GeoPlausibility`).
///
/// The origin is the trace's vantage point when its file gives one, else `--origin LAT,LON`, else the located
/// hop with the smallest best RTT if that RTT is at most `standInMaximumRTT`: the vantage point lies within
/// half that RTT of it, and that distance is counted in every location's favour. Two rules, on best RTTs:
///
/// - **impossible**: a hop farther from the origin than light in fibre goes out and back in its RTT:
///   `distance(origin, hop) − slack > RTT / 2 × 200 km/ms`.
/// - **detour**: consecutive located hops A → B (silent or unlocated hops between them are skipped), neither
///   impossible on its own, where the way out through A to B and back is longer than B's RTT allows:
///   `distance(origin, A) + distance(A, B) + distance(B, origin) − slack > RTT(B) / 2 × 200 km/ms`. The probe
///   passed A on its way to B, so this is a hard bound; without an origin the triangle inequality still gives
///   `2 × distance(A, B)`. It names the legs where one of two locations must be wrong (GeoIP places many
///   routers at their operator's head office) or the reply came another way.
///
/// The slack is every accuracy radius involved plus the origin's uncertainty, each counted on every leg it
/// touches. Only best RTTs are used, which physics bounds from below; queueing and ICMP generation only add
/// time, so neither rule fires because of noise.
public enum PathGeography {
    /// A located hop within this RTT (milliseconds) may stand in for the vantage point: 10 ms is 1,000 km.
    public static let standInMaximumRTT = 10.0

    /// The origin: the vantage point's coordinates, else `option`, else the stand-in hop (see the type's doc).
    public static func origin(vantage: GeoLocation?, option: GeoLocation?, hops: [GeoHop]) -> GeoOrigin? {
        if let vantage, let latitude = vantage.latitude, let longitude = vantage.longitude {
            return GeoOrigin(source: .vantage, latitude: latitude, longitude: longitude,
                             uncertaintyKilometres: vantage.accuracyRadius ?? 0,
                             place: vantage.shortText.isEmpty ? nil : vantage.shortText)
        }
        if let option, let latitude = option.latitude, let longitude = option.longitude {
            return GeoOrigin(source: .option, latitude: latitude, longitude: longitude,
                             uncertaintyKilometres: option.accuracyRadius ?? 0)
        }
        let nearest = hops.filter { $0.isCheckable && $0.rtt! <= standInMaximumRTT }
            .min { ($0.rtt!, $0.ttl) < ($1.rtt!, $1.ttl) }
        guard let nearest, let location = nearest.location, let rtt = nearest.rtt else { return nil }
        return GeoOrigin(source: .hop, latitude: location.latitude!, longitude: location.longitude!,
                         uncertaintyKilometres: (location.accuracyRadius ?? 0) + GeoPlausibility.reach(rtt: rtt),
                         ttl: nearest.ttl, rttMs: rtt, place: location.shortText.isEmpty ? nil : location.shortText)
    }

    /// Checks `hops` (every responder of every hop; per TTL the first checkable one is the hop's place on the
    /// path, so list responders by share) with the origin chosen by `origin(vantage:option:hops:)`.
    public static func check(_ hops: [GeoHop], vantage: GeoLocation? = nil, option: GeoLocation? = nil)
        -> GeoAssessment {
        check(hops, origin: origin(vantage: vantage, option: option, hops: hops))
    }

    /// Checks `hops` against a given origin (nil: only the detour rule, in its origin-free form).
    public static func check(_ hops: [GeoHop], origin: GeoOrigin?) -> GeoAssessment {
        let checkable = hops.filter(\.isCheckable)
        var findings: [GeoFinding] = []
        if let origin {
            for hop in checkable {
                // The stand-in is the origin itself.
                if origin.source == .hop, hop.ttl == origin.ttl, hop.location?.latitude == origin.latitude,
                   hop.location?.longitude == origin.longitude { continue }
                let location = hop.location!, rtt = hop.rtt!
                let distance = GeoPlausibility.distance(from: origin.location, to: location)!
                let slack = origin.uncertaintyKilometres + (location.accuracyRadius ?? 0)
                let needs = max(0, distance - slack) / GeoPlausibility.fibreKilometresPerMillisecond * 2
                if needs > rtt {
                    findings.append(GeoFinding(kind: .impossible, ttl: hop.ttl, address: hop.address,
                                               distanceKilometres: distance, slackKilometres: slack, needsMs: needs,
                                               measuredMs: rtt, to: location))
                }
            }
        }
        // The path's places: per TTL the first checkable responder.
        var path: [GeoHop] = []
        for hop in checkable where path.last?.ttl != hop.ttl {
            if let last = path.last, hop.ttl < last.ttl { continue }
            path.append(hop)
        }
        let impossible = Set(findings.map { ImpossibleKey(ttl: $0.ttl, address: $0.address) })
        for (a, b) in zip(path, path.dropFirst()) {
            if impossible.contains(ImpossibleKey(ttl: a.ttl, address: a.address))
                || impossible.contains(ImpossibleKey(ttl: b.ttl, address: b.address)) { continue }
            let from = a.location!, to = b.location!, rtt = b.rtt!
            let span = GeoPlausibility.distance(from: from, to: to)!
            let radii = 2 * ((from.accuracyRadius ?? 0) + (to.accuracyRadius ?? 0))
            let total: Double, slack: Double
            if let origin {
                total = GeoPlausibility.distance(from: origin.location, to: from)! + span
                    + GeoPlausibility.distance(from: to, to: origin.location)!
                slack = radii + 2 * origin.uncertaintyKilometres
            } else {
                total = 2 * span
                slack = radii
            }
            let needs = max(0, total - slack) / GeoPlausibility.fibreKilometresPerMillisecond
            if needs > rtt {
                findings.append(GeoFinding(kind: .detour, ttl: b.ttl, fromTTL: a.ttl, address: b.address,
                                           distanceKilometres: span, slackKilometres: slack, needsMs: needs,
                                           measuredMs: rtt, from: from, to: to))
            }
        }
        findings.sort { ($0.ttl, $0.fromTTL ?? 0, $0.kind.rawValue) < ($1.ttl, $1.fromTTL ?? 0, $1.kind.rawValue) }
        return GeoAssessment(origin: origin, checked: checkable.count, findings: findings)
    }

    private struct ImpossibleKey: Hashable {
        var ttl: Int
        var address: IPAddress?
    }
}

/// Number text for the findings, without Foundation's locale machinery.
enum GeoText {
    /// "5,870 km".
    static func kilometres(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed()) + " km"
    }

    static func milliseconds(_ value: Double) -> String {
        value.formatted(decimals: value >= 10 ? 0 : 1) + " ms"
    }

    /// The needed RTT rounded down and the measured one to the nearest, with as many decimals as it takes for
    /// the two to differ on the page ("needs ≥ 58 ms, measured 30 ms", "needs ≥ 42.3 ms, measured 42.2 ms").
    static func pair(needs: Double, measured: Double) -> (String, String) {
        for places in 0...2 {
            var scale = 1.0
            for _ in 0..<places { scale *= 10 }
            let low = (needs * scale).rounded(.down) / scale
            let shown = (measured * scale).rounded() / scale
            if low > shown || places == 2 {
                return (low.formatted(decimals: places) + " ms", shown.formatted(decimals: places) + " ms")
            }
        }
        return ("", "")
    }
}
