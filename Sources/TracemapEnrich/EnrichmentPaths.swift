import Foundation

/// Where tracemap keeps its databases and cache, after the XDG Base Directory specification.
public enum EnrichmentPaths {
    public static let geoDatabaseFileName = "dbip-city-lite.mmdb"

    /// `$XDG_DATA_HOME/tracemap`, by default `~/.local/share/tracemap`.
    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        xdgDirectory("XDG_DATA_HOME", default: ".local/share", environment: environment) + "/tracemap"
    }

    /// Where `scripts/install-geoip.sh` puts the DB-IP City Lite database.
    public static func defaultGeoDatabase(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String {
        dataDirectory(environment: environment) + "/" + geoDatabaseFileName
    }

    /// `--geoip-mmdb` when given, else `TRACEMAP_GEOIP_MMDB`, else the default database.
    public static func geoDatabase(explicit: String?,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let value = environment["TRACEMAP_GEOIP_MMDB"], !value.isEmpty { return value }
        return defaultGeoDatabase(environment: environment)
    }

    /// `TRACEMAP_CACHE_DIR` when set, else `$XDG_CACHE_HOME/tracemap`, by default `~/.cache/tracemap`.
    public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String {
        if let value = environment["TRACEMAP_CACHE_DIR"], !value.isEmpty { return value }
        return xdgDirectory("XDG_CACHE_HOME", default: ".cache", environment: environment) + "/tracemap"
    }

    /// The variable's value when it is an absolute path (the specification says to ignore relative ones),
    /// else `$HOME/<fallback>`.
    private static func xdgDirectory(_ variable: String, default fallback: String,
                                     environment: [String: String]) -> String {
        if let value = environment[variable], value.hasPrefix("/") { return value }
        return home(environment: environment) + "/" + fallback
    }

    private static func home(environment: [String: String]) -> String {
        if let value = environment["HOME"], !value.isEmpty { return value }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir { return String(cString: directory) }
        return "/"
    }
}
