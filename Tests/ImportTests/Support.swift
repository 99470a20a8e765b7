import Foundation
import TracemapProcess
import XCTest
@testable import TracemapImport

enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func read(_ name: String, format: ImportFormat? = nil) throws -> ImportedFile {
        try TraceImporter.read(path: path(name), format: format)
    }
}

/// Runs the built `tracemap` (next to the test bundle, or $TRACEMAP_BINARY) and returns what a user sees.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["TRACEMAP_BINARY"] { return override }
        let bundle = Bundle(for: BundleToken.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("tracemap").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    static func run(_ arguments: [String]) throws -> Result {
        let result = ChildProcess.run([binary] + arguments)
        return Result(status: result.termination.shellStatus, stdout: result.stdoutText, stderr: result.stderrText)
    }
}

private final class BundleToken {}
