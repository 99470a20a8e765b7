import Foundation
import XCTest
@testable import TracemapImport

enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func read(_ name: String, format: ImportFormat? = nil) throws -> ImportedFile {
        try TraceImporter.read(path: path(name), format: format)
    }
}
