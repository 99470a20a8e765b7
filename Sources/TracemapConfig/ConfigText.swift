/// The texts `tracemap config init` and `tracemap config show` print.
extension Config {
    /// A config.toml that changes nothing: every key commented out at its default, with its help. Uncommenting
    /// a `# key = value` line gives a valid file that still changes nothing; options without a default are
    /// described without a value line.
    public static func template(schema: ConfigSchema) -> String {
        var lines: [String] = [
            "# tracemap configuration (tracemap config init). Every line is a default; uncomment one to change it.",
            "# Precedence: a command-line flag, then the environment, then this file, then the built-in default.",
            "# Keys are the long options of `tracemap trace|watch|tui --help`; `tracemap config show` prints what",
            "# applies and where each value comes from.",
        ]
        // An option a shared table ([enrich]) holds is written there only, though the command's table may set it too.
        let shared = Set(schema.optionTables.filter { $0.commands.count > 1 || $0.commands.first != $0.name }
            .flatMap { $0.options.map(\.key) })
        for table in schema.optionTables {
            let isShared = table.commands.count > 1 || table.commands.first != table.name
            lines += ["", "[\(table.name)]", "# \(table.abstract)"]
            for option in table.options where !schema.excludedOptions.contains(option.key)
                && (isShared || !shared.contains(option.key)) {
                lines += commentLines(option.help, names: option)
                if let line = templateLine(option) {
                    lines.append("# \(option.key) = \(line)")
                }
            }
        }
        for table in schema.environmentTables {
            lines += ["", "[\(table.name)]", "# \(table.abstract)"]
            for key in table.keys {
                lines.append("# \(key.help) (environment: \(key.variable), which wins over this file)")
                lines.append("# \(key.key) = \"\"")
            }
        }
        lines += ["", "[\(ConfigSchema.keysTable)]",
                  "# TUI keys: an action and its key or keys (one character, \"^X\" for Ctrl-X, or \"Space\"). A key",
                  "# given here leaves the action it had; arrows, PgUp/PgDn, Home/End, Enter and Esc always stay."]
        for action in schema.keyActions {
            lines.append("# \(action.name) = \(ConfigValue.array(action.defaultKeys.map(ConfigValue.string)))  # \(action.help)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func commentLines(_ help: String, names option: OptionSchema) -> [String] {
        var flags = option.longNames.map { "--\($0)" } + option.shortNames.map { "-\($0)" }
        if option.longNames.count > 1 { flags = [flags.joined(separator: "/")] } else { flags = [flags.joined(separator: ", ")] }
        var text = "\(flags[0]): \(help)"
        if option.defaultValue == nil, option.kind == .option {
            text += option.isRepeating ? " (none by default; an array of values)" : " (none by default)"
        }
        if let values = option.allValues, !values.isEmpty, !values.allSatisfy({ help.contains($0) }) {
            text += " One of: " + values.joined(separator: ", ") + "."
        }
        return wrap(text, width: 116).map { "# " + $0 }
    }

    /// The default as a TOML literal, nil when the option has none.
    private static func templateLine(_ option: OptionSchema) -> String? {
        switch option.kind {
        case .flag:
            // A flag with an inversion (`--color/--no-color`) defaults to what dump-help says, else off.
            return option.defaultValue.map { ConfigValue.literal(fromArgument: $0).description } ?? "false"
        case .option:
            guard let value = option.defaultValue else { return nil }
            if option.isRepeating { return ConfigValue.array([ConfigValue.literal(fromArgument: value)]).description }
            if option.allValues != nil { return ConfigValue.string(value).description }
            return ConfigValue.literal(fromArgument: value).description
        }
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Every key the file sets, with where it applies, and every environment variable that overrides it:
    /// `key = value  # from FILE:LINE` (tokens masked).
    public func show(environment: [String: String]) -> String {
        guard let file else { return "" }
        var lines: [String] = []
        for table in file.tables {
            lines.append("[\(table.name)]")
            let environmentTable = schema.environmentTables.first { $0.name == table.name }
            for entry in table.entries {
                var value = entry.value.description
                var note = "\(file.path):\(entry.position.line)"
                if let key = environmentTable?.keys.first(where: { $0.key == entry.key }) {
                    if key.isSecret { value = "\"********\"" }
                    if let current = environment[key.variable], !current.isEmpty {
                        note += "; overridden by \(key.variable)"
                    } else {
                        note += "; sets \(key.variable)"
                    }
                } else if let optionTable = schema.optionTables.first(where: { $0.name == table.name }),
                          let option = optionTable.options.first(where: { $0.longNames.contains(entry.key) }),
                          let variable = schema.optionEnvironment[option.key],
                          let current = environment[variable], !current.isEmpty {
                    note += "; overridden by \(variable)"
                }
                lines.append("\(entry.key) = \(value)  # \(note)")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
