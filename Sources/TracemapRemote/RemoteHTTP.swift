import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import TracemapModel
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One HTTP request to a remote engine.
public struct RemoteRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response, body read whole (the engines' answers are small JSON documents).
public struct RemoteResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header of that name, case-insensitively (RFC 9110 §5.1).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// How patient to be: per-request timeouts and retries of server failures.
public struct RetryPolicy: Sendable {
    /// Attempts for one request when the server answers 5xx (or drops the connection mid-answer).
    public var attempts = 3
    /// The wait before the second attempt; doubled for each further one.
    public var firstBackoff: Duration = .milliseconds(500)
    /// Longest time for one request, connection included.
    public var requestTimeout: Duration = .seconds(30)
    /// Longest time to open a connection (DNS, TCP, TLS).
    public var connectTimeout: Duration = .seconds(10)
    /// The longest `Retry-After` tracemap waits out by itself before giving up with the rate-limit error.
    public var longestRetryAfter: Duration = .seconds(60)

    public init() {}
}

/// The HTTP client every engine uses: swift-server's async-http-client (no full Foundation), redirects off (a
/// credential never follows a redirect to another host), connection failures reported at once instead of retried
/// until the deadline, 5xx retried with exponential backoff, and every secret removed from what it reports.
public final class RemoteHTTP: Sendable {
    private let client: HTTPClient
    public let policy: RetryPolicy
    public let secrets: Secrets
    /// Called with one line per request and response (`TRACEMAP_HTTP_DEBUG=1`), secrets already removed.
    private let log: (@Sendable (String) -> Void)?
    public static let userAgent = "tracemap/\(TracemapVersion.current) (https://github.com/tracemap/tracemap)"

    public init(policy: RetryPolicy = RetryPolicy(), secrets: Secrets, log: (@Sendable (String) -> Void)? = nil) {
        client = Self.shared
        self.policy = policy
        self.secrets = secrets
        self.log = log
    }

    /// One client for the process, as async-http-client's own `HTTPClient.shared`: an HTTPClient must be shut
    /// down before it is released, and a process-wide one never is. Timeouts per request come from the policy.
    private static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(60)),
            decompression: .enabled(limit: .ratio(50)))
        // A refused or unroutable address fails now, not after the connect timeout of silent retries.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Sends a request, retrying 5xx answers (and, for GET, dropped connections) with backoff. Returns every
    /// other answer, whatever its status, for the engine to read in its own error envelope.
    public func send(_ request: RemoteRequest, engine: RemoteEngine) async throws(RemoteError) -> RemoteResponse {
        var backoff = policy.firstBackoff
        var attempt = 1
        while true {
            do {
                let response = try await sendOnce(request)
                // A POST is retried only when a gateway says the request never reached the engine (502/503/504):
                // retrying a 500 could create a second measurement and spend the budget twice.
                let retriable = request.method == "GET" ? response.status >= 500
                    : [502, 503, 504].contains(response.status)
                if retriable && attempt < policy.attempts {
                    logLine("retrying in \(backoff) after HTTP \(response.status) (attempt \(attempt) of \(policy.attempts))")
                    try? await Task.sleep(for: backoff)
                    backoff *= 2
                    attempt += 1
                    continue
                }
                return response
            } catch let error as RemoteError {
                if case .unreachable = error { throw error.redacted(secrets) }
                throw error.redacted(secrets)
            } catch {
                throw RemoteError.malformed(engine: engine, detail: secrets.scrub("\(error)"))
            }
        }
    }

    private func sendOnce(_ request: RemoteRequest) async throws -> RemoteResponse {
        guard let url = URL(string: request.url), let host = url.host, !host.isEmpty,
              url.scheme == "http" || url.scheme == "https" else {
            throw RemoteError.badSetting(name: "URL", detail: "not an http(s) URL: \(secrets.scrub(request.url))")
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        outgoing.headers.add(name: "User-Agent", value: Self.userAgent)
        outgoing.headers.add(name: "Accept", value: "application/json")
        outgoing.headers.add(name: "Accept-Encoding", value: "gzip")
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body {
            outgoing.headers.add(name: "Content-Type", value: "application/json")
            outgoing.body = .bytes(body)
        }
        logLine("→ \(request.method) \(request.url) " + request.headers.map { name, value in
            "\(name): \(Self.isCredentialHeader(name) ? "***" : value)"
        }.joined(separator: ", "))
        let hostLabel = url.port.map { "\(host):\($0)" } ?? host
        do {
            let response = try await client.execute(
                outgoing, timeout: .nanoseconds(Int64(policy.requestTimeout.nanoseconds)))
            let body = try await response.body.collect(upTo: 16 << 20)
            let result = RemoteResponse(status: Int(response.status.code),
                                        headers: response.headers.map { ($0.name, $0.value) },
                                        body: Array(buffer: body))
            logLine("← HTTP \(result.status) \(request.url) (\(result.body.count) bytes)")
            return result
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw RemoteError.timedOut(host: hostLabel, seconds: Int(policy.requestTimeout.components.seconds))
        } catch let error as HTTPClientError where error == .connectTimeout {
            throw RemoteError.unreachable(host: hostLabel, reason: "connection timed out")
        } catch let error as RemoteError {
            throw error
        } catch {
            throw RemoteError.unreachable(host: hostLabel, reason: Self.reason(error))
        }
    }

    /// The cause in a few words: "connection refused", "name does not resolve", not a NIO type dump.
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        let lowered = text.lowercased()
        if lowered.contains("refused") { return "connection refused" }
        if lowered.contains("unreachable") { return "network unreachable" }
        if lowered.contains("nxdomain") || lowered.contains("resolve") || lowered.contains("dns")
            || lowered.contains("no address") || lowered.contains("name or service") { return "name does not resolve" }
        if lowered.contains("ssl") || lowered.contains("tls") || lowered.contains("certificate") {
            return "TLS failure: " + (text.split(separator: "\n").first.map(String.init) ?? text)
        }
        return text.split(separator: "\n").first.map(String.init) ?? text
    }

    static func isCredentialHeader(_ name: String) -> Bool {
        ["authorization", "x-auth-key", "x-auth-email", "cookie"].contains(name.lowercased())
    }

    private func logLine(_ line: String) {
        log?(secrets.scrub(line))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var milliseconds: Int64 { nanoseconds / 1_000_000 }
}
