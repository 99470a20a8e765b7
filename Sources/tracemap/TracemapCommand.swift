import ArgumentParser

@main
struct TracemapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tracemap")
}
