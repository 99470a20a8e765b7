#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Special-purpose address classes (RFC 6890 and friends). Anything but `global` is never sent to an outside lookup.
public enum AddressClass: String, Codable, Sendable, CaseIterable {
    case global
    case privateUse = "private"       // RFC 1918
    case cgnat                        // RFC 6598, 100.64.0.0/10
    case loopback
    case linkLocal = "link-local"
    case documentation                // RFC 5737, RFC 3849
    case multicast
    case uniqueLocal = "ula"          // RFC 4193, fc00::/7
    case bogon                        // other reserved space (0/8, 240/4, benchmarking…)
}

/// Where an address is, from a GeoIP database.
public struct GeoLocation: Codable, Sendable, Hashable {
    public var city: String?
    public var region: String?
    public var country: String?
    public var countryCode: String?
    public var latitude: Double?
    public var longitude: Double?
    /// Kilometres, as the database states it.
    public var accuracyRadius: Double?

    public init(city: String? = nil, region: String? = nil, country: String? = nil, countryCode: String? = nil,
                latitude: Double? = nil, longitude: Double? = nil, accuracyRadius: Double? = nil) {
        self.city = city
        self.region = region
        self.country = country
        self.countryCode = countryCode
        self.latitude = latitude
        self.longitude = longitude
        self.accuracyRadius = accuracyRadius
    }

    /// "City, CC" or the best part of it that is known.
    public var shortText: String {
        [city, countryCode ?? country].compactMap { $0 }.joined(separator: ", ")
    }

    enum CodingKeys: String, CodingKey {
        case city, region, country, countryCode = "country_code", latitude, longitude
        case accuracyRadius = "accuracy_radius_km"
    }
}

/// The autonomous system an address is announced from.
public struct ASNInfo: Codable, Sendable, Hashable {
    public var number: UInt32
    public var organization: String?
    public var prefix: String?

    public init(number: UInt32, organization: String? = nil, prefix: String? = nil) {
        self.number = number
        self.organization = organization
        self.prefix = prefix
    }
}

/// How far a location can be trusted against the physics of the RTT.
public enum GeoConfidence: String, Codable, Sendable {
    case normal
    /// The location is farther from the source than light in fibre can go in half the RTT.
    case low
}

/// Everything known about one responder address.
public struct HostInfo: Codable, Sendable, Hashable {
    public var hostname: String?
    public var asn: ASNInfo?
    public var location: GeoLocation?
    public var addressClass: AddressClass
    public var confidence: GeoConfidence?

    public init(hostname: String? = nil, asn: ASNInfo? = nil, location: GeoLocation? = nil,
                addressClass: AddressClass = .global, confidence: GeoConfidence? = nil) {
        self.hostname = hostname
        self.asn = asn
        self.location = location
        self.addressClass = addressClass
        self.confidence = confidence
    }

    enum CodingKeys: String, CodingKey {
        case hostname, asn, location, addressClass = "class", confidence
    }
}
