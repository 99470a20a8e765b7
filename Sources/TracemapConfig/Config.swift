/// config.toml checked against the schema: what it sets for each command, each environment variable and
/// each TUI key. Precedence is flag > environment > file > default; this type applies the file's layer only
/// where the two above it are silent.
public struct Config: Sendable {
    public let file: ConfigFile?
    public let schema: ConfigSchema

    /// An empty configuration: every default stays.
    public init(schema: ConfigSchema) {
        file = nil
        self.schema = schema
    }

    /// Checks every table and key of `file`: unknown tables and keys, wrong types and values outside an
    /// option's list are errors at their line and column.
    public init(file: ConfigFile, schema: ConfigSchema) throws(ConfigError) {
        self.file = file
        self.schema = schema
        if let stray = file.topLevel.first {
            throw ConfigError(path: file.path, position: stray.position,
                              message: "'\(stray.key)' outside a table; put it under one of "
                                + schema.tableNames.map { "[\($0)]" }.joined(separator: ", "))
        }
        for table in file.tables {
            if let options = schema.optionTables.first(where: { $0.name == table.name }) {
                for entry in table.entries { try Self.check(entry, in: options, schema: schema, path: file.path) }
            } else if let environment = schema.environmentTables.first(where: { $0.name == table.name }) {
                for entry in table.entries {
                    guard environment.keys.contains(where: { $0.key == entry.key }) else {
                        throw ConfigError(path: file.path, position: entry.position,
                                          message: "unknown key '\(entry.key)' in [\(table.name)]; known: "
                                            + environment.keys.map(\.key).joined(separator: ", "))
                    }
                    guard case .string = entry.value else {
                        throw ConfigError(path: file.path, position: entry.position,
                                          message: "'\(entry.key)' in [\(table.name)] wants a string, not \(entry.value.kind)")
                    }
                }
            } else if table.name == ConfigSchema.keysTable {
                var taken: [String: String] = [:]
                for entry in table.entries {
                    guard schema.keyActions.contains(where: { $0.name == entry.key }) else {
                        throw ConfigError(path: file.path, position: entry.position,
                                          message: "unknown action '\(entry.key)' in [keys]; known: "
                                            + schema.keyActions.map(\.name).joined(separator: ", "))
                    }
                    let keys: [ConfigValue]
                    switch entry.value {
                    case .string: keys = [entry.value]
                    case .array(let values): keys = values
                    default: keys = [entry.value]
                    }
                    for key in keys {
                        guard case .string(let text) = key, KeySpec.isValid(text) else {
                            throw ConfigError(path: file.path, position: entry.position,
                                              message: "'\(entry.key)' in [keys] wants a key or a list of keys "
                                                + "(one character, \"^X\" for Ctrl-X, or \"Space\"), not \(key)")
                        }
                        if let other = taken[text], other != entry.key {
                            throw ConfigError(path: file.path, position: entry.position,
                                              message: "key \(ConfigValue.quoted(text)) is bound to both '\(other)' and '\(entry.key)'")
                        }
                        taken[text] = entry.key
                    }
                }
            } else {
                throw ConfigError(path: file.path, position: table.position,
                                  message: "unknown table [\(table.name)]; known: "
                                    + schema.tableNames.map { "[\($0)]" }.joined(separator: ", "))
            }
        }
    }

    private static func check(_ entry: ConfigEntry, in table: ConfigSchema.OptionTable, schema: ConfigSchema,
                              path: String) throws(ConfigError) {
        func fail(_ message: String) -> ConfigError {
            ConfigError(path: path, position: entry.position, message: message)
        }
        guard let option = table.options.first(where: { $0.longNames.contains(entry.key) }),
              !schema.excludedOptions.contains(option.key) else {
            let suggestion = table.options.map(\.key).filter { !schema.excludedOptions.contains($0) }
                .min { editDistance($0, entry.key) < editDistance($1, entry.key) }
                .flatMap { editDistance($0, entry.key) <= 2 ? " (did you mean '\($0)'?)" : nil } ?? ""
            throw fail("unknown key '\(entry.key)' in [\(table.name)]\(suggestion)")
        }
        switch option.kind {
        case .flag:
            guard case .boolean = entry.value else {
                throw fail("'\(entry.key)' in [\(table.name)] wants true or false, not \(entry.value.kind)")
            }
        case .option:
            let values: [ConfigValue]
            if case .array(let items) = entry.value {
                guard option.isRepeating else {
                    throw fail("'\(entry.key)' in [\(table.name)] takes one value, not an array")
                }
                values = items
            } else {
                values = [entry.value]
            }
            for value in values {
                guard let text = value.argument, !text.isEmpty || value == .string("") else {
                    throw fail("'\(entry.key)' in [\(table.name)] wants a string or a number, not \(value.kind)")
                }
                if let allowed = option.allValues, !allowed.isEmpty, !allowed.contains(text) {
                    throw fail("'\(entry.key)' in [\(table.name)] is \(value), not one of "
                               + allowed.joined(separator: ", "))
                }
                if let expected = option.defaultValue.map(ConfigValue.literal(fromArgument:)) {
                    switch (expected, value) {
                    case (.integer, .integer), (.double, .double), (.double, .integer), (.string, .string),
                         (.boolean, .boolean):
                        break
                    case (.integer, _), (.double, _):
                        throw fail("'\(entry.key)' in [\(table.name)] wants a number, not \(value.kind)")
                    default:
                        break
                    }
                }
            }
        }
    }

    // MARK: Applying the file

