#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel

/// What to ask Globalping for (`POST /v1/measurements`, API v1).
public struct GlobalpingRequest: Sendable, Equatable {
    /// Magic locations: a city, country, continent, region, ASN (`AS3320`), cloud region or tag; `+` combines.
    public var locations: [String]
    /// Probes per location (the location's `limit`, 1…200; anonymous requests get at most 50 probes in all).
    public var limitPerLocation: Int
    public var target: String
    /// "ICMP", "UDP" or "TCP".
    public var protocolName: String
    public var port: Int?
    /// 4 or 6; Globalping takes it only for a host name target.
    public var ipVersion: Int?
    /// Probes per hop. More than one asks for an `mtr` measurement, whose hops carry statistics; one asks for a
    /// plain `traceroute`.
    public var packets: Int
    /// A measurement whose probes to use again (its id in `locations`): the same vantage points for every target.
    public var reuseProbesOf: String?

    public init(locations: [String], limitPerLocation: Int = 1, target: String, protocolName: String = "ICMP",
                port: Int? = nil, ipVersion: Int? = nil, packets: Int = 3) {
        self.locations = locations
        self.limitPerLocation = limitPerLocation
        self.target = target
        self.protocolName = protocolName
        self.port = port
        self.ipVersion = ipVersion
        self.packets = packets
    }

    public var measurementType: String { packets > 1 ? "mtr" : "traceroute" }

    /// The JSON body, as the API's `MeasurementRequest` schema spells it.
    public func body() -> [UInt8] {
        var options: [String: JSONValue] = ["protocol": .string(protocolName)]
        if measurementType == "mtr" { options["packets"] = .number(Double(min(16, max(1, packets)))) }
        // The port applies to TCP (traceroute) and TCP/UDP (mtr) only.
        if let port, protocolName == "TCP" || (protocolName == "UDP" && measurementType == "mtr") {
            options["port"] = .number(Double(port))
        }
        if let ipVersion, !Self.isAddress(target) { options["ipVersion"] = .number(Double(ipVersion)) }
        let body: JSONValue = .object([
            "type": .string(measurementType),
            "target": .string(target),
            "locations": reuseProbesOf.map { .string($0) }
                ?? .array(locations.map { .object(["magic": .string($0), "limit": .number(Double(limitPerLocation))]) }),
            "measurementOptions": .object(options),
        ])
        return Array(body.encoded().utf8)
    }

    static func isAddress(_ text: String) -> Bool {
        text.contains(":") || text.allSatisfy { $0.isNumber || $0 == "." }
    }
}

/// A finished (or given-up-on) Globalping measurement: its whole final body, for the importer, and what the
/// client learnt on the way.
public struct GlobalpingMeasurement: Sendable {
    public var id: String
    /// The last `GET /v1/measurements/{id}` body (status `finished`, or the last `in-progress` one on timeout).
    public var body: [UInt8]
    public var rateLimit: RateLimit?
    /// How many status requests it took (304s included).
    public var polls: Int
    public var notModified: Int
}

/// Runs measurements on Globalping the way its client guidelines ask: create, then poll the `Location` with
/// `If-None-Match`, waiting 500 ms *after* each answer (never more than 2 requests/s/measurement), until the status
/// is anything but `in-progress`; a 429 on a poll waits out `Retry-After`.
public struct GlobalpingClient: Sendable {
    public let http: RemoteHTTP
    public let baseURL: String
    public let token: String?
    public var pollInterval: Duration = .milliseconds(500)
    /// Probe-side tests take up to 30 s; the API asks clients to allow 10 s more before giving up.
    public var maximumWait: Duration = .seconds(45)

    public init(http: RemoteHTTP, baseURL: String, token: String?) {
        self.http = http
        self.baseURL = baseURL
        self.token = token
    }

    private var authorization: [(String, String)] {
        token.map { [("Authorization", "Bearer \($0)")] } ?? []
    }

    /// Creates the measurement and returns its id, the URL to poll and the rate-limit headers.
    public func create(_ request: GlobalpingRequest) async throws(RemoteError) -> (id: String, location: String, rateLimit: RateLimit?) {
        let response = try await http.send(RemoteRequest(method: "POST", url: baseURL + "/v1/measurements",
                                                         headers: authorization, body: request.body()),
                                           engine: .globalping)
        let rateLimit = RateLimit(response)
        guard response.status == 202 || response.status == 200 || response.status == 201 else {
            throw Self.error(response, rateLimit: rateLimit).redacted(http.secrets)
        }
        guard let json = JSONValue.parse(response.body), let id = json["id"]?.string, !id.isEmpty else {
            throw RemoteError.malformed(engine: .globalping, detail: "the 202 answer has no measurement id")
        }
        // The Location header names the measurement; a relative one is joined to the base URL.
        var location = baseURL + "/v1/measurements/" + percentEncoded(id)
        if let header = response.header("Location"), !header.isEmpty {
            location = header.hasPrefix("/") ? baseURL + header : header
        }
        return (id, location, rateLimit)
    }

