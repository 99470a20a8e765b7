import Foundation

/// The databases a user named (`--geoip-mmdb`, `--asn-mmdb`, `TRACEMAP_GEOIP_MMDB`) must open: a missing or
/// corrupt one is an error with exit 6 (README "Exit codes"), said before any probe. Only the default database,
/// which a user may simply not have installed, stays a warning.
public enum NamedDatabases {
    /// The first problem with the databases the user named, as one line; nil when they open and fit.
    public static func problem(geoPath: String?, asnPath: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let geo = geoPath.flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["TRACEMAP_GEOIP_MMDB"].flatMap { $0.isEmpty ? nil : $0 }
        if let geo {
            if let problem = openProblem(geo, what: "GeoIP") { return problem }
            if let database = try? MaxMindDatabase(path: geo), let problem = GeoDatabase.unsuitability(of: database) {
                return "GeoIP database \(geo): \(problem)"
            }
        }
        if let asn = asnPath, !asn.isEmpty {
            if let problem = openProblem(asn, what: "ASN") { return problem }
            if let database = try? MaxMindDatabase(path: asn), let problem = ASNDatabase.unsuitability(of: database) {
                return "ASN database \(asn): \(problem)"
            }
        }
        return nil
    }

    private static func openProblem(_ path: String, what: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return "cannot read \(what) database \(path): no such file"
        }
        if isDirectory.boolValue { return "cannot read \(what) database \(path): is a directory" }
        do {
            _ = try MaxMindDatabase(path: path)
            return nil
        } catch {
            return "cannot read \(what) database \(path): \(error)"
        }
    }
}
