import TracemapModel

/// Why a remote engine gave no traces. Every case prints as one line (`tracemap: <description>`) and maps to a
/// documented exit status; messages the server sent are cut to one line and have every secret removed.
public enum RemoteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection: DNS failure, refused, unreachable network, TLS failure.
    case unreachable(host: String, reason: String)
    /// The server accepted the connection but did not answer in time.
    case timedOut(host: String, seconds: Int)
    /// 401/403: a missing, wrong or under-privileged credential.
    case unauthorized(engine: RemoteEngine, status: Int, message: String)
    /// A credential the engine always needs is not set.
    case missingCredential(engine: RemoteEngine, variable: String)
    /// 422 / "No suitable probes": nothing matched the requested locations.
    case noProbes(engine: RemoteEngine, message: String)
    /// 429: the engine's limit is spent (Globalping: the hourly test budget).
    case rateLimited(engine: RemoteEngine, message: String, limit: RateLimit?)
    /// 4xx other than the above: the engine refused the request, in its own words.
    case rejected(engine: RemoteEngine, status: Int, message: String)
    /// 5xx, still failing after the retries.
    case serverFailure(engine: RemoteEngine, status: Int, message: String)
    /// A body that is not what the engine documents.
    case malformed(engine: RemoteEngine, detail: String)
    /// The engine kept working past the wait limit.
    case stillRunning(engine: RemoteEngine, id: String, seconds: Int)
    /// A setting (base URL, option) that cannot work.
    case badSetting(name: String, detail: String)

    public var description: String {
        switch self {
        case .unreachable(let host, let reason):
            return "cannot reach \(host): \(reason)"
        case .timedOut(let host, let seconds):
            return "\(host) did not answer within \(seconds) s"
        case .unauthorized(let engine, let status, let message):
            return "\(engine.displayName) refused the credentials (HTTP \(status)): \(message)\(engine.credentialHint)"
        case .missingCredential(let engine, let variable):
            return "\(engine.displayName) needs \(variable) to be set\(engine.credentialHint)"
        case .noProbes(let engine, let message):
            return "\(engine.displayName): no probes found: \(message)"
        case .rateLimited(let engine, let message, let limit):
            var text = "\(engine.displayName) rate limit: \(message)"
            if let limit { text += " (\(limit.summary))" }
            if engine == .globalping { text += "; set GLOBALPING_TOKEN for a higher hourly limit, or ask for fewer probes" }
            return text
        case .rejected(let engine, let status, let message):
            return "\(engine.displayName) rejected the request (HTTP \(status)): \(message)"
        case .serverFailure(let engine, let status, let message):
            return "\(engine.displayName) failed (HTTP \(status)) after retries: \(message)"
        case .malformed(let engine, let detail):
            return "\(engine.displayName) sent a malformed answer: \(detail)"
        case .stillRunning(let engine, let id, let seconds):
            return "\(engine.displayName) measurement \(id) still running after \(seconds) s"
        case .badSetting(let name, let detail):
            return "\(name): \(detail)"
        }
    }

    /// The documented exit status (README "Exit codes").
    public var exitStatus: ExitStatus {
        switch self {
        case .unreachable, .timedOut: .network
        case .unauthorized, .missingCredential: .noPermission
        case .badSetting: .usage
        case .noProbes, .rateLimited, .rejected, .serverFailure, .malformed, .stillRunning: .remote
        }
    }

    /// The same error with every secret replaced (a server may echo a header back in its message).
    public func redacted(_ secrets: Secrets) -> RemoteError {
        switch self {
        case .unreachable(let host, let reason): .unreachable(host: host, reason: secrets.scrub(reason))
        case .timedOut: self
        case .unauthorized(let e, let s, let m): .unauthorized(engine: e, status: s, message: secrets.scrub(m))
        case .missingCredential: self
        case .noProbes(let e, let m): .noProbes(engine: e, message: secrets.scrub(m))
        case .rateLimited(let e, let m, let l): .rateLimited(engine: e, message: secrets.scrub(m), limit: l)
        case .rejected(let e, let s, let m): .rejected(engine: e, status: s, message: secrets.scrub(m))
        case .serverFailure(let e, let s, let m): .serverFailure(engine: e, status: s, message: secrets.scrub(m))
        case .malformed(let e, let d): .malformed(engine: e, detail: secrets.scrub(d))
        case .stillRunning: self
        case .badSetting(let n, let d): .badSetting(name: n, detail: secrets.scrub(d))
        }
    }
}

/// The remote engines tracemap runs traces on.
public enum RemoteEngine: String, Sendable, CaseIterable, Codable {
    case globalping
    case atlas = "ripe-atlas"
    case cloudflare

    public var displayName: String {
        switch self {
        case .globalping: "Globalping"
        case .atlas: "RIPE Atlas"
        case .cloudflare: "Cloudflare"
        }
    }

    var credentialHint: String {
        switch self {
        case .globalping: " (GLOBALPING_TOKEN is optional; unset it to run anonymously)"
        case .atlas: " (RIPE_ATLAS_KEY needs the permission to create measurements)"
        case .cloudflare: " (CLOUDFLARE_API_TOKEN needs Magic Transit Write on CLOUDFLARE_ACCOUNT_ID)"
        }
    }
}

/// Secret values (tokens, keys) that must never reach output, files or logs.
public struct Secrets: Sendable {
    private var values: [String]

    public init(_ values: [String?]) {
        // Very short values would blank out ordinary text; real tokens are long.
        self.values = values.compactMap { $0 }.filter { $0.count >= 4 }
    }

    public func scrub(_ text: String) -> String {
        var result = text
        for value in values where result.contains(value) {
            result = result.replacing(value, with: "***")
        }
        return result
    }
}
