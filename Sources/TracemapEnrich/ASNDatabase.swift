import Foundation
import TracemapModel

/// Reads autonomous systems from an ASN database, in the layout its metadata names.
struct ASNDatabase: Sendable {
    enum Schema: Sendable, Equatable {
        /// GeoLite2-ASN and DB-IP ASN Lite: `autonomous_system_number`, `autonomous_system_organization`.
        case maxMindASN
        /// IPinfo ASN and Lite: `asn` as "AS64500", `name` or `as_name`.
        case ipinfo
    }

    let database: MaxMindDatabase
    let schema: Schema

    /// Why a database cannot serve autonomous systems (a city-only database), nil when it can.
    static func unsuitability(of database: MaxMindDatabase) -> String? {
        let type = database.databaseType.lowercased()
        if !type.contains("asn") && (type.contains("city") || type.contains("location") || type.contains("country")) {
            return "\(database.path) is a location database (\(database.databaseType)), not an ASN database"
        }
        return nil
    }

    init(database: MaxMindDatabase) {
        self.database = database
        schema = database.databaseType.lowercased().contains("ipinfo") ? .ipinfo : .maxMindASN
    }

    /// The autonomous system the database gives for `address`, with the database network as its prefix.
    func asn(for address: IPAddress) throws(MaxMindError) -> ASNInfo? {
        guard let record = try database.lookup(address) else { return nil }
        switch schema {
        case .maxMindASN:
            guard let number = record.unsigned("autonomous_system_number"), let value = UInt32(exactly: number)
            else { return nil }
            return ASNInfo(number: value, organization: record.string("autonomous_system_organization"),
                           prefix: record.network)
        case .ipinfo:
            guard let text = record.string("asn"), let number = Self.parseASN(text) else { return nil }
            return ASNInfo(number: number, organization: record.string("name") ?? record.string("as_name"),
                           prefix: record.string("route") ?? record.network)
        }
    }

    /// "AS64500", "as64500" or "64500".
    static func parseASN(_ text: String) -> UInt32? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.uppercased().hasPrefix("AS") ? trimmed.dropFirst(2) : Substring(trimmed)
        return UInt32(digits)
    }
}
