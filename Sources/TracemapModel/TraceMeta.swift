import Foundation

/// Who made a trace or recording, of what, how and when: the head of every file tracemap writes.
public struct TraceMeta: Codable, Sendable, Hashable {
    public static let schemaVersion = 1

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
