import ArgumentParser

@main
struct TracemapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracemap",
        abstract: "A traceroute monitor for Linux terminals.",
        subcommands: [
            TraceCommand.self, WatchCommand.self, TUICommand.self, ReplayCommand.self, DemoCommand.self,
            DoctorCommand.self, CacheCommand.self, SimCommand.self,
        ])
}
