import TracemapProcess

/// What a finished command printed, and its exit status.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `arguments` (looked up in PATH) to its end with `environment` added to this process's own (a value of
/// nil removes the variable). Output goes through temporary files, so a chatty command never blocks on a full
/// pipe.
public func runCommand(_ arguments: [String], environment: [String: String?] = [:], input: String? = nil,
                       directory: String? = nil) -> CommandResult {
    var merged = ChildProcess.currentEnvironment
    for (key, value) in environment { merged[key] = value }
    let result = ChildProcess.run(arguments, input: Array((input ?? "").utf8), environment: merged, directory: directory)
    return CommandResult(status: result.termination.shellStatus, stdout: result.stdoutText, stderr: result.stderrText)
}
