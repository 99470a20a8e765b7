import Glibc
import TOMLKit
import TracemapNet

/// Where in config.toml something is: 1-based line and column, as editors count.
public struct SourcePosition: Sendable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A problem with config.toml, always with the place it is at: printed as `FILE:LINE:COLUMN: message`.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var position: SourcePosition
    public var message: String

    public init(path: String, position: SourcePosition, message: String) {
        self.path = path
        self.position = position
        self.message = message
    }

    public var description: String { "\(path):\(position.line):\(position.column): \(message)" }
}

/// One `key = value` of a table, with where it was written.
public struct ConfigEntry: Sendable, Hashable {
    public var key: String
    public var value: ConfigValue
    public var position: SourcePosition
}

/// config.toml as read: its tables, in file order, each with its entries and their places.
///
/// Only the top level's tables are expected (`[trace]`, `[watch]`, …); what belongs in them is checked against
/// a `ConfigSchema`, not here.
public struct ConfigFile: Sendable, Hashable {
    public struct Table: Sendable, Hashable {
        public var name: String
        public var position: SourcePosition
        public var entries: [ConfigEntry]

        public subscript(key: String) -> ConfigEntry? { entries.first { $0.key == key } }
    }

    public var path: String
    public var tables: [Table]
    /// Keys written before any table header, which config.toml does not use.
    public var topLevel: [ConfigEntry]

    public subscript(table: String) -> Table? { tables.first { $0.name == table } }

    /// Parses `text` (read from `path`, which only names it in errors). A syntax error carries toml++'s own
    /// line and column.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> ConfigFile {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(path: path, position: SourcePosition(line: max(1, error.source.begin.line),
                                                                   column: max(1, error.source.begin.column)),
                              message: error.description)
        } catch {
            throw ConfigError(path: path, position: SourcePosition(line: 1, column: 1), message: "\(error)")
        }
        let places = KeyPlaces(text: text)
        var tables: [Table] = []
        var topLevel: [ConfigEntry] = []
        for name in places.order(of: root.keys, in: nil) {
            guard let value = root[name] else { continue }
            if let table = value.table {
                var entries: [ConfigEntry] = []
                for key in places.order(of: table.keys, in: name) {
                    guard let item = table[key] else { continue }
                    entries.append(ConfigEntry(key: key, value: convert(item),
                                               position: places.position(of: key, in: name)))
                }
                tables.append(Table(name: name, position: places.position(ofTable: name), entries: entries))
            } else {
                topLevel.append(ConfigEntry(key: name, value: convert(value), position: places.position(of: name, in: nil)))
            }
        }
        return ConfigFile(path: path, tables: tables, topLevel: topLevel)
    }

    /// Reads and parses the file at `path`; nil when there is none.
    public static func load(path: String) throws(ConfigError) -> ConfigFile? {
        guard let text = try readText(path) else { return nil }
        return try parse(text, path: path)
    }

    /// The file's text, nil when it does not exist or its directory cannot be searched; any other failure (a
    /// directory, a file without read permission, not UTF-8) is an error.
    static func readText(_ path: String) throws(ConfigError) -> String? {
        let start = SourcePosition(line: 1, column: 1)
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: 1 << 20).bytes
        } catch .system(let code) where code == .noSuchFileOrDirectory || code == .notDirectory {
            return nil
        } catch .system(let code) where code == .permissionDenied && !FileBytes.exists(path) {
            // A directory on the way that this user may not search (HOME=/root under `sudo -u nobody`, setpriv)
            // hides whether the file exists at all: that is no config file, not an error. A file that exists
            // and cannot be read is one.
            return nil
        } catch .tooLarge {
            throw ConfigError(path: path, position: start, message: "larger than 1 MiB; not a config file")
        } catch {
            throw ConfigError(path: path, position: start, message: "cannot read: \(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(path: path, position: start, message: "not UTF-8 text")
        }
        return text
    }

    private static func convert(_ value: TOMLValueConvertible) -> ConfigValue {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .double: return .double(value.double ?? 0)
        case .bool: return .boolean(value.bool ?? false)
        case .array: return .array((value.array.map { Array($0) } ?? []).map(convert))
        case .table: return .unsupported("a table")
        case .date, .time, .dateTime: return .unsupported("a date or time")
        }
    }
}

