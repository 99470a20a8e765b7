import ArgumentParser
import Foundation
import TracemapModel
import TracemapReport

/// A command's failure: the one line to print and the exit status.
public struct CommandFailure: Error {
    public var message: String
    public var status: ExitStatus

    public init(message: String, status: ExitStatus) {
        self.message = message
        self.status = status
    }
}

/// The `main` of both executables (`tracemap` and `tracemap-lab`): every failure ends as one line on stderr
/// starting `tracemap: ` and a documented exit code (README "Exit codes"), never a usage dump or a trap.
public enum CommandLineMain {
    /// What a program adds around parsing (`tracemap`: its config.toml layer).
    public struct Hooks: Sendable {
        /// The arguments to parse, without the program name; by default the command line's own.
        public var arguments: @Sendable () throws -> [String]
        /// Runs once the command is parsed, before it runs.
        public var parsed: @Sendable (any ParsableCommand) -> Void
        /// A usage error's final text.
        public var usageMessage: @Sendable (String) -> String

        public init(arguments: @escaping @Sendable () throws -> [String] = { Array(CommandLine.arguments.dropFirst()) },
                    parsed: @escaping @Sendable (any ParsableCommand) -> Void = { _ in },
                    usageMessage: @escaping @Sendable (String) -> String = { $0 }) {
            self.arguments = arguments
            self.parsed = parsed
            self.usageMessage = usageMessage
        }
    }

    public static func run<Root: ParsableCommand>(_ root: Root.Type, hooks: Hooks = Hooks()) async -> Never {
        do {
            var command = try root.parseAsRoot(hooks.arguments())
            hooks.parsed(command)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Glibc.exit(0)
        } catch let code as ExitCode {
            // A command that already said everything it had to say, and only sets the status.
            Glibc.exit(code.rawValue)
        } catch let failure as CommandFailure {
            let message = failure.status == .usage ? hooks.usageMessage(failure.message) : failure.message
            // Messages carry names from the command line, DNS and files: `Output.error` escapes them.
            Output.error(message)
            Glibc.exit(failure.status.rawValue)
        } catch {
            let code = root.exitCode(for: error)
            if code == .success {
                // Help and --version: a stdout that cannot take them is an error like any other output's (74).
                Output.line(root.fullMessage(for: error))
                Glibc.exit(0)
            }
            var text = root.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            if code == .validationFailure { text = hooks.usageMessage(text) }
            if !text.isEmpty { Output.error(text) }
            Glibc.exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
        }
    }
}
