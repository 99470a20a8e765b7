#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
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
}
