import ArgumentParser
import Foundation
import TracemapCLI
import TracemapModel

@main
struct TracemapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracemap",
        abstract: "A traceroute monitor for Linux terminals.",
        discussion: "GeoIP data: DB-IP City Lite by DB-IP.com, CC BY 4.0.",
        version: "tracemap \(TracemapVersion.current) (GeoIP: DB-IP City Lite, https://db-ip.com, CC BY 4.0)",
        subcommands: [
            TraceCommand.self, WatchCommand.self, TUICommand.self, ReplayCommand.self, StatsCommand.self,
            DiffCommand.self, ExportCommand.self, AtlasCommand.self, DemoCommand.self,
            DoctorCommand.self, CacheCommand.self,
        ])

    static func main() async {
        await CommandLineMain.run(Self.self)
    }
}

/// Every command of this module throws it as plain `CommandFailure`.
typealias CommandFailure = TracemapCLI.CommandFailure
