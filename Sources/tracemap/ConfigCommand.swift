import TracemapCLI
import ArgumentParser
import Foundation
import TracemapConfig
import TracemapModel

/// `tracemap config path|show|init`: where config.toml is, what it sets, and a commented file of the defaults.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show, check or create the configuration file (config.toml).",
        discussion: """
            The file is $XDG_CONFIG_HOME/tracemap/config.toml (~/.config/tracemap/config.toml), or \
            TRACEMAP_CONFIG. Precedence: a command-line flag, then the environment, then the file, then the \
            built-in default. A bad file is one line FILE:LINE:COLUMN: message and exit status 64.
            """,
        subcommands: [Path.self, Show.self, Init.self])

    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print where the configuration file is read from.")

        func run() {
            Output.line(ConfigPaths.file(environment: ProcessInfo.processInfo.environment))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the configuration file and print every key it sets, with its line (tokens masked).")

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let path = ConfigPaths.file(environment: environment)
            let config: Config?
            do {
                config = try ConfigLayer.load(environment: environment)
            } catch {
                throw CommandFailure(message: error.description, status: .usage)
            }
            guard let config else {
                Output.line("# no configuration file at \(path): built-in defaults (tracemap config init writes one)")
                return
            }
            Output.line("# \(path): valid")
            Output.write(config.show(environment: environment))
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a configuration file of the defaults, every line commented out.")

        @Flag(help: "Replace an existing file.")
        var force = false

        @Option(help: ArgumentHelp("Write here instead (- for standard output).", valueName: "path"))
        var output: String?

        func run() throws {
            let text = Config.template(schema: ConfigLayer.schema())
            let path = output ?? ConfigPaths.file(environment: ProcessInfo.processInfo.environment)
            if path == "-" {
                Output.write(text)
                return
            }
            if !force && FileManager.default.fileExists(atPath: path) {
                throw CommandFailure(message: "\(path) exists; --force replaces it", status: .usage)
            }
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
            } catch {
                throw CommandFailure(message: "cannot write \(path): \(error.localizedDescription)",
                                     status: .badInput)
            }
            // In place, as every file tracemap writes: `-o /dev/null --force` must not replace the device.
            try writeFile(path, Array(text.utf8))
            Output.line("wrote \(path)")
        }
    }
}
