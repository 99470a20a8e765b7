import ArgumentParser
import Foundation
import TracemapModel

@main
struct TracemapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracemap",
        abstract: "A traceroute monitor for Linux terminals.",
        discussion: """
            Configuration: $XDG_CONFIG_HOME/tracemap/config.toml (~/.config/tracemap/config.toml, or \
            TRACEMAP_CONFIG), tables [trace] [watch] [tui] [enrich] [remote] [keys] whose keys are the long \
            options; a flag wins over the environment, which wins over the file. `tracemap config init` writes one.

            GeoIP database, first found: --geoip-mmdb, TRACEMAP_GEOIP_MMDB, \
            $XDG_DATA_HOME/tracemap/dbip-city-lite.mmdb, then PREFIX/share/tracemap, /usr/local/share/tracemap, \
            /usr/share/tracemap. `tracemap doctor` shows which one opens.

            GeoIP data: DB-IP City Lite by DB-IP.com, CC BY 4.0.
            """,
        version: "tracemap \(TracemapVersion.current) (GeoIP: DB-IP City Lite, https://db-ip.com, CC BY 4.0)",
        subcommands: [
            TraceCommand.self, WatchCommand.self, TUICommand.self, ReplayCommand.self, StatsCommand.self,
            DiffCommand.self, ExportCommand.self, AtlasCommand.self, DemoCommand.self,
            DoctorCommand.self, CacheCommand.self, SimCommand.self, BenchCommand.self,
            ConfigCommand.self,
        ])

    /// Every failure ends as one line on stderr and a documented exit code (README "Exit codes"), never a
    /// usage dump or a trap.
    static func main() async {
        do {
            var command = try parseAsRoot(ConfigLayer.apply(to: Array(CommandLine.arguments.dropFirst())))
            openDatabasesEarly(for: command)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            // A command that already said everything it had to say, and only sets the status.
            Glibc.exit(code.rawValue)
        } catch let failure as CommandFailure {
            let message = failure.status == .usage ? ConfigLayer.attribute(failure.message) : failure.message
            FileHandle.standardError.write(Data("tracemap: \(message)\n".utf8))
            Glibc.exit(failure.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            var text = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            if code == .validationFailure { text = ConfigLayer.attribute(text) }
            if !text.isEmpty { FileHandle.standardError.write(Data("tracemap: \(text)\n".utf8)) }
            Glibc.exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
        }
    }
}

/// A command's failure: the one line to print and the exit status.
struct CommandFailure: Error {
    var message: String
    var status: ExitStatus
}
