import ArgumentParser
import Foundation
import TracemapModel

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
    public static func run<Root: ParsableCommand>(_ root: Root.Type) async -> Never {
        do {
            var command = try root.parseAsRoot()
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
            FileHandle.standardError.write(Data("tracemap: \(failure.message)\n".utf8))
            Glibc.exit(failure.status.rawValue)
        } catch {
            let code = root.exitCode(for: error)
            if code == .success {
                print(root.fullMessage(for: error))
                Glibc.exit(0)
            }
            let text = root.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            if !text.isEmpty { FileHandle.standardError.write(Data("tracemap: \(text)\n".utf8)) }
            Glibc.exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
        }
    }
}