    /// Creates a measurement and waits for it to finish.
    public func run(_ request: GlobalpingRequest,
                    progress: @Sendable (String) -> Void = { _ in }) async throws(RemoteError) -> GlobalpingMeasurement {
        let (id, location, rateLimit) = try await create(request)
        progress("globalping measurement \(id) created" + (rateLimit.map { ", \($0.summary)" } ?? ""))
        var measurement = try await wait(id: id, location: location, progress: progress)
        measurement.rateLimit = rateLimit
        return measurement
    }

    /// Polls a measurement until it is final.
    public func wait(id: String, location: String,
                     progress: @Sendable (String) -> Void = { _ in }) async throws(RemoteError) -> GlobalpingMeasurement {
        let started = ContinuousClock.now
        var etag: String?
        var lastBody: [UInt8]?
        var polls = 0, notModified = 0
        // The token goes only to the engine's own origin, never to a Location on another host.
        let headers = hostLabel(location) == hostLabel(baseURL) ? authorization : []
        while true {
            var pollHeaders = headers
            if let etag { pollHeaders.append(("If-None-Match", etag)) }
            let response = try await http.send(RemoteRequest(method: "GET", url: location, headers: pollHeaders),
                                               engine: .globalping)
            polls += 1
            switch response.status {
            case 200:
                etag = response.header("ETag")
                lastBody = response.body
            case 304 where lastBody != nil:
                notModified += 1
            case 429:
                let limit = RateLimit(response)
                let wait = Duration.seconds(limit?.retryAfterSeconds ?? 1)
                guard wait <= http.policy.longestRetryAfter else {
                    throw Self.error(response, rateLimit: limit).redacted(http.secrets)
                }
                progress("globalping asks to wait \(limit?.retryAfterSeconds ?? 1) s before the next status request")
                try? await Task.sleep(for: wait)
                continue
            default:
                throw Self.error(response, rateLimit: RateLimit(response)).redacted(http.secrets)
            }
            guard let body = lastBody, let json = JSONValue.parse(body), let status = json["status"]?.string else {
                throw RemoteError.malformed(engine: .globalping, detail: "measurement \(id) has no status")
            }
            if status != "in-progress" {
                guard json["results"]?.array != nil else {
                    throw RemoteError.malformed(engine: .globalping, detail: "measurement \(id) has no results")
                }
                return GlobalpingMeasurement(id: id, body: body, rateLimit: nil, polls: polls, notModified: notModified)
            }
            if ContinuousClock.now - started > maximumWait {
                throw RemoteError.stillRunning(engine: .globalping, id: id,
                                               seconds: Int(maximumWait.components.seconds))
            }
            // Wait after the answer, not on a fixed beat: a big measurement's answer itself takes a while.
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// For each result in order: the first line of `rawOutput` when its status is `failed` or `offline`, else "".
    public static func failureOutputs(_ body: [UInt8]) -> [String] {
        guard let results = (JSONValue.parse(body))?["results"]?.array else { return [] }
        return results.map { item in
            let status = item["result"]?["status"]?.string
            guard status == "failed" || status == "offline" else { return "" }
            let raw = item["result"]?["rawOutput"]?.string ?? ""
            return (raw.split(separator: "\n").first.map(String.init) ?? "").oneLine(limit: 200)
        }
    }

    /// Globalping's error envelope: `{"error": {"type": "no_probes_found", "message": "…"}}`.
    static func error(_ response: RemoteResponse, rateLimit: RateLimit?) -> RemoteError {
        let json = JSONValue.parse(response.body)
        let type = json?["error"]?["type"]?.string
        let message = (json?["error"]?["message"]?.string ?? "HTTP \(response.status)").oneLine()
        var detail = message
        if let params = json?["error"]?["params"]?.object, !params.isEmpty {
            detail += " " + params.keys.sorted().compactMap { key in params[key]?.string.map { "\(key): \($0)" } }
                .joined(separator: "; ").oneLine()
        }
        switch response.status {
        case 401, 403: return .unauthorized(engine: .globalping, status: response.status, message: detail)
        case 422 where type == "no_probes_found" || type == nil:
            return .noProbes(engine: .globalping, message: detail)
        case 429: return .rateLimited(engine: .globalping, message: detail, limit: rateLimit)
        case 500...: return .serverFailure(engine: .globalping, status: response.status, message: detail)
        default:
            if json?["error"] == nil && response.status < 400 {
                return .malformed(engine: .globalping, detail: "unexpected HTTP \(response.status)")
            }
            return .rejected(engine: .globalping, status: response.status, message: detail)
        }
    }
}
