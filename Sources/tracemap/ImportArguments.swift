import ArgumentParser
import Foundation
import TracemapCLI
import TracemapImport
import TracemapModel

extension ImportFormat: ExpressibleByArgument {}

/// `--input-format`, shared by the commands that read saved traces (stats, diff, replay).
struct ImportArguments: ParsableArguments {
    @Option(name: .customLong("input-format"),
            help: "Read the files as this format instead of recognising it: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var inputFormat: ImportFormat?

    /// Reads `path`; a file that cannot be read or recognised ends the command with one line and `status`.
    func read(_ path: String, status: Int32 = ExitStatus.badInput.rawValue) throws -> ImportedFile {
        do {
            return try TraceImporter.read(path: path, format: inputFormat)
        } catch {
            Output.error("\(error)")
            throw ExitCode(status)
        }
    }
}


