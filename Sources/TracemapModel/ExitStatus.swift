/// The documented exit codes of every tracemap command (README "Exit codes").
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// The trace ran but the destination never answered (trace), or an alert fired (watch --fail-on-alert).
    case destinationNotReached = 1
    /// A wrong flag or option value (EX_USAGE of sysexits.h, as swift-argument-parser uses).
    case usage = 64
    /// The host name does not resolve, or has no address of the requested family.
    case unknownHost = 3
    /// No probe method can open here: no privileges, ping sockets not allowed.
    case noPermission = 4
    /// No route to the target, or the network refused every send.
    case network = 5
    /// A trace or recording file, or a database, cannot be read.
    case badInput = 6
    /// The terminal cannot host the TUI (not a terminal, no terminfo).
    case terminal = 7
    /// A remote engine (Globalping, RIPE Atlas, Cloudflare) refused or failed: no probes found, rate limit spent,
    /// a rejected request, a server failure or a malformed answer.
    case remote = 8
    /// Output could not be written (a full disk, a closed stdout): EX_IOERR of sysexits.h.
    case outputFailed = 74
    /// Interrupted by SIGINT (128 + 2), after a final report.
    case interrupted = 130
    /// The reader of stdout went away (EPIPE while SIGPIPE is ignored): the status SIGPIPE itself gives (128 + 13).
    case brokenPipe = 141
    /// Terminated by SIGTERM (128 + 15), after a final report.
    case terminated = 143
}
