#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel

/// One probe selection of a RIPE Atlas measurement (`probes` in `POST /api/v2/measurements/`):
/// `country:DE[:N]`, `asn:3320[:N]`, `area:WW[:N]`, `prefix:193.0.0.0/16[:N]`, `probes:6012,6013`; short forms
/// `DE`, `AS3320`, `WW`, `6012,6013`.
public struct AtlasProbeSpec: Sendable, Equatable {
    public var type: String
    public var value: String
    public var requested: Int

    /// Atlas's areas (`type: area`).
    public static let areas = ["WW", "West", "North-Central", "South-Central", "North-East", "South-East"]

    public init(type: String, value: String, requested: Int) {
        self.type = type
        self.value = value
        self.requested = requested
    }

    public init(parsing text: String, defaultCount: Int = 1) throws(RemoteError) {
        let spec = text.trimmedSpaces
        func bad(_ why: String) -> RemoteError {
            .badSetting(name: "--atlas \(spec.oneLine(limit: 80))", detail: why)
        }
        guard !spec.isEmpty else { throw bad("empty probe selection") }
        var type: String
        var rest: String
        if let colon = spec.firstIndex(of: ":"),
           ["country", "asn", "area", "prefix", "probes"].contains(spec[..<colon].lowercased()) {
            type = spec[..<colon].lowercased()
            rest = String(spec[spec.index(after: colon)...])
        } else {
            // Short forms: "DE", "AS3320", "WW", "6012,6013", each with an optional ":COUNT".
            var head = spec
            if let colon = spec.lastIndex(of: ":"), Int(spec[spec.index(after: colon)...]) != nil {
                head = String(spec[..<colon])
            }
            if head.count == 2, head.allSatisfy({ $0.isLetter }) {
                type = "country"
            } else if head.uppercased().hasPrefix("AS"), Int(head.dropFirst(2)) != nil {
                type = "asn"
            } else if Self.areas.contains(where: { $0.lowercased() == head.lowercased() }) {
                type = "area"
            } else if spec.allSatisfy({ $0.isNumber || $0 == "," }) {
                type = "probes"
            } else {
                throw bad("expected country:CC, asn:N, area:NAME, prefix:P or probes:ID,… (with :COUNT)")
            }
            rest = spec
        }
        var count = defaultCount
        // A trailing ":N" is the probe count, except inside an IPv6 prefix (which always ends in "/len").
        if type != "probes", let colon = rest.lastIndex(of: ":"), let n = Int(rest[rest.index(after: colon)...]),
           type != "prefix" || rest[..<colon].contains("/") {
            count = n
            rest = String(rest[..<colon])
        }
        switch type {
        case "country":
            guard rest.count == 2, rest.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw bad("a country is a two-letter ISO 3166 code")
            }
            rest = rest.uppercased()
        case "asn":
            if rest.uppercased().hasPrefix("AS") { rest = String(rest.dropFirst(2)) }
            guard let asn = Int(rest), asn > 0 else { throw bad("an ASN is a number") }
            rest = String(asn)
        case "area":
            guard let area = Self.areas.first(where: { $0.lowercased() == rest.lowercased() }) else {
                throw bad("areas are " + Self.areas.joined(separator: ", "))
            }
            rest = area
        case "prefix":
            guard rest.contains("/") else { throw bad("a prefix is ADDRESS/LENGTH") }
        default:
            let ids = rest.split(separator: ",")
            guard !ids.isEmpty, ids.allSatisfy({ Int($0) != nil }) else { throw bad("probe ids are numbers") }
            count = ids.count
        }
        guard count >= 1 && count <= 1000 else { throw bad("probe count must be 1…1000") }
        self.init(type: type, value: rest, requested: count)
    }

    var json: JSONValue {
        .object(["type": .string(type), "value": .string(value), "requested": .number(Double(requested))])
    }
}

