#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Databases opened before privileges are dropped. Under sudo the lookup runs as root, and the path it picks
/// may be unreadable once the process is back to the invoking user (a database in root's home); an open
/// memory mapping stays readable, so the commands open their databases first and the `Enricher` takes them
/// from here.
public enum OpenDatabases {
    private static let opened = Mutex<[String: MaxMindDatabase]>([:])
    private static let geoChoice = Mutex<[String: String]>([:])

    /// Resolves and opens the databases `options` will use; failures are left for the `Enricher` to report.
    public static func open(for options: EnrichmentOptions) {
        if options.geo {
            let path = EnrichmentPaths.geoDatabase(explicit: options.geoDatabasePath)
            geoChoice.withLock { $0[options.geoDatabasePath ?? ""] = path }
            keep(path)
        }
        if let path = options.asnDatabasePath, options.asnSource == .automatic || options.asnSource == .database {
            keep(path)
        }
    }

    private static func keep(_ path: String) {
        guard opened.withLock({ $0[path] }) == nil, let database = try? MaxMindDatabase(path: path) else { return }
        opened.withLock { $0[path] = database }
    }

    /// The GeoIP path chosen by `open(for:)` for the same `--geoip-mmdb`, else the lookup order's answer now.
    static func geoPath(explicit: String?) -> String {
        geoChoice.withLock { $0[explicit ?? ""] } ?? EnrichmentPaths.geoDatabase(explicit: explicit)
    }

    /// The database opened earlier at `path`, if any.
    static func database(at path: String) -> MaxMindDatabase? {
        opened.withLock { $0[path] }
    }
}

/// What `doctor` says of a database file: whether it opens, and what it is.
public struct DatabaseCheck: Sendable, Hashable {
    public var path: String
    public var opens: Bool
    /// "DBIP-City-Lite, IPv6, 125 MB", or why it does not open.
    public var detail: String

    /// Opens `path` as a GeoIP city database (`MMDB_open`) and checks its type, as the `Enricher` would.
    public static func geo(at path: String) -> DatabaseCheck {
        guard access(path, F_OK) == 0 else { return DatabaseCheck(path: path, opens: false, detail: "no file") }
        guard access(path, R_OK) == 0 else {
            return DatabaseCheck(path: path, opens: false, detail: "not readable by uid \(getuid())")
        }
        let database: MaxMindDatabase
        do {
            database = try MaxMindDatabase(path: path)
        } catch {
            return DatabaseCheck(path: path, opens: false, detail: "does not open: \(error.message)")
        }
        if let problem = GeoDatabase.unsuitability(of: database) {
            return DatabaseCheck(path: path, opens: false, detail: problem)
        }
        var size = stat()
        var megabytes = ""
        if stat(path, &size) == 0 {
            megabytes = size.st_size >= 1_000_000 ? " \(Int(size.st_size) / 1_000_000) MB," : " \(Int(size.st_size) / 1000) kB,"
        }
        return DatabaseCheck(path: path, opens: true,
                             detail: "\(database.databaseType),\(megabytes) IPv\(database.ipVersion)")
    }
}
