/// One value of config.toml, copied out of the TOML library at once so nothing else sees its reference types.
public enum ConfigValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case double(Double)
    case boolean(Bool)
    case array([ConfigValue])
    /// A TOML table, date or time where the file wants a plain value: kept only to be reported.
    case unsupported(String)

    /// What the value is, in the words an error message uses.
    public var kind: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .double: "a number"
        case .boolean: "true or false"
        case .array: "an array"
        case .unsupported(let what): what
        }
    }

    /// The value as a command-line argument would spell it.
    public var argument: String? {
        switch self {
        case .string(let text): text
        case .integer(let value): String(value)
        case .double(let value): String(value)
        case .boolean(let value): value ? "true" : "false"
        case .array, .unsupported: nil
        }
    }

    /// The value as a TOML literal (what `config init` and `config show` write).
    public var description: String {
        switch self {
        case .string(let text): Self.quoted(text)
        case .integer(let value): String(value)
        case .double(let value): value.isFinite ? String(value) : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
        case .boolean(let value): value ? "true" : "false"
        case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .unsupported(let what): "<\(what)>"
        }
    }

    /// The literal for a default value that the command line spells as text: numbers and booleans stay
    /// themselves, anything else becomes a string.
    public static func literal(fromArgument text: String) -> ConfigValue {
        if let value = Int(text) { return .integer(value) }
        if text.contains("."), let value = Double(text), value.isFinite { return .double(value) }
        if text == "true" || text == "false" { return .boolean(text == "true") }
        return .string(text)
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped (TOML 1.0 §String).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
