import Foundation

/// What a finished command printed, and its exit status.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `arguments` (looked up in PATH through /usr/bin/env) to its end with `environment` added to this
/// process's own (a value of nil removes the variable). Output goes through temporary files, so a chatty command
/// never blocks on a full pipe.
public func runCommand(_ arguments: [String], environment: [String: String?] = [:], input: String? = nil,
                       directory: String? = nil) -> CommandResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let paths = ["in", "out", "err"].map { scratch.appendingPathComponent($0).path }
    FileManager.default.createFile(atPath: paths[0], contents: Data((input ?? "").utf8))
    FileManager.default.createFile(atPath: paths[1], contents: nil)
    FileManager.default.createFile(atPath: paths[2], contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    for (key, value) in environment { merged[key] = value }
    process.environment = merged
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.standardInput = FileHandle(forReadingAtPath: paths[0])
    process.standardOutput = FileHandle(forWritingAtPath: paths[1])
    process.standardError = FileHandle(forWritingAtPath: paths[2])
    do { try process.run() } catch {
        return CommandResult(status: -1, stdout: "", stderr: "cannot start \(arguments): \(error)")
    }
    process.waitUntilExit()
    let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    return CommandResult(status: process.terminationStatus, stdout: read(paths[1]), stderr: read(paths[2]))
}
