import ArgumentParser
import Foundation
import Synchronization
import TracemapConfig
import TracemapTUI

/// config.toml's layer between the built-in defaults and the environment (precedence: flag > environment >
/// file > default).
///
/// swift-argument-parser has no config layer, so the file's values are added to the command line before
/// parsing, as the long options they are named after, for every option the command line does not give and
/// whose environment variable is not set. The commands therefore see one set of values and know nothing of the
/// file. Keys are checked against the commands' own option lists (from `_dumpHelp()`), so a new option is
/// configurable without an edit here.
enum ConfigLayer {
    /// The subcommands a table of the file fills, and which tables fill them.
    static let commandTables: [(table: String, command: String, abstract: String)] = [
        ("trace", "trace", "Defaults of `tracemap trace`."),
        ("watch", "watch", "Defaults of `tracemap watch`: probing, thresholds, alert hooks."),
        ("tui", "tui", "Defaults of `tracemap tui`: probing, display (colours, ASCII), window."),
    ]

    /// Options a file may not set: they name one run's files, targets or remote vantage points, or conflict with
    /// another output flag.
    static let excludedOptions: Set<String> = ["replay", "record", "write", "targets", "hosts", "csv", "raw", "tcp",
                                               "udp", "from", "atlas", "cloudflare", "colos"]

    /// Options an environment variable also sets; the variable wins over the file.
    static let optionEnvironment = ["geoip-mmdb": "TRACEMAP_GEOIP_MMDB"]

    static let environmentTables: [ConfigSchema.EnvironmentTable] = [
        .init(name: "remote", abstract: "Remote vantage points: tokens and base URLs (the environment wins).", keys: [
            EnvironmentKey(key: "globalping-token", variable: "GLOBALPING_TOKEN", help: "Globalping API token",
                           isSecret: true),
            EnvironmentKey(key: "ripe-atlas-key", variable: "RIPE_ATLAS_KEY", help: "RIPE Atlas API key",
                           isSecret: true),
            EnvironmentKey(key: "cloudflare-api-token", variable: "CLOUDFLARE_API_TOKEN",
                           help: "Cloudflare API token", isSecret: true),
            EnvironmentKey(key: "cloudflare-account-id", variable: "CLOUDFLARE_ACCOUNT_ID",
                           help: "Cloudflare account id"),
            EnvironmentKey(key: "globalping-url", variable: "TRACEMAP_GLOBALPING_URL",
                           help: "Globalping base URL (default: the public API)"),
            EnvironmentKey(key: "atlas-url", variable: "TRACEMAP_ATLAS_URL",
                           help: "RIPE Atlas base URL (default: the public API)"),
            EnvironmentKey(key: "cloudflare-url", variable: "TRACEMAP_CLOUDFLARE_URL",
                           help: "Cloudflare API base URL (default: the public API)"),
        ]),
    ]

    /// The commands the file may fill, with their option lists straight from swift-argument-parser
    /// (`_dumpHelp()`), so the file and `--help` agree. Made once, and only when a file exists.
    static let commands: [String: CommandSchema] = {
        let types: [(String, any ParsableArguments.Type)] = [
            ("trace", TraceCommand.self), ("watch", WatchCommand.self), ("tui", TUICommand.self),
            ("replay", ReplayCommand.self), ("demo", DemoCommand.self),
        ]
        var result: [String: CommandSchema] = [:]
        for (name, type) in types { result[name] = CommandSchema.fromArgumentsInfo(type._dumpHelp(), name: name) }
        return result
    }()

    static func schema() -> ConfigSchema {
        var tables: [ConfigSchema.OptionTable] = []
        for (table, command, abstract) in commandTables {
            guard let schema = commands[command] else { continue }
            tables.append(.init(name: table, abstract: abstract, options: schema.options, commands: [command]))
        }
        let enrich = CommandSchema.fromArgumentsInfo(EnrichmentArguments._dumpHelp(), name: "enrich")
        let enriched = commands.values.filter { command in
            enrich.options.allSatisfy { option in command.option(named: option.key) != nil }
        }.map(\.name).sorted()
        tables.append(.init(name: "enrich", abstract: "Names, networks and places, for every command that looks them up "
                              + "(the [trace]/[watch]/[tui] tables win over this one).",
                            options: enrich.options, commands: enriched))
        let actions = KeyMap.remappable.map { name, action in
            let binding = KeyMap.defaultBindings.first { $0.action == action }
            let keys = (binding?.keys ?? []).compactMap { key -> String? in
                guard case .character(let character) = key, character != "\n", character != "\r" else { return nil }
                return KeySpec.name(character)
            }
            return KeyAction(name: name, defaultKeys: keys, help: binding?.help ?? "")
        }
        return ConfigSchema(optionTables: tables, environmentTables: environmentTables, keyActions: actions,
                            optionEnvironment: optionEnvironment, excludedOptions: excludedOptions)
    }

