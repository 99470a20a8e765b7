import ArgumentParser
import TracemapCLI
import TracemapModel

/// `tracemap-lab`: what tests, `bench/` and `tracemap demo` need and users of `tracemap` never see — the packet
/// simulator and the in-process benchmarks. A second executable, so the shipped `tracemap` links no simulator and
/// carries no hidden commands.
@main
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracemap-lab",
        abstract: "tracemap's lab: the path simulator and benchmarks (tests, bench/, demo).",
        version: "tracemap-lab \(TracemapVersion.current)",
        subcommands: [SimCommand.self, BenchCommand.self])

    static func main() async {
        await CommandLineMain.run(Self.self)
    }
}

typealias CommandFailure = TracemapCLI.CommandFailure
