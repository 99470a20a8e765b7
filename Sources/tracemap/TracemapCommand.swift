import ArgumentParser
import Foundation
import TracemapCLI
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
            DoctorCommand.self, CacheCommand.self, ConfigCommand.self,
        ])

    static func main() async {
        Output.protectStandardDescriptors()
        // `help NAME` of a command that does not exist would print the top help and succeed.
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "help", let name = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) {
            let names = configuration.subcommands.compactMap { $0.configuration.commandName }
            if !names.contains(name) {
                Output.error("unknown command '\(name)' (commands: \(names.joined(separator: ", ")))")
                Glibc.exit(ExitStatus.usage.rawValue)
            }
        }
        // config.toml's defaults join the command line before parsing; data files open before privileges drop.
        await CommandLineMain.run(Self.self, hooks: CommandLineMain.Hooks(
            arguments: { try ConfigLayer.apply(to: Array(CommandLine.arguments.dropFirst())) },
            parsed: { openDatabasesEarly(for: $0) },
            usageMessage: { ConfigLayer.attribute($0) }))
    }
}

/// Every command of this module throws it as plain `CommandFailure`.
typealias CommandFailure = TracemapCLI.CommandFailure