    /// Reads and checks config.toml; nil when there is none.
    static func load(environment: [String: String]) throws(ConfigError) -> Config? {
        let path = ConfigPaths.file(environment: environment)
        guard let file = try ConfigFile.load(path: path) else { return nil }
        return try Config(file: file, schema: schema())
    }

    /// The command line to parse: `arguments` (without the program name) with the file's defaults added.
    /// Also sets the environment variables the file names (tokens, URLs) and remaps the TUI's keys. A bad file
    /// is one error line, `FILE:LINE:COLUMN: message`, and exit status 64.
    static func apply(to arguments: [String],
                      environment: [String: String] = ProcessInfo.processInfo.environment) throws(CommandFailure) -> [String] {
        // `config`, `--help`, `--version` and the rest work whatever the file says.
        guard let name = arguments.first, commands[name] != nil else { return arguments }
        let config: Config
        do {
            guard let loaded = try load(environment: environment) else { return arguments }
            config = loaded
        } catch {
            throw CommandFailure(message: error.description, status: .usage)
        }
        for (variable, value) in config.environmentDefaults(environment: environment) {
            setenv(variable, value, 0)
        }
        let bindings = config.keyBindings
        if !bindings.isEmpty {
            var remap: [Action: [Character]] = [:]
            for (name, action) in KeyMap.remappable {
                if let keys = bindings[name] { remap[action] = keys.compactMap(KeySpec.character) }
            }
            KeyMap.remap(remap)
        }
        guard let command = commands[name] else { return arguments }
        let rest = Array(arguments.dropFirst())
        let injections = config.arguments(for: command, given: rest, environment: environment)
        guard !injections.isEmpty else { return arguments }
        let merged = [name] + Config.merge(rest, injections)
        // A value the command rejects (a bad number, a failed validation) is reported at its key: when the
        // command line alone parses and the merged one does not, the key that breaks it is found by adding the
        // keys one at a time.
        if parseError(merged) != nil, parseError(arguments) == nil, let path = config.file?.path {
            for injection in injections {
                if let message = parseError([name] + Config.merge(rest, [injection])) {
                    throw CommandFailure(message: ConfigError(path: path, position: injection.entry.position,
                                                              message: "[\(injection.table)] \(injection.entry.key) = \(injection.entry.value): \(message)").description,
                                         status: .usage)
                }
            }
        }
        if let path = config.file?.path { applied.withLock { $0 = (path, injections) } }
        return merged
    }

    /// What `apply` added to this run's command line, to name the key when the command rejects a value only
    /// while running (`--queries must be 1…10`).
    private static let applied = Mutex<(path: String, injections: [Config.Injection])?>(nil)

    /// `message` with the config.toml place in front when it is about an option the file set and the command
    /// line did not: `FILE:LINE:COLUMN: [table] key = value: message`.
    static func attribute(_ message: String) -> String {
        guard let (path, injections) = applied.withLock({ $0 }), !message.hasPrefix(path + ":") else { return message }
        let named = injections.compactMap { injection -> (Config.Injection, String.Index)? in
            guard let option = injection.arguments.first?.split(separator: "=").first,
                  let range = message.range(of: String(option)),
                  range.upperBound == message.endIndex || !(message[range.upperBound].isLetter
                                                            || message[range.upperBound] == "-") else { return nil }
            return (injection, range.lowerBound)
        }
        guard let (injection, _) = named.min(by: { $0.1 < $1.1 }) else { return message }
        let entry = injection.entry
        return ConfigError(path: path, position: entry.position,
                           message: "[\(injection.table)] \(entry.key) = \(entry.value): \(message)").description
    }

    /// The first line of the parser's complaint about `arguments`, nil when they parse.
    private static func parseError(_ arguments: [String]) -> String? {
        do {
            _ = try TracemapCommand.parseAsRoot(arguments)
            return nil
        } catch {
            if TracemapCommand.exitCode(for: error) == .success { return nil }
            return TracemapCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }
}
