#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One command-line option a config key can stand for, as swift-argument-parser describes it.
public struct OptionSchema: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case flag, option }

    public var kind: Kind
    /// Long names without dashes: `protocol`; a flag with an inversion has both (`color`, `no-color`).
    public var longNames: [String]
    public var shortNames: [Character]
    public var isRepeating: Bool
    /// The default as the command line would spell it ("icmp", "1000", "LSNABWV"); nil for none.
    public var defaultValue: String?
    /// The accepted values when they are a closed list (enumerations).
    public var allValues: [String]?
    public var valueName: String?
    public var help: String

    public init(kind: Kind, longNames: [String], shortNames: [Character] = [], isRepeating: Bool = false,
                defaultValue: String? = nil, allValues: [String]? = nil, valueName: String? = nil, help: String = "") {
        self.kind = kind
        self.longNames = longNames
        self.shortNames = shortNames
        self.isRepeating = isRepeating
        self.defaultValue = defaultValue
        self.allValues = allValues
        self.valueName = valueName
        self.help = help
    }

    /// The key naming it in config.toml: its first long name.
    public var key: String { longNames[0] }
}

/// The options of one subcommand.
public struct CommandSchema: Sendable, Hashable {
    public var name: String
    public var options: [OptionSchema]

    public init(name: String, options: [OptionSchema]) {
        self.name = name
        self.options = options
    }

    public func option(named key: String) -> OptionSchema? {
        options.first { $0.longNames.contains(key) }
    }

    /// The subcommands of swift-argument-parser's `--experimental-dump-help` JSON (`_dumpHelp()`), by name,
    /// nested ones as "parent child". Help, version and positional arguments are left out: a file cannot
    /// name hosts.
    public static func fromToolInfo(_ json: String) -> [String: CommandSchema] {
        guard let info = try? JSONDecoder().decode(ToolInfo.self, from: Data(json.utf8)) else { return [:] }
        var result: [String: CommandSchema] = [:]
        func visit(_ command: ToolInfo.Command, path: [String]) {
            if !path.isEmpty {
                let name = path.joined(separator: " ")
                result[name] = CommandSchema(name: name, options: options(of: command))
            }
            for subcommand in command.subcommands ?? [] where subcommand.commandName != "help" {
                visit(subcommand, path: path + [subcommand.commandName])
            }
        }
        visit(info.command, path: [])
        return result
    }

    /// The options of one command's or one `ParsableArguments` group's dump (`TraceCommand._dumpHelp()`).
    public static func fromArgumentsInfo(_ json: String, name: String) -> CommandSchema {
        let info = try? JSONDecoder().decode(ToolInfo.self, from: Data(json.utf8))
        return CommandSchema(name: name, options: info.map { options(of: $0.command) } ?? [])
    }

    private static func options(of command: ToolInfo.Command) -> [OptionSchema] {
        (command.arguments ?? []).compactMap { argument in
            guard argument.kind != "positional", argument.shouldDisplay ?? true else { return nil }
            let names = argument.names ?? []
            let longs = names.filter { $0.kind == "long" }.map(\.name)
            guard let first = longs.first, first != "help", first != "version",
                  first != "experimental-dump-help", first != "generate-completion-script" else { return nil }
            let shorts = names.filter { $0.kind == "short" }.compactMap(\.name.first)
            return OptionSchema(kind: argument.kind == "flag" ? .flag : .option, longNames: longs,
                                shortNames: shorts, isRepeating: argument.isRepeating ?? false,
                                defaultValue: argument.defaultValue, allValues: argument.allValues,
                                valueName: argument.valueName, help: argument.abstract ?? "")
        }
    }
}

/// The part of swift-argument-parser's ToolInfoV0 JSON that config needs.
private struct ToolInfo: Codable {
    struct Name: Codable {
        var kind: String
        var name: String
    }
    struct Argument: Codable {
        var kind: String
        var shouldDisplay: Bool?
        var isRepeating: Bool?
        var names: [Name]?
        var valueName: String?
        var defaultValue: String?
        var allValues: [String]?
        var abstract: String?
    }
    struct Command: Codable {
        var commandName: String
        var subcommands: [Command]?
        var arguments: [Argument]?
    }
    var command: Command
}

/// A config key that is not an option but sets an environment variable the program reads (remote-engine
/// tokens and URLs, the DNS resolver), unless that variable is set already.
public struct EnvironmentKey: Sendable, Hashable {
    public var key: String
    public var variable: String
    public var help: String
    /// Tokens: `config show` masks their values.
    public var isSecret: Bool

    public init(key: String, variable: String, help: String, isSecret: Bool = false) {
        self.key = key
        self.variable = variable
        self.help = help
        self.isSecret = isSecret
    }
}

/// A remappable TUI action, its config name and the keys it has by default.
public struct KeyAction: Sendable, Hashable {
    public var name: String
    public var defaultKeys: [String]
    public var help: String

    public init(name: String, defaultKeys: [String], help: String) {
        self.name = name
        self.defaultKeys = defaultKeys
        self.help = help
    }
}

/// What config.toml may hold: a table per configurable command (keys are its long options), option tables
/// shared by several commands (`[enrich]`), environment tables (`[remote]`) and the `[keys]` table.
public struct ConfigSchema: Sendable {
    public struct OptionTable: Sendable {
        public var name: String
        public var abstract: String
        public var options: [OptionSchema]
        /// The commands whose own options these keys fill.
        public var commands: [String]

        public init(name: String, abstract: String, options: [OptionSchema], commands: [String]) {
            self.name = name
            self.abstract = abstract
            self.options = options
            self.commands = commands
        }
    }

    public struct EnvironmentTable: Sendable {
        public var name: String
        public var abstract: String
        public var keys: [EnvironmentKey]

        public init(name: String, abstract: String, keys: [EnvironmentKey]) {
            self.name = name
            self.abstract = abstract
            self.keys = keys
        }
    }

    public var optionTables: [OptionTable]
    public var environmentTables: [EnvironmentTable]
    public var keyActions: [KeyAction]
    /// Options that an environment variable also sets: the variable wins over the file (`geoip-mmdb` and
    /// `TRACEMAP_GEOIP_MMDB`).
    public var optionEnvironment: [String: String]
    /// Options a file may not set (output choices that make no sense as a default are still allowed; this is for
    /// those that would break every run, e.g. `--replay`).
    public var excludedOptions: Set<String>

    public init(optionTables: [OptionTable], environmentTables: [EnvironmentTable], keyActions: [KeyAction],
                optionEnvironment: [String: String] = [:], excludedOptions: Set<String> = []) {
        self.optionTables = optionTables
        self.environmentTables = environmentTables
        self.keyActions = keyActions
        self.optionEnvironment = optionEnvironment
        self.excludedOptions = excludedOptions
    }

    public static let keysTable = "keys"

    public var tableNames: [String] {
        optionTables.map(\.name) + environmentTables.map(\.name) + [Self.keysTable]
    }
}
