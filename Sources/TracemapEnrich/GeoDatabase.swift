import TracemapModel

/// Reads locations from a GeoIP database, in the layout its metadata names.
struct GeoDatabase: Sendable {
    /// The record layouts tracemap reads.
    enum Schema: Sendable, Equatable {
        /// GeoIP2/GeoLite2-City and DB-IP City Lite: nested `city.names.en`, `location.latitude`…
        case maxMindCity
        /// IPinfo: flat keys `city`, `region`, `country`, `lat`, `lng`.
        case ipinfo
    }

    let database: MaxMindDatabase
    let schema: Schema

    /// Why a database cannot serve locations (an ASN-only database), nil when it can.
    static func unsuitability(of database: MaxMindDatabase) -> String? {
        let type = database.databaseType.lowercased()
        if type.contains("asn") && !type.contains("city") && !type.contains("location") {
            return "\(database.path) is an ASN database (\(database.databaseType)), not a city database"
        }
        return nil
    }

    init(database: MaxMindDatabase) {
        self.database = database
        schema = database.databaseType.lowercased().contains("ipinfo") ? .ipinfo : .maxMindCity
    }

    /// The location the database gives for `address`; nil when it has none or no usable field.
    func location(for address: IPAddress) throws(MaxMindError) -> GeoLocation? {
        guard let record = try database.lookup(address) else { return nil }
        let location = switch schema {
        case .maxMindCity: Self.cityLayout(record)
        case .ipinfo: Self.flatLayout(record)
        }
        return location == GeoLocation() ? nil : location
    }

    private static func cityLayout(_ record: MaxMindRecord) -> GeoLocation {
        // Only `country` says where the address is; `registered_country` is where its block was registered, so it
        // is never used as a location.
        GeoLocation(city: record.string("city", "names", "en"),
                    region: record.string("subdivisions", "0", "names", "en"),
                    country: record.string("country", "names", "en"),
                    countryCode: record.string("country", "iso_code"),
                    latitude: record.double("location", "latitude"),
                    longitude: record.double("location", "longitude"),
                    accuracyRadius: record.double("location", "accuracy_radius"))
    }

    private static func flatLayout(_ record: MaxMindRecord) -> GeoLocation {
        // IPinfo's location database calls the ISO code `country`; its Lite database keeps the name there and
        // the code in `country_code`.
        var country = record.string("country_name")
        var code = record.string("country_code")
        if let value = record.string("country") {
            if code == nil && value.count == 2 && value == value.uppercased() { code = value } else { country = country ?? value }
        }
        return GeoLocation(city: record.string("city"),
                           region: record.string("region"),
                           country: country,
                           countryCode: code,
                           latitude: record.double("lat") ?? record.double("latitude"),
                           longitude: record.double("lng") ?? record.double("longitude"),
                           accuracyRadius: nil)
    }
}
