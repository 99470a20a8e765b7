import ArgumentParser
import Foundation
import TracemapModel

/// `--origin LAT,LON`: where the probes start, for checking hop locations against their RTTs (README
/// "Geography checked against physics").
struct OriginArgument: ExpressibleByArgument, Sendable {
    var location: GeoLocation

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let latitude = Double(parts[0]), let longitude = Double(parts[1]),
              (-90...90).contains(latitude), (-180...180).contains(longitude) else { return nil }
        location = GeoLocation(latitude: latitude, longitude: longitude)
    }

    static var defaultValueDescription: String { "LAT,LON" }
}
