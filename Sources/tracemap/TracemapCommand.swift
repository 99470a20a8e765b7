import ArgumentParser
import Foundation
import TracemapModel

@main
struct TracemapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracemap",
        abstract: "A traceroute monitor for Linux terminals.",
        discussion: "GeoIP data: DB-IP City Lite by DB-IP.com, CC BY 4.0.",
        version: "tracemap \(TracemapVersion.current) (GeoIP: DB-IP City Lite, https://db-ip.com, CC BY 4.0)",
        subcommands: [
            TraceCommand.self, WatchCommand.self, TUICommand.self, ReplayCommand.self, DemoCommand.self,
            DoctorCommand.self, CacheCommand.self, SimCommand.self, BenchCommand.self,
        ])

    /// Every failure ends as one line on stderr and a documented exit code (README "Exit codes"), never a
    /// usage dump or a trap.
    static func main() async {
        Output.protectStandardDescriptors()
        // `help NAME` of a command that does not exist would print the top help and succeed.
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "help", let name = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) {
            let names = configuration.subcommands.compactMap { $0.configuration.commandName }
            if !names.contains(name) {
                Output.error("unknown command '\(name)' (commands: \(names.filter { $0 != "sim" && $0 != "bench" }.joined(separator: ", ")))")
                Glibc.exit(ExitStatus.usage.rawValue)
            }
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            // A command that already said everything it had to say, and only sets the status.
            Glibc.exit(code.rawValue)
        } catch let failure as CommandFailure {
            Output.error(failure.message)
            Glibc.exit(failure.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Output.line(fullMessage(for: error))
                Glibc.exit(0)
            }
            let text = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            if !text.isEmpty { Output.error(text) }
            Glibc.exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
        }
    }
}

/// A command's failure: the one line to print and the exit status.
struct CommandFailure: Error {
    var message: String
    var status: ExitStatus
}
