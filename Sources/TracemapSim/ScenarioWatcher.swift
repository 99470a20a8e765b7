import Glibc

/// Notices when a scenario file changes (polled stat: inode, size and nanosecond mtime, so an atomic rename and
/// an in-place rewrite both count) and reads the new version.
struct ScenarioWatcher {
    let path: String
    private var signature: [Int]?
    private var reportedFailure: [Int]?

    init(path: String) {
        self.path = path
        signature = Self.signature(of: path)
    }

    /// The new scenario when the file changed since the last successful read; nil when unchanged. A file that
    /// does not parse (a writer half-way through) is read again on the next call; its error is returned once.
    mutating func poll() -> Result<Scenario, SimulatorError>? {
        guard let current = Self.signature(of: path), current != signature else { return nil }
        do {
            let scenario = try Scenario(contentsOf: path)
            signature = current
            return .success(scenario)
        } catch {
            guard reportedFailure != current else { return nil }
            reportedFailure = current
            return .failure(.scenario(path: path, reason: "\(error)"))
        }
    }

    private static func signature(of path: String) -> [Int]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [Int(info.st_ino), Int(info.st_size), info.st_mtim.tv_sec, info.st_mtim.tv_nsec]
    }
}
