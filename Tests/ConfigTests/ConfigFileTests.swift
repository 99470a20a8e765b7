import TracemapConfig
import XCTest

/// config.toml as a user writes it: a schema like tracemap's own, checked line by line.
final class ConfigFileTests: XCTestCase {
    static let trace = CommandSchema(name: "trace", options: [
        OptionSchema(kind: .option, longNames: ["protocol"], shortNames: ["P"], allValues: ["icmp", "udp", "tcp"],
                     help: "Probe protocol."),
        OptionSchema(kind: .option, longNames: ["max-hops"], shortNames: ["m"], defaultValue: "30", help: "Largest TTL."),
        OptionSchema(kind: .option, longNames: ["queries"], shortNames: ["q"], defaultValue: "3", help: "Probes per TTL."),
        OptionSchema(kind: .option, longNames: ["timeout"], defaultValue: "1000.0", help: "Milliseconds."),
        OptionSchema(kind: .option, longNames: ["fields"], shortNames: ["o"], defaultValue: "LSNABWV", help: "Columns."),
        OptionSchema(kind: .flag, longNames: ["no-rdns"], shortNames: ["n"], help: "No names."),
        OptionSchema(kind: .flag, longNames: ["color", "no-color"], defaultValue: "true", help: "Colours."),
        OptionSchema(kind: .option, longNames: ["geoip-mmdb"], help: "GeoIP database."),
        OptionSchema(kind: .option, longNames: ["profile"], defaultValue: "default",
                     allValues: ["default", "offline", "private", "fast"], help: "Lookup profile."),
        OptionSchema(kind: .option, longNames: ["exec"], isRepeating: true, help: "Hooks."),
        OptionSchema(kind: .option, longNames: ["record"], help: "Recording file."),
    ])

    static let schema = ConfigSchema(
        optionTables: [
            .init(name: "trace", abstract: "Defaults of trace.", options: trace.options, commands: ["trace"]),
            .init(name: "enrich", abstract: "Enrichment.",
                  options: trace.options.filter { ["geoip-mmdb", "profile"].contains($0.key) }, commands: ["trace"]),
        ],
        environmentTables: [
            .init(name: "remote", abstract: "Tokens.", keys: [
                EnvironmentKey(key: "globalping-token", variable: "GLOBALPING_TOKEN", help: "Globalping token",
                               isSecret: true),
                EnvironmentKey(key: "globalping-url", variable: "TRACEMAP_GLOBALPING_URL", help: "Globalping URL"),
            ]),
        ],
        keyActions: [KeyAction(name: "quit", defaultKeys: ["q", "Q"], help: "quit"),
                     KeyAction(name: "pause", defaultKeys: ["p", "Space"], help: "pause"),
                     KeyAction(name: "down", defaultKeys: ["J", "^N"], help: "down")],
        optionEnvironment: ["geoip-mmdb": "TRACEMAP_GEOIP_MMDB"],
        excludedOptions: ["record"])

    private func config(_ text: String) throws -> Config {
        try Config(file: ConfigFile.parse(text, path: "config.toml"), schema: Self.schema)
    }

