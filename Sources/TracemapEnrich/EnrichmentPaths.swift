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

    /// Where a data file was looked for, and why there.
    public enum Origin: String, Sendable, Hashable {
        case flag, environment, user, system
    }

    public struct Candidate: Sendable, Hashable {
        public var path: String
        public var origin: Origin
    }

    /// The system data directories, in lookup order: the installation's own `$PREFIX/share/tracemap` (the
    /// prefix is the running binary's directory's parent, as `scripts/install.sh` lays it out), then
    /// `/usr/local/share/tracemap` and `/usr/share/tracemap` (the .deb).
    public static func systemDataDirectories(executable: String? = executablePath()) -> [String] {
        var directories: [String] = []
        if let executable {
            let bin = (executable as NSString).deletingLastPathComponent
            if (bin as NSString).lastPathComponent == "bin" {
                directories.append((bin as NSString).deletingLastPathComponent + "/share/tracemap")
            }
        }
        for directory in ["/usr/local/share/tracemap", "/usr/share/tracemap"] where !directories.contains(directory) {
            directories.append(directory)
        }
        return directories
    }

    /// This process's binary, from `/proc/self/exe`.
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The one lookup order of the GeoIP database, for `doctor` and every command alike: `--geoip-mmdb`, then
    /// `TRACEMAP_GEOIP_MMDB`, then the user data directory, then the system data directories. A flag or
    /// variable, when given, is the only candidate: a wrong path is reported, never silently replaced.
    public static func geoDatabaseCandidates(explicit: String?,
                                             environment: [String: String] = ProcessInfo.processInfo.environment,
                                             systemDirectories: [String] = systemDataDirectories()) -> [Candidate] {
        if let explicit, !explicit.isEmpty { return [Candidate(path: explicit, origin: .flag)] }
        if let value = environment["TRACEMAP_GEOIP_MMDB"], !value.isEmpty {
            return [Candidate(path: value, origin: .environment)]
        }
        return [Candidate(path: defaultGeoDatabase(environment: environment), origin: .user)]
            + systemDirectories.map { Candidate(path: $0 + "/" + geoDatabaseFileName, origin: .system) }
    }

    /// The database to open: the first candidate this process can read (`access(R_OK)` with the real user, so
    /// after sudo drops back to the user a file in root's home is passed over), else the first candidate (for
    /// the "no database at" message).
    public static func geoDatabase(explicit: String?,
                                   environment: [String: String] = ProcessInfo.processInfo.environment,
                                   systemDirectories: [String] = systemDataDirectories()) -> String {
        let candidates = geoDatabaseCandidates(explicit: explicit, environment: environment,
                                               systemDirectories: systemDirectories)
        return candidates.first { access($0.path, R_OK) == 0 }?.path ?? candidates[0].path
    }

    /// `TRACEMAP_CACHE_DIR` when set, else `$XDG_CACHE_HOME/tracemap`, by default `~/.cache/tracemap`.
    public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String {
        if let value = environment["TRACEMAP_CACHE_DIR"], !value.isEmpty { return value }
        // Under sudo HOME is root's, but the cache is written after privileges drop back to the invoking user
        // (`Privileges.drop`): it belongs in that user's home, where the user can write it.
        if environment["XDG_CACHE_HOME"]?.hasPrefix("/") != true, let home = sudoUserHome(environment: environment) {
            return home + "/.cache/tracemap"
        }
        return xdgDirectory("XDG_CACHE_HOME", default: ".cache", environment: environment) + "/tracemap"
    }

    /// The home of the user who ran sudo, when this process runs (or ran, before dropping back) for them.
    static func sudoUserHome(environment: [String: String]) -> String? {
        guard let uid = environment["SUDO_UID"].flatMap(uid_t.init), uid != 0,
              getuid() == 0 || getuid() == uid, let entry = getpwuid(uid), let directory = entry.pointee.pw_dir
        else { return nil }
        return String(cString: directory)
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