/// A one-off traceroute definition (`definitions[0]` of the create request).
public struct AtlasTracerouteRequest: Sendable, Equatable {
    public var target: String
    public var probes: [AtlasProbeSpec]
    /// 4 or 6 (`af`, required by Atlas).
    public var addressFamily: Int = 4
    /// "ICMP", "UDP" or "TCP".
    public var protocolName: String = "ICMP"
    /// Packets per hop (Atlas: 1…16, default 3).
    public var packets: Int = 3
    public var maxHops: Int = 32
    public var firstHop: Int = 1
    public var port: Int?
    /// Paris traceroute variations (Atlas default 16).
    public var paris: Int = 16

    public init(target: String, probes: [AtlasProbeSpec]) {
        self.target = target
        self.probes = probes
    }

    public func body() -> [UInt8] {
        var definition: [String: JSONValue] = [
            "type": .string("traceroute"), "target": .string(target), "af": .number(Double(addressFamily)),
            "protocol": .string(protocolName), "packets": .number(Double(min(16, max(1, packets)))),
            "max_hops": .number(Double(min(255, max(1, maxHops)))), "first_hop": .number(Double(max(1, firstHop))),
            "paris": .number(Double(paris)), "description": .string("tracemap trace \(target)"),
            "resolve_on_probe": .bool(!GlobalpingRequest.isAddress(target)),
        ]
        if let port, protocolName != "ICMP" { definition["port"] = .number(Double(port)) }
        let body: JSONValue = .object([
            "definitions": .array([.object(definition)]),
            "probes": .array(probes.map(\.json)),
            "is_oneoff": .bool(true),
        ])
        return Array(body.encoded().utf8)
    }
}

/// A RIPE Atlas probe's public metadata (`GET /api/v2/probes/`).
public struct AtlasProbe: Sendable, Equatable {
    public var id: Int
    public var country: String?
    public var asnV4: Int?
    public var asnV6: Int?
    public var latitude: Double?
    public var longitude: Double?
    public var status: String?
}

/// Measurement results as the archive gives them, with the metadata of the probes that sent them.
public struct AtlasResults: Sendable {
    public var measurementID: Int
    public var target: String?
    public var addressFamily: Int?
    /// The results array, as `GET /api/v2/measurements/{id}/results/` returned it.
    public var body: [UInt8]
    public var resultCount: Int
    public var probes: [Int: AtlasProbe]
    /// Probes the measurement was scheduled on, when Atlas says.
    public var probesScheduled: Int?
    /// The measurement's status name ("Ongoing", "Stopped", "No suitable probes"…).
    public var status: String?
}

/// RIPE Atlas API v2: one-off traceroutes (key needed) and the public archive of results (no key).
public struct AtlasClient: Sendable {
    public let http: RemoteHTTP
    public let baseURL: String
    public let key: String?
    /// Atlas asks clients not to poll in tight loops; results of a one-off arrive within a minute or two.
    public var pollInterval: Duration = .seconds(5)
    public var maximumWait: Duration = .seconds(300)

    /// Status names after which no more results come.
    static let finalStatuses: Set<String> = ["Stopped", "Forced to stop", "No suitable probes", "Failed", "Denied",
                                             "Canceled", "Archived"]

    public init(http: RemoteHTTP, baseURL: String, key: String?) {
        self.http = http
        self.baseURL = baseURL
        self.key = key
    }

    private var authorization: [(String, String)] {
        key.map { [("Authorization", "Key \($0)")] } ?? []
    }

    private func get(_ path: String) async throws(RemoteError) -> RemoteResponse {
        while true {
            let response = try await http.send(RemoteRequest(method: "GET", url: baseURL + path, headers: authorization),
                                               engine: .atlas)
            if response.status == 429, let wait = RateLimit(response)?.retryAfterSeconds,
               Duration.seconds(wait) <= http.policy.longestRetryAfter {
                try? await Task.sleep(for: .seconds(wait))
                continue
            }
            guard response.status == 200 else { throw Self.error(response).redacted(http.secrets) }
            return response
        }
    }