    /// The arguments the file adds to `command`'s own `arguments` (those after the subcommand's name): for
    /// every key of the tables that fill this command, unless the option was given on the command line or its
    /// environment variable is set. Each added argument is `--name=value` (or `--flag`), so a value starting
    /// with a dash stays a value; the result goes before a `--` terminator.
    public func arguments(for command: CommandSchema, given arguments: [String],
                          environment: [String: String]) -> [Injection] {
        guard let file else { return [] }
        let given = Self.givenOptions(arguments, schema: command)
        var result: [Injection] = []
        var done = Set<String>()
        // The command's own table first, so that [trace] wins over [enrich] for the same option.
        let tables = schema.optionTables.filter { $0.commands.contains(command.name) }
            .sorted { ($0.name == command.name ? 0 : 1) < ($1.name == command.name ? 0 : 1) }
        for table in tables {
            guard let written = file[table.name] else { continue }
            for entry in written.entries {
                guard let option = command.option(named: entry.key), !schema.excludedOptions.contains(option.key),
                      !given.contains(option.key), done.insert(option.key).inserted else { continue }
                if let variable = schema.optionEnvironment[option.key], let value = environment[variable],
                   !value.isEmpty { continue }
                var added: [String] = []
                switch (option.kind, entry.value) {
                case (.flag, .boolean(let on)):
                    if entry.key == option.key {
                        if on { added = ["--" + option.key] } else if option.longNames.count > 1 {
                            added = ["--" + option.longNames[1]]
                        }
                    } else if on {
                        added = ["--" + entry.key]
                    } else {
                        added = ["--" + option.key]
                    }
                case (.option, .array(let values)):
                    added = values.compactMap(\.argument).map { "--\(option.key)=\($0)" }
                case (.option, let value):
                    if let text = value.argument { added = ["--\(option.key)=\(text)"] }
                default:
                    break
                }
                if !added.isEmpty {
                    result.append(Injection(arguments: added, table: table.name, entry: entry))
                }
            }
        }
        return result
    }

    /// An argument list the file added, and the key it came from (to point at it if the command rejects it).
    public struct Injection: Sendable, Hashable {
        public var arguments: [String]
        public var table: String
        public var entry: ConfigEntry
    }

    /// `arguments` with `injections` added before any `--`.
    public static func merge(_ arguments: [String], _ injections: [Injection]) -> [String] {
        let added = injections.flatMap(\.arguments)
        if let terminator = arguments.firstIndex(of: "--") {
            return Array(arguments[..<terminator]) + added + Array(arguments[terminator...])
        }
        return arguments + added
    }

    /// The long keys of the options present on a command line, short and combined forms included
    /// (`-n`, `-q3`, `-nq 3`, `--max-hops=20`, `--no-color`).
    static func givenOptions(_ arguments: [String], schema: CommandSchema) -> Set<String> {
        var given = Set<String>()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" { break }
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name = String(body.prefix { $0 != "=" })
                guard let option = schema.option(named: name) else { continue }
                given.insert(option.key)
                if option.kind == .option && !body.contains("=") { index += 1 }
            } else if argument.hasPrefix("-"), argument.count > 1 {
                let letters = Array(argument.dropFirst())
                if letters.allSatisfy({ $0.isNumber || $0 == "." }) { continue }
                for (position, letter) in letters.enumerated() {
                    guard let option = schema.options.first(where: { $0.shortNames.contains(letter) }) else { continue }
                    given.insert(option.key)
                    if option.kind == .option {
                        if position == letters.count - 1 { index += 1 }
                        break
                    }
                }
            }
        }
        return given
    }

    /// The environment variables the file sets, for those not set already (the environment wins).
    public func environmentDefaults(environment: [String: String]) -> [(variable: String, value: String)] {
        guard let file else { return [] }
        var result: [(variable: String, value: String)] = []
        for table in schema.environmentTables {
            guard let written = file[table.name] else { continue }
            for key in table.keys {
                guard let entry = written[key.key], case .string(let value) = entry.value, !value.isEmpty else { continue }
                if let current = environment[key.variable], !current.isEmpty { continue }
                result.append((key.variable, value))
            }
        }
        return result
    }

    /// The keys the file binds, by action name.
    public var keyBindings: [String: [String]] {
        guard let table = file?[ConfigSchema.keysTable] else { return [:] }
        var result: [String: [String]] = [:]
        for entry in table.entries {
            switch entry.value {
            case .string(let key): result[entry.key] = [key]
            case .array(let keys): result[entry.key] = keys.compactMap { if case .string(let key) = $0 { key } else { nil } }
            default: break
            }
        }
        return result
    }
}

/// A key as config.toml names it: one character, `^X` for a control character, or `Space`.
public enum KeySpec {
    public static func isValid(_ text: String) -> Bool { character(text) != nil }

    /// The character the terminal reports for `text`.
    public static func character(_ text: String) -> Character? {
        if text == "Space" || text == "space" { return " " }
        if text.count == 2, text.first == "^", let letter = text.last?.uppercased().unicodeScalars.first,
           letter.value >= 0x40, letter.value <= 0x5f {
            return Character(Unicode.Scalar(letter.value - 0x40)!)
        }
        guard text.count == 1, let character = text.first, !character.isWhitespace else { return nil }
        return character
    }

    /// How config.toml names `character`.
    public static func name(_ character: Character) -> String {
        if character == " " { return "Space" }
        if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, scalar.value < 0x20 {
            return "^" + String(Character(Unicode.Scalar(scalar.value + 0x40)!))
        }
        return String(character)
    }
}

/// Levenshtein distance, for "did you mean" on a misspelt key.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
