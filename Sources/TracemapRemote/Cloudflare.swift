#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel

/// A traceroute from Cloudflare colos (`POST /client/v4/accounts/{account_id}/diagnostics/traceroute`).
public struct CloudflareRequest: Sendable, Equatable {
    public static let packetTypes = ["icmp", "tcp", "udp", "gre", "gre+icmp"]
    public static let maxTargets = 10

    /// Up to 10 host names or addresses.
    public var targets: [String]
    /// Colo names ("FRA", "sin"); empty means every colo (China colos never take part).
    public var colos: [String]
    public var packetType: String = "icmp"
    /// Packets per TTL, 0…10 (default 3).
    public var packetsPerTTL: Int = 3
    /// Max TTL, 0…64 (default 15).
    public var maxTTL: Int = 15
    /// Seconds to wait for each reply, 1…5 (default 1).
    public var waitTime: Int = 1
    /// UDP/TCP destination port (ICMP: the first sequence number); 0 lets Cloudflare choose.
    public var port: Int?

    public init(targets: [String], colos: [String]) {
        self.targets = targets
        self.colos = colos
    }

    /// The documented bounds, checked before anything is sent.
    public func validate() throws(RemoteError) {
        if targets.isEmpty || targets.count > Self.maxTargets {
            throw .badSetting(name: "--cloudflare", detail: "give 1 to \(Self.maxTargets) targets")
        }
        if !Self.packetTypes.contains(packetType) {
            throw .badSetting(name: "--packet-type", detail: "one of " + Self.packetTypes.joined(separator: ", "))
        }
        if !(0...10).contains(packetsPerTTL) { throw .badSetting(name: "-q", detail: "Cloudflare takes 0…10 packets per TTL") }
        if !(0...64).contains(maxTTL) { throw .badSetting(name: "-m", detail: "Cloudflare takes a max TTL of 0…64") }
        if !(1...5).contains(waitTime) { throw .badSetting(name: "--timeout", detail: "Cloudflare waits 1…5 s per probe") }
    }

    public func body() -> [UInt8] {
        var options: [String: JSONValue] = [
            "packet_type": .string(packetType), "packets_per_ttl": .number(Double(packetsPerTTL)),
            "max_ttl": .number(Double(maxTTL)), "wait_time": .number(Double(waitTime)),
        ]
        if let port { options["port"] = .number(Double(port)) }
        var body: [String: JSONValue] = ["targets": .array(targets.map { .string($0) }), "options": .object(options)]
        if !colos.isEmpty { body["colos"] = .array(colos.map { .string($0) }) }
        return Array(JSONValue.object(body).encoded().utf8)
    }
}

/// The whole answer (`{"success": true, "result": [{"target", "colos": [...]}]}`), for the importer, and the
/// per-colo errors found in it.
public struct CloudflareResult: Sendable {
    public struct ColoError: Sendable, Equatable {
        public var target: String
        public var colo: String
        public var city: String?
        public var message: String
    }

    public var body: [UInt8]
    public var coloErrors: [ColoError]
    public var traceCount: Int
}

/// Cloudflare's diagnostics traceroute (Magic Transit): one synchronous call, token and account required.
public struct CloudflareClient: Sendable {
    public let http: RemoteHTTP
    public let baseURL: String
    public let token: String?
    public let account: String?

    public init(http: RemoteHTTP, baseURL: String, token: String?, account: String?) {
        self.http = http
        self.baseURL = baseURL
        self.token = token
        self.account = account
    }

    public func run(_ request: CloudflareRequest) async throws(RemoteError) -> CloudflareResult {
        try request.validate()
        guard let token else { throw RemoteError.missingCredential(engine: .cloudflare, variable: "CLOUDFLARE_API_TOKEN") }
        guard let account else {
            throw RemoteError.missingCredential(engine: .cloudflare, variable: "CLOUDFLARE_ACCOUNT_ID")
        }
        guard account.count <= 32, account.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw RemoteError.badSetting(name: "CLOUDFLARE_ACCOUNT_ID", detail: "an account id is up to 32 letters and digits")
        }
        let post = RemoteRequest(method: "POST",
                                 url: baseURL + "/client/v4/accounts/\(account)/diagnostics/traceroute",
                                 headers: [("Authorization", "Bearer \(token)")], body: request.body())
        var response = try await http.send(post, engine: .cloudflare)
        // Cloudflare's API limit counts per user over 5 minutes; a short Retry-After is waited out once.
        if response.status == 429, let wait = RateLimit(response)?.retryAfterSeconds, wait <= 10 {
            try? await Task.sleep(for: .seconds(wait))
            response = try await http.send(post, engine: .cloudflare)
        }
        let json = JSONValue.parse(response.body)
        guard response.status == 200, json?["success"]?.bool == true else {
            throw Self.error(response, json: json).redacted(http.secrets)
        }
        guard let results = json?["result"]?.array else {
            throw RemoteError.malformed(engine: .cloudflare, detail: "the answer has no result array")
        }
        var errors: [CloudflareResult.ColoError] = []
        var traces = 0
        for item in results {
            let target = item["target"]?.string ?? "?"
            for colo in item["colos"]?.array ?? [] {
                let message = colo["error"]?.string ?? ""
                if message.isEmpty { traces += 1; continue }
                errors.append(.init(target: target, colo: colo["colo"]?["name"]?.string ?? "?",
                                    city: colo["colo"]?["city"]?.string, message: message.oneLine()))
            }
        }
        return CloudflareResult(body: response.body, coloErrors: errors, traceCount: traces)
    }

    /// Cloudflare's v4 envelope: `{"success": false, "errors": [{"code": 10000, "message": "…"}]}`.
    static func error(_ response: RemoteResponse, json: JSONValue?) -> RemoteError {
        let errors = json?["errors"]?.array ?? []
        var message = errors.compactMap { item -> String? in
            guard let text = item["message"]?.string else { return nil }
            return item["code"]?.int.map { "\(text) (code \($0))" } ?? text
        }.joined(separator: "; ").oneLine()
        if message.isEmpty { message = json == nil ? "HTTP \(response.status), body is not JSON" : "HTTP \(response.status)" }
        switch response.status {
        case 401, 403: return .unauthorized(engine: .cloudflare, status: response.status, message: message)
        case 429: return .rateLimited(engine: .cloudflare, message: message, limit: RateLimit(response))
        case 500...: return .serverFailure(engine: .cloudflare, status: response.status, message: message)
        case 200: return .malformed(engine: .cloudflare, detail: json == nil ? "body is not JSON" : message)
        default: return .rejected(engine: .cloudflare, status: response.status, message: message)
        }
    }
}