/// Where each table header and key is written. toml++ reports places only for syntax errors, so the text is
/// scanned line by line for `[table]` headers and `key =` starts; only used to point at a key in an error,
/// and to list keys in the order the file has them.
struct KeyPlaces {
    private var tables: [String: SourcePosition] = [:]
    private var keys: [String: SourcePosition] = [:]
    private var sequence: [String] = []

    init(text: String) {
        var current = ""
        var inMultiline: String?
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let characters = Array(line)
            if let delimiter = inMultiline {
                if String(line).contains(delimiter) { inMultiline = nil }
                continue
            }
            var column = 0
            while column < characters.count, characters[column] == " " || characters[column] == "\t" { column += 1 }
            guard column < characters.count, characters[column] != "#" else { continue }
            let rest = String(characters[column...])
            if rest.hasPrefix("[") && !rest.hasPrefix("[[") {
                if let close = rest.firstIndex(of: "]") {
                    current = Self.unquote(String(rest[rest.index(after: rest.startIndex)..<close]))
                    if tables[current] == nil {
                        tables[current] = SourcePosition(line: index + 1, column: column + 1)
                        sequence.append(Self.tableEntry(current))
                    }
                }
                continue
            }
            guard let equals = Self.keyEnd(rest) else { continue }
            let key = Self.unquote(String(rest[..<equals]))
            let path = Self.keyEntry(key, in: current)
            if keys[path] == nil {
                keys[path] = SourcePosition(line: index + 1, column: column + 1)
                sequence.append(path)
            }
            let value = rest[rest.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            for delimiter in ["\"\"\"", "'''"] where value.hasPrefix(delimiter) {
                if !value.dropFirst(3).contains(delimiter) { inMultiline = delimiter }
            }
        }
    }

    /// The `=` after a bare or quoted key at the start of `text`.
    private static func keyEnd(_ text: String) -> String.Index? {
        var quote: Character?
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "=" {
                return index
            }
        }
        return nil
    }

    private static func unquote(_ text: String) -> String {
        let trimmed = text.trimmingWhitespace
        if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }

    func position(ofTable table: String) -> SourcePosition {
        tables[table] ?? SourcePosition(line: 1, column: 1)
    }

    func position(of key: String, in table: String?) -> SourcePosition {
        keys[Self.keyEntry(key, in: table ?? "")] ?? table.map(position(ofTable:)) ?? SourcePosition(line: 1, column: 1)
    }

    /// `names` in the order the file wrote them; names the scan missed (inline tables, dotted keys) last.
    func order(of names: [String], in table: String?) -> [String] {
        let written: [String] = sequence.compactMap { entry in
            if let table {
                let prefix = Self.keyEntry("", in: table)
                return entry.hasPrefix(prefix) ? String(entry.dropFirst(prefix.count)) : nil
            }
            // At the top level: tables, and keys written before any header.
            if entry.hasPrefix("T\u{0}") { return String(entry.dropFirst(2)) }
            let prefix = Self.keyEntry("", in: "")
            return entry.hasPrefix(prefix) ? String(entry.dropFirst(prefix.count)) : nil
        }
        let available = Set(names)
        var seen = Set<String>()
        var result: [String] = []
        for name in written where available.contains(name) && seen.insert(name).inserted { result.append(name) }
        for name in names.sorted() where seen.insert(name).inserted { result.append(name) }
        return result
    }

    private static func tableEntry(_ table: String) -> String { "T\u{0}" + table }
    private static func keyEntry(_ key: String, in table: String) -> String { "K\u{0}" + table + "\u{0}" + key }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