    /// The one line a user sees for `text`.
    private func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try config(text)
            XCTFail("no error for \(text)", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    // MARK: Reading

    func testTablesAndKeysInFileOrderWithTheirPlaces() throws {
        let file = try ConfigFile.parse("""
            # comment
            [trace]
            max-hops = 20
              protocol = "udp"   # indented
            "fields" = "LSA"

            [remote]
            globalping-token = "t0k"
            """, path: "config.toml")
        XCTAssertEqual(file.tables.map(\.name), ["trace", "remote"])
        XCTAssertEqual(file["trace"]?.entries.map(\.key), ["max-hops", "protocol", "fields"])
        XCTAssertEqual(file["trace"]?["max-hops"]?.value, .integer(20))
        XCTAssertEqual(file["trace"]?["protocol"]?.position, SourcePosition(line: 4, column: 3))
        XCTAssertEqual(file["trace"]?["fields"]?.position, SourcePosition(line: 5, column: 1))
        XCTAssertEqual(file["remote"]?.position, SourcePosition(line: 7, column: 1))
    }

    func testSyntaxErrorsCarryLineAndColumnFromTomlPlusPlus() {
        XCTAssertTrue(error("[trace]\nmax-hops = \n").hasPrefix("config.toml:2:12: "), error("[trace]\nmax-hops = \n"))
        XCTAssertTrue(error("[trace]\nqueries = 3\nqueries = 4\n").hasPrefix("config.toml:3:"))
        XCTAssertTrue(error("[trace\n").hasPrefix("config.toml:1:"))
        XCTAssertTrue(error("[trace]\nfields = \"LSA\n").hasPrefix("config.toml:2:"))
    }

    func testAMissingFileIsNoConfigAndAnUnreadableOneIsAnError() throws {
        XCTAssertNil(try ConfigFile.load(path: "/nonexistent/tracemap/config.toml"))
        XCTAssertThrowsError(try ConfigFile.load(path: "/")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/:1:1: cannot read"), "\(error)")
        }
    }

    // MARK: Checking

    func testUnknownKeysTablesTypesAndValuesArePointedAt() {
        XCTAssertEqual(error("[trace]\nmax-hops = 20\nprotocl = \"udp\"\n"),
                       "config.toml:3:1: unknown key 'protocl' in [trace] (did you mean 'protocol'?)")
        XCTAssertEqual(error("[tracex]\n"),
                       "config.toml:1:1: unknown table [tracex]; known: [trace], [enrich], [remote], [keys]")
        XCTAssertEqual(error("[trace]\n  max-hops = \"twenty\"\n"),
                       "config.toml:2:3: 'max-hops' in [trace] wants a number, not a string")
        XCTAssertEqual(error("[trace]\nprotocol = \"sctp\"\n"),
                       "config.toml:2:1: 'protocol' in [trace] is \"sctp\", not one of icmp, udp, tcp")
        XCTAssertEqual(error("[trace]\nno-rdns = 1\n"),
                       "config.toml:2:1: 'no-rdns' in [trace] wants true or false, not an integer")
        XCTAssertEqual(error("[trace]\nqueries = [1, 2]\n"),
                       "config.toml:2:1: 'queries' in [trace] takes one value, not an array")
        XCTAssertEqual(error("max-hops = 3\n"),
                       "config.toml:1:1: 'max-hops' outside a table; put it under one of [trace], [enrich], [remote], [keys]")
        XCTAssertEqual(error("[trace]\nrecord = \"x.jsonl\"\n"), "config.toml:2:1: unknown key 'record' in [trace]")
        XCTAssertEqual(error("[remote]\nglobalping-token = 5\n"),
                       "config.toml:2:1: 'globalping-token' in [remote] wants a string, not an integer")
        XCTAssertEqual(error("[keys]\nquit = \"x\"\npause = [\"x\"]\n"),
                       "config.toml:3:1: key \"x\" is bound to both 'quit' and 'pause'")
        XCTAssertEqual(error("[keys]\nquit = \"xy\"\n"),
                       "config.toml:2:1: 'quit' in [keys] wants a key or a list of keys (one character, \"^X\" for Ctrl-X, or \"Space\"), not \"xy\"")
        XCTAssertEqual(error("[keys]\nfly = \"f\"\n"),
                       "config.toml:2:1: unknown action 'fly' in [keys]; known: quit, pause, down")
    }

    func testAnIntegerIsANumberWhereADecimalIsExpected() throws {
        XCTAssertNoThrow(try config("[trace]\ntimeout = 500\n"))
        XCTAssertNoThrow(try config("[trace]\ntimeout = 500.5\n"))
    }

    // MARK: Precedence: flag > environment > file > default

    private func injected(_ text: String, _ arguments: [String], environment: [String: String] = [:]) throws -> [String] {
        let config = try config(text)
        return Config.merge(arguments, config.arguments(for: Self.trace, given: arguments, environment: environment))
    }

    func testTheFileFillsWhatTheCommandLineLeavesOut() throws {
        let text = "[trace]\nmax-hops = 20\nqueries = 2\nprotocol = \"udp\"\ntimeout = 250.5\n"
        XCTAssertEqual(try injected(text, ["h"]),
                       ["h", "--max-hops=20", "--queries=2", "--protocol=udp", "--timeout=250.5"])
    }

    func testEveryFormOfAFlagOnTheCommandLineWinsOverTheFile() throws {
        let text = "[trace]\nmax-hops = 20\nqueries = 2\nno-rdns = true\n"
        XCTAssertEqual(try injected(text, ["-m", "5", "h"]), ["-m", "5", "h", "--queries=2", "--no-rdns"])
        XCTAssertEqual(try injected(text, ["--max-hops=5", "h"]), ["--max-hops=5", "h", "--queries=2", "--no-rdns"])
        XCTAssertEqual(try injected(text, ["--max-hops", "5", "h"]), ["--max-hops", "5", "h", "--queries=2", "--no-rdns"])
        XCTAssertEqual(try injected(text, ["-nq1", "h"]), ["-nq1", "h", "--max-hops=20"])
        XCTAssertEqual(try injected(text, ["-nq", "1", "h"]), ["-nq", "1", "h", "--max-hops=20"])
        // A value that looks like an option is a value, and what follows `--` is never read as an option.
        XCTAssertEqual(try injected(text, ["-o", "-m", "h"]), ["-o", "-m", "h", "--max-hops=20", "--queries=2", "--no-rdns"])
        XCTAssertEqual(try injected(text, ["h", "--", "-m"]), ["h", "--max-hops=20", "--queries=2", "--no-rdns", "--", "-m"])
    }

    func testTheEnvironmentWinsOverTheFile() throws {
        let text = "[enrich]\ngeoip-mmdb = \"/file.mmdb\"\n[remote]\nglobalping-token = \"from-file\"\nglobalping-url = \"http://127.0.0.1:9\"\n"
        XCTAssertEqual(try injected(text, ["h"], environment: ["TRACEMAP_GEOIP_MMDB": "/env.mmdb"]), ["h"])
        XCTAssertEqual(try injected(text, ["h"]), ["h", "--geoip-mmdb=/file.mmdb"])
        let config = try config(text)
        let defaults = config.environmentDefaults(environment: ["GLOBALPING_TOKEN": "from-env"])
        XCTAssertEqual(defaults.map(\.variable), ["TRACEMAP_GLOBALPING_URL"])
        XCTAssertEqual(defaults.map(\.value), ["http://127.0.0.1:9"])
        let shown = config.show(environment: ["GLOBALPING_TOKEN": "from-env"])
        XCTAssertTrue(shown.contains("globalping-token = \"********\"  # config.toml:4; overridden by GLOBALPING_TOKEN"), shown)
        XCTAssertFalse(shown.contains("from-file"), "a token is never printed")
    }

    func testTheCommandsOwnTableWinsOverASharedOne() throws {
        XCTAssertEqual(try injected("[trace]\nprofile = \"fast\"\n[enrich]\nprofile = \"offline\"\n", ["h"]),
                       ["h", "--profile=fast"])
        XCTAssertEqual(try injected("[enrich]\nprofile = \"offline\"\n", ["h"]), ["h", "--profile=offline"])
    }

    func testFlagsTheirInversionsAndRepeatedOptions() throws {
        XCTAssertEqual(try injected("[trace]\nno-rdns = false\n", ["h"]), ["h"])
        XCTAssertEqual(try injected("[trace]\ncolor = false\n", ["h"]), ["h", "--no-color"])
        XCTAssertEqual(try injected("[trace]\nno-color = true\n", ["h"]), ["h", "--no-color"])
        XCTAssertEqual(try injected("[trace]\ncolor = false\n", ["--color", "h"]), ["--color", "h"])
        XCTAssertEqual(try injected("[trace]\nexec = [\"a b\", \"-c\"]\n", ["h"]), ["h", "--exec=a b", "--exec=-c"])
    }

    func testKeyBindings() throws {
        let config = try config("[keys]\nquit = \"x\"\ndown = [\"j\", \"^N\"]\npause = \"Space\"\n")
        XCTAssertEqual(config.keyBindings["quit"], ["x"])
        XCTAssertEqual(config.keyBindings["down"], ["j", "^N"])
        XCTAssertEqual(KeySpec.character("^N"), "\u{0e}")
        XCTAssertEqual(KeySpec.character("Space"), " ")
        XCTAssertEqual(KeySpec.name("\u{0e}"), "^N")
        XCTAssertNil(KeySpec.character("ab"))
    }

    // MARK: config init

    func testTheTemplateChangesNothingAndItsLinesUncommentToTheDefaults() throws {
        let template = Config.template(schema: Self.schema)
        let commented = try config(template)
        XCTAssertEqual(commented.file?.tables.flatMap(\.entries), [], "every value line is commented out")
        XCTAssertTrue(template.contains("# max-hops = 30\n"), template)
        XCTAssertTrue(template.contains("# --protocol, -P: Probe protocol. (none by default) One of: icmp, udp, tcp."), template)
        XCTAssertFalse(template.contains("record"), "options a file may not set are left out")
        // Uncommenting every `# key = value` line gives a valid file whose values are the defaults.
        let uncommented = template.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasPrefix("# ") && line.contains(" = ") && !line.hasPrefix("# --") ? line.dropFirst(2) : line
        }.joined(separator: "\n")
        let active = try config(uncommented)
        XCTAssertEqual(active.file?["trace"]?["max-hops"]?.value, .integer(30))
        XCTAssertEqual(active.file?["trace"]?["timeout"]?.value, .double(1000))
        XCTAssertEqual(active.file?["trace"]?["color"]?.value, .boolean(true))
        XCTAssertEqual(active.file?["enrich"]?["profile"]?.value, .string("default"))
        XCTAssertEqual(active.keyBindings["pause"], ["p", "Space"])
        let arguments = try injected(uncommented, ["h"])
        XCTAssertTrue(arguments.contains("--max-hops=30") && arguments.contains("--fields=LSNABWV")
                      && arguments.contains("--color"), "\(arguments)")
    }
}
