#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Any JSON value, read without a schema: other tools' files, whose fields change type between versions, and the
/// remote engines' answers, checked field by field so a missing or mistyped field is a clear error, never a trap.
/// Files whose fields change type between tool versions (mtr before 0.94 writes `count` as
/// a string, trippy writes every float as a string). Accessors are lenient on purpose: `double` reads 1.5 and
/// "1.5" alike; anything else is nil, never a trap.
public enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let value = try? c.decode(Bool.self) { self = .bool(value) }
        else if let value = try? c.decode(Double.self) { self = .number(value) }
        else if let value = try? c.decode(String.self) { self = .string(value) }
        else if let value = try? c.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// Parses one JSON text; nil when it is not JSON.
    public static func parse(_ data: some Collection<UInt8>) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(data))
    }

    /// Parses JSON Lines: one value per non-empty line; nil when a line is not JSON (or there is none). A last line
    /// without its newline that is not JSON is left out: a writer killed mid-line leaves one (recordings).
    public static func parseLines(_ data: Data) -> [JSONValue]? {
        var values: [JSONValue] = []
        let lines = data.split(separator: 0x0a, omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { continue }
            guard let value = parse(line) else {
                if index == lines.count - 1, data.last != 0x0a, !values.isEmpty { break }
                return nil
            }
            values.append(value)
        }
        return values.isEmpty ? nil : values
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    public var object: [String: JSONValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var string: String? {
        switch self {
        case .string(let text): text
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        default: nil
        }
    }

    /// A number, or a string holding one ("0.00", " 12.5 ", "0x10").
    public var double: Double? {
        switch self {
        case .number(let value): return value
        case .string(let text):
            let trimmed = String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") {
                return UInt64(trimmed.dropFirst(2), radix: 16).map(Double.init)
            }
            return Double(trimmed)
        default: return nil
        }
    }

    public var int: Int? {
        guard let value = double, value.isFinite, abs(value) < 1e15 else { return nil }
        return Int(value.rounded())
    }

    public var bool: Bool? {
        switch self {
        case .bool(let value): value
        case .number(let value): value != 0
        default: nil
        }
    }

    public var isNull: Bool { self == .null }

    /// The value as a number, only when it is one (no string is read as a number here).
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) }
            else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Compact JSON with sorted keys (stable request bodies for logs and tests).
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}

extension Optional where Wrapped == JSONValue {
    public subscript(key: String) -> JSONValue? { self?[key] }
    public var object: [String: JSONValue]? { self?.object }
    public var array: [JSONValue]? { self?.array }
    public var string: String? { self?.string }
    public var double: Double? { self?.double }
    public var int: Int? { self?.int }
    public var bool: Bool? { self?.bool }
}