    /// Creates a one-off traceroute and returns its measurement id.
    public func create(_ request: AtlasTracerouteRequest) async throws(RemoteError) -> Int {
        guard key != nil else { throw RemoteError.missingCredential(engine: .atlas, variable: "RIPE_ATLAS_KEY") }
        let response = try await http.send(RemoteRequest(method: "POST", url: baseURL + "/api/v2/measurements/",
                                                         headers: authorization, body: request.body()),
                                           engine: .atlas)
        guard response.status == 201 || response.status == 200 || response.status == 202 else {
            throw Self.error(response).redacted(http.secrets)
        }
        guard let json = JSONValue.parse(response.body), let id = json["measurements"]?.array?.first?.int else {
            throw RemoteError.malformed(engine: .atlas, detail: "the create answer has no measurement id")
        }
        return id
    }

    /// Creates a one-off traceroute, waits until every scheduled probe answered (or the measurement stopped, or
    /// the wait limit passed with some results), and returns the results.
    public func run(_ request: AtlasTracerouteRequest,
                    progress: @Sendable (String) -> Void = { _ in }) async throws(RemoteError) -> AtlasResults {
        let id = try await create(request)
        progress("RIPE Atlas measurement \(id) created")
        let started = ContinuousClock.now
        while true {
            let meta = try await measurement(id)
            let status = meta["status"]?["name"]?.string
            if status == "No suitable probes" {
                throw RemoteError.noProbes(engine: .atlas, message: "measurement \(id): no suitable probes for "
                                           + request.probes.map { "\($0.type) \($0.value)" }.joined(separator: ", "))
            }
            let scheduled = meta["probes_scheduled"]?.int
            let allScheduled = meta["is_all_scheduled"]?.bool ?? false
            let final = status.map(Self.finalStatuses.contains) ?? false
            let results = try await results(id, query: "")
            if final || (allScheduled && (scheduled ?? 0) > 0 && results.count >= scheduled ?? 0) {
                return try await complete(id: id, body: results.body, count: results.count, meta: meta)
            }
            if ContinuousClock.now - started > maximumWait {
                guard results.count > 0 else {
                    throw RemoteError.stillRunning(engine: .atlas, id: String(id),
                                                   seconds: Int(maximumWait.components.seconds))
                }
                progress("RIPE Atlas measurement \(id): \(results.count) of \(scheduled.map(String.init) ?? "?") "
                         + "probes answered within \(maximumWait.components.seconds) s; showing those")
                return try await complete(id: id, body: results.body, count: results.count, meta: meta)
            }
            progress("RIPE Atlas measurement \(id): \(status ?? "pending"), \(results.count) of "
                     + "\(scheduled.map(String.init) ?? "?") results")
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// Reads the results of any public measurement (no key needed): `probeIDs`, `start` and `stop` (Unix seconds)
    /// filter them. A periodic measurement read with neither start nor stop gives each probe's latest result.
    public func read(_ id: Int, probeIDs: [Int] = [], start: Int? = nil,
                     stop: Int? = nil) async throws(RemoteError) -> AtlasResults {
        let meta = try await measurement(id)
        if let type = meta["type"]?.string, type.lowercased() != "traceroute" {
            throw RemoteError.rejected(engine: .atlas, status: 200,
                                       message: "measurement \(id) is a \(type.oneLine(limit: 20)) measurement, not a traceroute")
        }
        var query: [String] = []
        if !probeIDs.isEmpty { query.append("probe_ids=" + probeIDs.map(String.init).joined(separator: ",")) }
        if let start { query.append("start=\(start)") }
        if let stop { query.append("stop=\(stop)") }
        let periodic = meta["is_oneoff"]?.bool == false
        let path = periodic && start == nil && stop == nil ? "latest" : "results"
        let results = try await results(id, query: query.joined(separator: "&"), endpoint: path)
        return try await complete(id: id, body: results.body, count: results.count, meta: meta)
    }

    private func measurement(_ id: Int) async throws(RemoteError) -> JSONValue {
        let response = try await get("/api/v2/measurements/\(id)/?format=json")
        guard let json = JSONValue.parse(response.body), json.object != nil else {
            throw RemoteError.malformed(engine: .atlas, detail: "measurement \(id) is not a JSON object")
        }
        return json
    }

    private func results(_ id: Int, query: String,
                         endpoint: String = "results") async throws(RemoteError) -> (body: [UInt8], count: Int) {
        let response = try await get("/api/v2/measurements/\(id)/\(endpoint)/?format=json"
                                     + (query.isEmpty ? "" : "&" + query))
        guard let json = JSONValue.parse(response.body), let array = json.array else {
            throw RemoteError.malformed(engine: .atlas, detail: "the results of measurement \(id) are not a JSON array")
        }
        return (response.body, array.count)
    }

    private func complete(id: Int, body: [UInt8], count: Int,
                          meta: JSONValue) async throws(RemoteError) -> AtlasResults {
        let ids = Set(((JSONValue.parse(body))?.array ?? []).compactMap { $0["prb_id"]?.int })
        let probes = try await probes(Array(ids).sorted())
        return AtlasResults(measurementID: id, target: meta["target"]?.string, addressFamily: meta["af"]?.int,
                            body: body, resultCount: count, probes: probes,
                            probesScheduled: meta["probes_scheduled"]?.int, status: meta["status"]?["name"]?.string)
    }

    /// Public metadata of the probes (`id__in`, 500 per page: Atlas's largest page).
    public func probes(_ ids: [Int]) async throws(RemoteError) -> [Int: AtlasProbe] {
        var probes: [Int: AtlasProbe] = [:]
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(ids.count, start + 500)]
            start += 500
            let response = try await get("/api/v2/probes/?format=json&page_size=500&id__in="
                                         + chunk.map(String.init).joined(separator: ","))
            guard let json = JSONValue.parse(response.body), let list = json["results"]?.array else {
                throw RemoteError.malformed(engine: .atlas, detail: "the probe list is not a JSON page")
            }
            for item in list {
                guard let id = item["id"]?.int else { continue }
                let coordinates = item["geometry"]?["coordinates"]?.array
                probes[id] = AtlasProbe(id: id, country: item["country_code"]?.string,
                                        asnV4: item["asn_v4"]?.int, asnV6: item["asn_v6"]?.int,
                                        latitude: coordinates?.count == 2 ? coordinates?[1].number : nil,
                                        longitude: coordinates?.count == 2 ? coordinates?[0].number : nil,
                                        status: item["status"]?["name"]?.string)
            }
        }
        return probes
    }

