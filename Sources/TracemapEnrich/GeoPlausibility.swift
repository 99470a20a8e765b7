import Foundation
import TracemapModel

/// Checks GeoIP locations against the physics of the measured RTT: a reply cannot come from farther away than
/// light in fibre (about 200 km per millisecond, two thirds of c) travels in half the round trip.
public enum GeoPlausibility {
    public static let fibreKilometresPerMillisecond = 200.0
    /// The mean Earth radius (IUGG), kilometres.
    public static let earthRadiusKilometres = 6371.0

    /// Great-circle distance in kilometres by the haversine formula.
    public static func distance(latitude1: Double, longitude1: Double,
                                latitude2: Double, longitude2: Double) -> Double {
        let radians = Double.pi / 180
        let deltaLatitude = (latitude2 - latitude1) * radians
        let deltaLongitude = (longitude2 - longitude1) * radians
        let a = pow(sin(deltaLatitude / 2), 2)
            + cos(latitude1 * radians) * cos(latitude2 * radians) * pow(sin(deltaLongitude / 2), 2)
        return 2 * earthRadiusKilometres * asin(min(1, sqrt(a)))
    }

    /// The distance between two locations, nil unless both have coordinates.
    public static func distance(from a: GeoLocation, to b: GeoLocation) -> Double? {
        guard let latitude1 = a.latitude, let longitude1 = a.longitude,
              let latitude2 = b.latitude, let longitude2 = b.longitude else { return nil }
        return distance(latitude1: latitude1, longitude1: longitude1, latitude2: latitude2, longitude2: longitude2)
    }

    /// How far light in fibre goes and back in `rtt` milliseconds.
    public static func reach(rtt: Double) -> Double { max(0, rtt) / 2 * fibreKilometresPerMillisecond }

    /// `.low` when `location` is farther from `source` than half the RTT allows, `.normal` when it is not, nil
    /// when either place or the RTT is unknown. The accuracy radii count in the location's favour: the address
    /// may be anywhere within them.
    public static func confidence(source: GeoLocation?, location: GeoLocation?, rtt: Double?) -> GeoConfidence? {
        guard let source, let location, let rtt, let distance = distance(from: source, to: location)
        else { return nil }
        let slack = (source.accuracyRadius ?? 0) + (location.accuracyRadius ?? 0)
        return distance - slack > reach(rtt: rtt) ? .low : .normal
    }

    /// Notes for consecutive located hops whose distance exceeds what their RTT difference allows: the path
    /// from A to B adds at least 2 × distance / 200 km/ms to B's RTT, so a larger distance means one of the two
    /// locations is wrong, or B's reply came back another way. Hops without location or RTT are skipped.
    public static func detours(_ hops: [GeoHop]) -> [GeoNote] {
        let located = hops.filter { $0.location?.latitude != nil && $0.location?.longitude != nil && $0.rtt != nil }
        return zip(located, located.dropFirst()).compactMap { a, b in
            guard let from = a.location, let to = b.location, let rttA = a.rtt, let rttB = b.rtt,
                  let distance = distance(from: from, to: to) else { return nil }
            let allowed = reach(rtt: rttB - rttA) + (from.accuracyRadius ?? 0) + (to.accuracyRadius ?? 0)
            guard distance > allowed else { return nil }
            return GeoNote(kind: .detour, fromTTL: a.ttl, toTTL: b.ttl, distanceKilometres: distance,
                           allowedKilometres: allowed, from: from, to: to)
        }
    }
}

/// One hop as the plausibility checks see it.
public struct GeoHop: Sendable, Hashable {
    public var ttl: Int
    public var location: GeoLocation?
    /// Milliseconds: the hop's best (minimum) RTT is the fairest for physics.
    public var rtt: Double?

    public init(ttl: Int, location: GeoLocation?, rtt: Double?) {
        self.ttl = ttl
        self.location = location
        self.rtt = rtt
    }
}

/// A finding about hop locations that a renderer can print beside the path.
public struct GeoNote: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Two consecutive hops are farther apart than their RTT difference allows.
        case detour
    }

    public var kind: Kind
    public var fromTTL: Int
    public var toTTL: Int
    public var distanceKilometres: Double
    public var allowedKilometres: Double
    public var from: GeoLocation
    public var to: GeoLocation

    public init(kind: Kind, fromTTL: Int, toTTL: Int, distanceKilometres: Double, allowedKilometres: Double,
                from: GeoLocation, to: GeoLocation) {
        self.kind = kind
        self.fromTTL = fromTTL
        self.toTTL = toTTL
        self.distanceKilometres = distanceKilometres
        self.allowedKilometres = allowedKilometres
        self.from = from
        self.to = to
    }

    /// "hops 3→4: Frankfurt, DE to New York, US is 6204 km, the RTT allows 1000 km".
    public var message: String {
        let places = [from.shortText, to.shortText].map { $0.isEmpty ? "?" : $0 }
        return "hops \(fromTTL)→\(toTTL): \(places[0]) to \(places[1]) is \(Int(distanceKilometres.rounded())) km, "
            + "the RTT allows \(Int(allowedKilometres.rounded())) km"
    }

    enum CodingKeys: String, CodingKey {
        case kind, fromTTL = "from_ttl", toTTL = "to_ttl", distanceKilometres = "distance_km"
        case allowedKilometres = "allowed_km", from, to
    }
}
