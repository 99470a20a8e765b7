import Glibc

/// Where config.toml is, after the XDG Base Directory specification.
public enum ConfigPaths {
    /// `TRACEMAP_CONFIG` when set, else `$XDG_CONFIG_HOME/tracemap/config.toml` (a relative
    /// `XDG_CONFIG_HOME` is ignored, as the specification says), else `~/.config/tracemap/config.toml`.
    public static func file(environment: [String: String]) -> String {
        if let path = environment["TRACEMAP_CONFIG"], !path.isEmpty { return path }
        if let directory = environment["XDG_CONFIG_HOME"], directory.hasPrefix("/") {
            return directory + "/tracemap/config.toml"
        }
        return home(environment: environment) + "/.config/tracemap/config.toml"
    }

    static func home(environment: [String: String]) -> String {
        if let value = environment["HOME"], !value.isEmpty { return value }
        if let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir { return String(cString: directory) }
        return "/"
    }
}