    /// Atlas's error envelope: `{"error": {"status": 400, "title": "…", "detail": "…", "errors": [{"detail": …}]}}`.
    static func error(_ response: RemoteResponse) -> RemoteError {
        let json = JSONValue.parse(response.body)
        let error = json?["error"]
        var message = error?["detail"]?.string ?? error?["title"]?.string ?? "HTTP \(response.status)"
        let details = (error?["errors"]?.array ?? []).compactMap { item -> String? in
            guard let detail = item["detail"]?.string else { return nil }
            let pointer = item["source"]?["pointer"]?.string ?? item["source"]?["parameter"]?.string
            return pointer.map { "\($0): \(detail)" } ?? detail
        }
        if !details.isEmpty { message += " (" + details.joined(separator: "; ") + ")" }
        message = message.oneLine()
        switch response.status {
        case 401, 403: return .unauthorized(engine: .atlas, status: response.status, message: message)
        case 429: return .rateLimited(engine: .atlas, message: message, limit: RateLimit(response))
        case 500...: return .serverFailure(engine: .atlas, status: response.status, message: message)
        default:
            if message.lowercased().contains("suitable probes") { return .noProbes(engine: .atlas, message: message) }
            if response.status == 200 { return .malformed(engine: .atlas, detail: message) }
            return .rejected(engine: .atlas, status: response.status, message: message)
        }
    }
}
