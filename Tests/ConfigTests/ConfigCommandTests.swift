import Foundation
import TestSupport
import XCTest

/// `tracemap config` and the file's layer in the built binary, with tracemap's real options.
final class ConfigCommandTests: XCTestCase {
    /// The `tracemap` binary built beside this test bundle (or `TRACEMAP_BINARY`).
    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["TRACEMAP_BINARY"] { return override }
        let bundle = Bundle(for: ConfigCommandTests.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("tracemap").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    private var directory = ""
    private var configPath: String { directory + "/tracemap/config.toml" }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tm-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.binary), "no built tracemap binary")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs tracemap with config.toml looked for under `directory` (XDG_CONFIG_HOME), as a user would.
    private func tracemap(_ arguments: [String], environment: [String: String?] = [:]) -> CommandResult {
        var merged: [String: String?] = ["XDG_CONFIG_HOME": directory, "TRACEMAP_CONFIG": nil,
                                         "TRACEMAP_GEOIP_MMDB": nil]
        for (key, value) in environment { merged[key] = value }
        return runCommand([Self.binary] + arguments, environment: merged)
    }

    private func write(_ text: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/tracemap", withIntermediateDirectories: true)
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func testPathFollowsXDGConfigHome() {
        XCTAssertEqual(tracemap(["config", "path"]).stdout, configPath + "\n")
        XCTAssertEqual(tracemap(["config", "path"], environment: ["TRACEMAP_CONFIG": "/etc/x.toml"]).stdout, "/etc/x.toml\n")
    }

    func testInitWritesACommentedFileAndRefusesToOverwriteIt() throws {
        let first = tracemap(["config", "init"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, "wrote \(configPath)\n")
        let text = try String(contentsOfFile: configPath, encoding: .utf8)
        for table in ["[trace]", "[watch]", "[tui]", "[enrich]", "[remote]", "[keys]"] {
            XCTAssertTrue(text.contains("\n\(table)\n"), table)
        }
        XCTAssertTrue(text.contains("# max-hops = 30\n"), text)
        XCTAssertTrue(text.contains("# spike-pct = 40"), text)
        XCTAssertTrue(text.contains("# quit = [\"q\", \"Q\"]"), text)
        let shown = tracemap(["config", "show"])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.hasPrefix("# \(configPath): valid\n"), shown.stdout)

        try write("[trace]\nmax-hops = 9\n")
        let again = tracemap(["config", "init"])
        XCTAssertEqual(again.status, 64)
        XCTAssertEqual(again.stderr, "tracemap: \(configPath) exists; --force replaces it\n")
        XCTAssertEqual(try String(contentsOfFile: configPath, encoding: .utf8), "[trace]\nmax-hops = 9\n")
        XCTAssertEqual(tracemap(["config", "init", "--force"]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: configPath, encoding: .utf8), text)
    }

    /// Every `# key = value` line of `config init`, uncommented, is accepted by the commands it configures.
    func testInitUncommentedIsAValidFileEveryCommandAccepts() throws {
        let template = tracemap(["config", "init", "--output", "-"]).stdout
        let uncommented = template.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.hasPrefix("# ") && line.contains(" = ") && !line.hasPrefix("# --") ? line.dropFirst(2) : line
        }.joined(separator: "\n")
        try write(uncommented)
        let shown = tracemap(["config", "show"])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertTrue(shown.stdout.contains("max-hops = 30  # \(configPath):"), shown.stdout)
        // --help parses the merged command line first, so a value a command rejected would show here.
        for command in ["trace", "watch", "tui"] {
            let help = tracemap([command, "--help"])
            XCTAssertEqual(help.status, 0, "\(command): \(help.stderr)")
        }
    }

    func testABadFileIsOneLineWithItsPlaceAndStatus64() throws {
        let cases: [(String, String)] = [
            ("[trace]\nmax-hops = \n", ":2:12: "),
            ("[trace]\nmax-hops = 20\nprotocl = \"udp\"\n",
             ":3:1: unknown key 'protocl' in [trace] (did you mean 'protocol'?)"),
            ("[watch]\n  spike-pct = \"high\"\n", ":2:3: 'spike-pct' in [watch] wants a number, not a string"),
            ("[trace]\nqueries = 0\n", ":2:1: [trace] queries = 0: --queries must be 1…10"),
            ("[trace]\nfields = \"LZ\"\n", ":2:1: [trace] fields = \"LZ\": unknown column letter in --fields LZ"),
            ("[tui]\nprotocol = \"sctp\"\n", ":2:1: 'protocol' in [tui] is \"sctp\", not one of icmp, udp, tcp"),
            ("[keys]\nquit = \"x\"\npause = \"x\"\n", ":3:1: key \"x\" is bound to both 'quit' and 'pause'"),
        ]
        for (text, expected) in cases {
            try write(text)
            let command = text.hasPrefix("[tui]") || text.hasPrefix("[keys]") ? "tui" : text.hasPrefix("[watch]") ? "watch" : "trace"
            let result = tracemap([command, "192.0.2.1"])
            XCTAssertEqual(result.status, 64, text)
            XCTAssertTrue(result.stderr.hasPrefix("tracemap: \(configPath)\(expected)"), "\(text) → \(result.stderr)")
            XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
            if !expected.contains("--queries") && !expected.contains("--fields") {
                // (What the command itself checks is reported by that command.)
                XCTAssertEqual(tracemap(["config", "show"]).status, 64, "config show checks the file too")
            }
        }
        // Commands a file does not configure still run, and `config path` always does.
        XCTAssertEqual(tracemap(["config", "path"]).status, 0)
        XCTAssertEqual(tracemap(["--version"]).status, 0)
    }

    /// flag > environment > file > default, seen in what a trace reports of its own options (`--json`), in a
    /// network namespace of the test's own with a documentation address on its loopback.
    func testPrecedenceInARealTrace() throws {
        try XCTSkipUnless(getuid() == 0, "needs root for a network namespace (unshare --net)")
        try write("""
            [trace]
            max-hops = 7
            queries = 2
            timeout = 500

            [enrich]
            profile = "offline"
            """)
        let script = "ip link set lo up && ip addr add 192.0.2.1/32 dev lo && \(Self.binary) trace --json -q 1 192.0.2.1"
        let result = tracemap(["--version"])
        XCTAssertEqual(result.status, 0)
        let traced = runCommand(["unshare", "--net", "sh", "-c", script],
                                environment: ["XDG_CONFIG_HOME": directory, "TRACEMAP_CONFIG": nil,
                                              "TRACEMAP_GEOIP_MMDB": nil])
        XCTAssertEqual(traced.status, 0, traced.stderr)
        let document = try JSONSerialization.jsonObject(with: Data(traced.stdout.utf8)) as? [String: Any]
        let options = (document?["meta"] as? [String: Any])?["options"] as? [String: Any]
        XCTAssertEqual(options?["max_hops"] as? Int, 7, "the file over the default")
        XCTAssertEqual(options?["queries"] as? Int, 1, "the flag over the file")
        XCTAssertEqual(options?["timeout_ms"] as? Double, 500)
        XCTAssertEqual(options?["first_ttl"] as? Int, 1, "the default where nobody says otherwise")

        // The environment over the file: a database both name is looked for where the environment says (a named
        // database that is missing is an error, exit 6, naming the path it looked at).
        try write("""
            [enrich]
            profile = "offline"
            geoip-mmdb = "/nonexistent/from-file.mmdb"
            """)
        let named = runCommand(["unshare", "--net", "sh", "-c", script],
                               environment: ["XDG_CONFIG_HOME": directory, "TRACEMAP_CONFIG": nil,
                                             "TRACEMAP_GEOIP_MMDB": "/nonexistent/from-env.mmdb"])
        XCTAssertEqual(named.status, 6, named.stderr)
        XCTAssertTrue(named.stderr.contains("/nonexistent/from-env.mmdb"), "the environment over the file: \(named.stderr)")
        XCTAssertFalse(named.stderr.contains("from-file"), named.stderr)
    }
}
