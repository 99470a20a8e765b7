#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Who made a trace or recording, of what, how and when: the head of every file tracemap writes.
public struct TraceMeta: Codable, Sendable, Hashable {
    /// 2: every hop and responder of a `trace --json` document carries the hop field table's keys (README "Hop
    /// fields"); 1: hops had `sent, lost, loss_pct`, responders `replies, min_ms, mean_ms, max_ms, stddev_ms`.
    /// Recordings are the same in both.
    public static let schemaVersion = 2
    /// The versions this tracemap reads (documents of version 1 are read into the version 2 shape).
    public static let readableSchemaVersions = 1...schemaVersion

    public var tool: String = "tracemap"
    public var version: String = TracemapVersion.current
    public var schemaVersion: Int = TraceMeta.schemaVersion
    public var target: TraceTarget
    public var source: IPAddress?
    public var method: ProbeMethod
    public var protocolKind: ProbeProtocol
    public var options: ProbeOptions
    public var startedAt: Date
    public var endedAt: Date?
    /// Rounds start this many milliseconds apart (recordings of the monitor only).
    public var intervalMs: Double?
    /// Where the trace was taken when not from this machine (a remote engine's probe or colo, another tool's file).
    public var vantage: VantagePoint?

    public init(target: TraceTarget, source: IPAddress?, method: ProbeMethod, options: ProbeOptions,
                startedAt: Date, endedAt: Date? = nil, intervalMs: Double? = nil) {
        self.target = target
        self.source = source
        self.method = method
        self.protocolKind = options.protocolKind
        self.options = options
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.intervalMs = intervalMs
    }

    enum CodingKeys: String, CodingKey {
        case tool, version, schemaVersion = "schema_version", target, source, method
        case protocolKind = "protocol", options, startedAt = "start", endedAt = "end", intervalMs = "interval_ms"
        case vantage
    }
}

/// Where a trace was taken from: a remote engine's probe or colo, or the machine another tool ran on. Every field
/// but `engine` is optional because each source knows different things.
public struct VantagePoint: Codable, Sendable, Hashable {
    /// Who ran the trace: "globalping", "ripe-atlas", "cloudflare", "mtr", "trippy", "scamper", "tracemap".
    public var engine: String
    /// The engine's name for the probe or colo ("probe 6012", "FRA").
    public var id: String?
    public var city: String?
    /// ISO 3166-1 alpha-2.
    public var country: String?
    public var asn: Int?
    /// The network's name (ISP, cloud provider).
    public var network: String?
    public var latitude: Double?
    public var longitude: Double?
    /// The vantage point's own address, when the engine gives it.
    public var address: IPAddress?

    public init(engine: String, id: String? = nil, city: String? = nil, country: String? = nil, asn: Int? = nil,
                network: String? = nil, latitude: Double? = nil, longitude: Double? = nil, address: IPAddress? = nil) {
        self.engine = engine
        self.id = id
        self.city = city
        self.country = country
        self.asn = asn
        self.network = network
        self.latitude = latitude
        self.longitude = longitude
        self.address = address
    }
}

public enum TracemapVersion {
    public static let current = "0.1.0"
}

/// One line of a JSON Lines recording (`watch --record`, `tui --record`): a header, then rounds and events as
/// they happen. Each line is written whole and flushed, so a killed writer leaves every finished line readable.
public enum RecordingLine: Codable, Sendable {
    case header(TraceMeta)
    case round(Round)
    case event(MonitorEvent)

    enum TypeKey: String, CodingKey { case type }

    public init(from decoder: Decoder) throws {
        let type = try decoder.container(keyedBy: TypeKey.self).decode(String.self, forKey: .type)
        switch type {
        case "header": self = .header(try TraceMeta(from: decoder))
        case "round": self = .round(try Round(from: decoder))
        case "event": self = .event(try MonitorEvent(from: decoder))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: [TypeKey.type],
                                                    debugDescription: "unknown line type \(type)"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: TypeKey.self)
        switch self {
        case .header(let meta): try c.encode("header", forKey: .type); try meta.encode(to: encoder)
        case .round(let round): try c.encode("round", forKey: .type); try round.encode(to: encoder)
        case .event(let event): try c.encode("event", forKey: .type); try event.encode(to: encoder)
        }
    }
}
