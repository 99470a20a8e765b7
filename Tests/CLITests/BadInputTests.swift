import Foundation
import TracemapProcess
import XCTest

/// Every bad input a user can give, tried against the built binary: each must end with its documented exit code
/// (README "Exit codes") and one line on stderr starting `tracemap: ` that says what was wrong — never a Swift
/// trap, a backtrace, a usage dump or a silent success. Rows marked `root` run inside a network namespace this
/// test builds (loopback only, nothing leaves it) and are skipped without root; rows marked `terminal` run under
/// a pseudo-terminal from script(1).
final class BadInputTests: XCTestCase {
    struct Row {
        /// A shell command line; `$T` is the binary, `$D` a scratch directory, `$NS` runs in the namespace.
        var command: String
        var status: Int32
        /// What the one stderr line must contain ("" for rows that must end quietly).
        var message: String
        var root = false
        var terminal = false
        /// The row kills the program with a crash signal on purpose: the runtime's crash report is expected.
        var crash = false
    }

    static let rows: [Row] = [
        // Options out of range: the range is in the message.
        Row(command: "$T trace -m -5 h", status: 64, message: "--max-hops must be 1…255 (got -5)"),
        Row(command: "$T trace -m 256 h", status: 64, message: "--max-hops must be 1…255 (got 256)"),
        Row(command: "$T trace -f 0 h", status: 64, message: "--first must be 1…255 (got 0)"),
        Row(command: "$T trace -f 10 -m 5 h", status: 64, message: "--max-hops must be 10…255 (got 5)"),
        Row(command: "$T trace -q 0 h", status: 64, message: "--queries must be 1…10 (got 0)"),
        Row(command: "$T trace -q -3 h", status: 64, message: "--queries must be 1…10 (got -3)"),
        Row(command: "$T trace --timeout 0.5 h", status: 64, message: "--timeout must be 1…60000 ms (got 0.5)"),
        Row(command: "$T trace --timeout inf h", status: 64, message: "--timeout must be 1…60000 ms (got inf)"),
        Row(command: "$T trace --timeout nan h", status: 64, message: "--timeout must be 1…60000 ms (got nan)"),
        Row(command: "$T trace --timeout 1e300 h", status: 64, message: "--timeout must be 1…60000 ms"),
        Row(command: "$T trace --timeout -1 h", status: 64, message: "--timeout must be 1…60000 ms (got -1)"),
        Row(command: "$T trace -z -1 h", status: 64, message: "--send-time must be 0…60000 ms (got -1)"),
        Row(command: "$T trace -z inf h", status: 64, message: "--send-time must be 0…60000 ms (got inf)"),
        Row(command: "$T trace -i nan h", status: 64, message: "--ttl-time must be 0…60000 ms (got nan)"),
        Row(command: "$T trace -p 0 h", status: 64, message: "--port must be 1…65535 (got 0)"),
        Row(command: "$T trace -p 70000 h", status: 64, message: "--port must be 1…65535 (got 70000)"),
        Row(command: "$T trace --tos 300 h", status: 64, message: "--tos must be 0…255 (got 300)"),
        Row(command: "$T trace --psize 5 h", status: 64, message: "--psize must be 28…9000 bytes (got 5)"),
        Row(command: "$T trace --flows 0 h", status: 64, message: "--flows must be 1…16 (got 0)"),
        Row(command: "$T trace --parallel-requests 0 h", status: 64, message: "--parallel-requests must be 1…255 (got 0)"),
        Row(command: "$T trace -o LQZ h", status: 64, message: "unknown column letter in --fields LQZ"),
        Row(command: "$T trace -m abc h", status: 64, message: "'abc' is invalid for '-m"),
        Row(command: "$T trace -P sctp h", status: 64, message: "'sctp' is invalid"),
        Row(command: "$T trace -4 -6 h", status: 64, message: "-4 and -6 exclude each other"),
        Row(command: "$T trace -T -U h", status: 64, message: "choose one protocol"),
        Row(command: "$T trace --json --csv h", status: 64, message: "choose one of --json, --csv, --raw"),
        Row(command: "$T trace --frob h", status: 64, message: "Unknown option '--frob'"),
        Row(command: "$T trace", status: 64, message: "give at least one host, or --targets FILE"),
        Row(command: "$T trace -s not-an-address h", status: 64, message: "--source is not an IP address: not-an-address"),
        Row(command: "$T trace --profile nope h", status: 64, message: "'nope' is invalid for '--profile"),
        Row(command: "$T trace --targets $D/nonexistent.txt", status: 6, message: "cannot read --targets"),
        Row(command: "$T trace --targets /dev/zero", status: 6, message: "cannot read --targets /dev/zero: larger than 16 MiB"),
        Row(command: "$T watch --interval 0 h", status: 64, message: "--interval must be 0.01…86400 s (got 0)"),
        Row(command: "$T watch --interval inf h", status: 64, message: "--interval must be 0.01…86400 s (got inf)"),
        Row(command: "$T watch --timeout 1e300 h", status: 64, message: "--timeout must be 1…60000 ms"),
        Row(command: "$T watch -c -1 h", status: 64, message: "--count must be 1…1000000000 rounds (got -1)"),
        Row(command: "$T watch -c 0 h", status: 64, message: "--count must be 1…1000000000 rounds (got 0)"),
        Row(command: "$T watch --window 0 h", status: 64, message: "--window must be 1…100000 rounds (got 0)"),
        Row(command: "$T watch --spike-pct nan h", status: 64, message: "--spike-pct must be 0…100000 % (got nan)"),
        Row(command: "$T watch --spike-ms -1 h", status: 64, message: "--spike-ms must be 0…60000 ms (got -1)"),
        Row(command: "$T watch --spike-rounds 0 h", status: 64, message: "--spike-rounds must be 1…10000 rounds (got 0)"),
        Row(command: "$T watch --route-rounds -2 h", status: 64, message: "--route-rounds must be 1…10000 rounds (got -2)"),
        Row(command: "$T watch --lost-rounds 0 h", status: 64, message: "--lost-rounds must be 1…10000 rounds (got 0)"),
        Row(command: "$T watch --loss 5/3 h", status: 64, message: "--loss must be X/Y"),
        Row(command: "$T watch --loss x h", status: 64, message: "--loss must be X/Y"),
        Row(command: "$T watch --summary-every 0 h", status: 64, message: "--summary-every must be 1…1000000 rounds (got 0)"),
        Row(command: "$T watch --exec '' h", status: 64, message: "--exec needs a command"),
        Row(command: "$T tui --interval 1e300 h", status: 64, message: "--interval must be 0.001…86400 s (got 1e+300)"),
        Row(command: "$T tui -i inf h", status: 64, message: "--interval must be 0.001…86400 s (got inf)"),
        Row(command: "$T tui -q 11 h", status: 64, message: "--queries must be 1…10 (got 11)"),
        Row(command: "$T tui --window 0 h", status: 64, message: "--window must be 1…100000 rounds (got 0)"),
        Row(command: "$T tui", status: 64, message: "give a host, or --replay FILE"),
        Row(command: "$T tui --replay $D/good.jsonl h", status: 64, message: "give hosts or --replay FILE, not both"),
        Row(command: "$T tui h < /dev/null", status: 7, message: "the TUI needs a terminal"),
        Row(command: "$T demo --interval inf", status: 64, message: "--interval must be 0.01…60 s (got inf)"),
        Row(command: "$T demo --phase 1", status: 64, message: "--phase must be 2…3600 s (got 1)"),
        Row(command: "$T replay --speed 0 $D/good.jsonl", status: 64, message: "--speed must be 0.25…64 (got 0)"),
        Row(command: "$T replay --speed nan $D/good.jsonl", status: 64, message: "--speed must be 0.25…64 (got nan)"),
        Row(command: "$T replay --speed inf $D/good.jsonl", status: 64, message: "--speed must be 0.25…64 (got inf)"),
        Row(command: "$T replay --speed -4 $D/good.jsonl", status: 64, message: "--speed must be 0.25…64 (got -4)"),
        Row(command: "$T replay --at -1 $D/good.jsonl", status: 64, message: "--at must be 0…"),
        Row(command: "$T replay", status: 64, message: "Missing expected argument"),
        // Files that are not recordings: exit 6, bounded memory.
        Row(command: "$T replay $D/missing.jsonl", status: 6, message: "No such file or directory"),
        Row(command: "$T replay $D", status: 6, message: "is a directory"),
        Row(command: "$T replay /dev/zero", status: 6, message: "larger than 256 MiB: not a trace file tracemap reads"),
        Row(command: "$T replay /etc/passwd", status: 6, message: "not a trace file: expected tracemap JSON or recording"),
        Row(command: "$T replay $D/schema99.jsonl", status: 6, message: "schema_version 99 is not one this tracemap reads"),
        Row(command: "$T replay $D/rounds-only.jsonl", status: 6, message: "not a trace file: expected tracemap JSON"),
        Row(command: "$T replay $D/empty.jsonl", status: 6, message: "not a trace file: expected tracemap JSON"),
        Row(command: "$T tui --replay $D/escape.jsonl", status: 6, message: "not a trace file: expected tracemap JSON"),
        Row(command: "$T tui --hosts /dev/zero --replay $D/good.jsonl", status: 6, message: "larger than 16 MiB"),
        Row(command: "$T tui --hosts $D/good.jsonl --replay $D/good.jsonl", status: 6, message: "cannot read --hosts"),
        // Databases the user named: exit 6 before anything is probed.
        Row(command: "$T trace --geoip-mmdb $D/missing.mmdb h", status: 6, message: "cannot read GeoIP database"),
        Row(command: "$T trace --geoip-mmdb /etc/passwd h", status: 6, message: "cannot read GeoIP database /etc/passwd"),
        Row(command: "TRACEMAP_GEOIP_MMDB=$D/missing.mmdb $T trace h", status: 6, message: "cannot read GeoIP database"),
        Row(command: "$T trace --asn-mmdb $D h", status: 6, message: "cannot read ASN database"),
        Row(command: "$T tui --geoip-mmdb /etc/passwd --replay $D/good.jsonl", status: 6, message: "cannot read GeoIP database"),
        // Help and unknown commands.
        Row(command: "$T help frob", status: 64, message: "unknown command 'frob'"),
        Row(command: "$T frob", status: 64, message: "Unexpected argument 'frob'"),
        Row(command: "$T cache frob", status: 64, message: "Unexpected argument 'frob'"),
        // Hostile text in a message is escaped, never sent to the terminal raw.
        Row(command: "$T trace \"$(printf 'x\\033[2Jy')\"", status: 3, message: "cannot resolve host 'x\\x1b[2Jy'"),
        Row(command: "$T trace \"$(printf '\\342\\200\\256evil')\"", status: 3, message: "cannot resolve host '\\u{202e}evil'"),
        // Output that cannot be written: 74 and one line; a reader gone: quiet.
        Row(command: "$T --help > /dev/full", status: 74, message: "cannot write output: No space left on device"),
        Row(command: "$T stats $D/good.jsonl > /dev/full", status: 74, message: "cannot write output: No space left on device"),
        Row(command: "$T diff $D/good.jsonl $D/good.jsonl > /dev/full", status: 74,
            message: "cannot write output: No space left on device"),
        Row(command: "$T export --format csv -o - $D/good.jsonl > /dev/full", status: 74,
            message: "cannot write output: No space left on device"),
        Row(command: "$T --bogus 2> /dev/full", status: 64, message: ""),
        Row(command: "$NS $T trace -n --json 127.0.0.1 > /dev/full", status: 74,
            message: "cannot write output: No space left on device", root: true),
        Row(command: "$NS $T trace -n 127.0.0.1 >&-", status: 74, message: "cannot write output: Bad file descriptor",
            root: true),
        Row(command: "trap '' PIPE; $NS $T watch -n -i 0.02 --summary-every 1 127.0.0.1 | head -2 > /dev/null; exit ${PIPESTATUS[0]}",
            status: 141, message: "", root: true),
        Row(command: "$NS $T watch -n -i 0.02 -c 3 --record /dev/full 127.0.0.1 > /dev/null", status: 74,
            message: "cannot write recording /dev/full: No space left on device", root: true),
        Row(command: "$NS $T trace -n -s 203.0.113.77 127.0.0.1", status: 64,
            message: "--source 203.0.113.77 is not an address of this machine", root: true),
        Row(command: "$NS $T watch -n --record $D/nodir/x.jsonl 127.0.0.1", status: 6,
            message: "cannot create recording", root: true),
        // A host named twice is watched once, into one recording; an IPv6 address gives a file name without colons.
        Row(command: "$NS $T watch -n -c 2 -i 0.02 --record $D/r.jsonl 127.0.0.1 127.0.0.1 ::1 > /dev/null && "
            + "test -s $D/r.127.0.0.1.jsonl && test ! -e $D/r.127.0.0.1-2.jsonl && test -s $D/r.__1.jsonl",
            status: 0, message: "", root: true),
        // SIGTERM ends a watch with its final report and 143.
        Row(command: "$NS $T watch -n -i 0.05 127.0.0.1 > $D/term.out & P=$!; sleep 2; kill -TERM $P; wait $P; s=$?; "
            + "grep -q 'rounds, 0 alerts' $D/term.out && exit $s",
            status: 143, message: "", root: true),
        // A privilege drop that fails (no CAP_SETUID/CAP_SETGID left to a root started through sudo): refuse, 4.
        Row(command: "$NS env SUDO_UID=65534 SUDO_GID=65534 setpriv --bounding-set -setuid,-setgid $T trace -n 127.0.0.1",
            status: 4, message: "cannot drop privileges (setgroups: Operation not permitted)", root: true),
        Row(command: "$NS env SUDO_UID=65534 SUDO_GID=65534 setpriv --bounding-set -setgid $T watch -n -c 1 127.0.0.1",
            status: 4, message: "cannot drop privileges (setgroups: Operation not permitted)", root: true),
        // Under a terminal: a hostile recording plays without a trap (SIGTERM after a second: 130); TERM=dumb says so.
        Row(command: "timeout --preserve-status -s TERM 2 $T replay $D/huge-values.jsonl", status: 130, message: "",
            terminal: true),
        // A TUI recording that cannot be written shows on the screen and ends with 74 once the screen is gone.
        Row(command: "$NS timeout --preserve-status -s TERM 3 $T tui -n --record /dev/full 127.0.0.1", status: 74,
            message: "cannot write recording /dev/full: No space left on device", root: true, terminal: true),
        // A crash while the TUI runs still gives the terminal back (echo and canonical mode, main screen).
        // (Swift's own crash reporter is off: it does not end a process that got SIGSEGV from kill(1).)
        Row(command: "SWIFT_BACKTRACE=enable=no $T replay $D/good.jsonl < /dev/tty & P=$!; sleep 1.5; kill -SEGV $P; "
            + "wait $P; echo status=$?; "
            + "stty -a | grep -Eq -- '(^| )-(echo|icanon)( |$|;)' && echo tty-raw || echo tty-restored",
            status: 0, message: "tty-restored", terminal: true, crash: true),
        Row(command: "TERM=dumb $T replay $D/good.jsonl", status: 7, message: "TERM=dumb cannot move the cursor",
            terminal: true),
    ]

    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "tracemap-bad-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let header = #"{"interval_ms":50,"method":"raw","options":{"first_ttl":1,"flows":1,"max_hops":30,"parallel_requests":18,"protocol":"icmp","queries":1,"send_interval_ms":0,"timeout_ms":1000,"tos":0,"ttl_interval_ms":0},"protocol":"icmp","schema_version":1,"source":"192.0.2.1","start":1700000000,"target":{"address":"203.0.113.10","name":"203.0.113.10"},"tool":"tracemap","type":"header","version":"0.1.0"}"#
        func round(_ index: Int, rtt: String = "1.5", time: String? = nil) -> String {
            let start = time ?? "\(1_700_000_000 + index)"
            return #"{"end":\#(start),"probes":[{"flow":0,"from":"203.0.113.10","kind":"echo-reply","result":"reply","rtt":\#(rtt),"sent":\#(start),"seq":1,"ttl":1}],"round":\#(index),"start":\#(start),"type":"round"}"#
        }
        let event = #"{"kind":"loss","message":"loss","round":1,"severity":"warning","target":"x","time":1e300,"type":"event"}"#
        let files = [
            "good.jsonl": [header, round(0), round(1)],
            "schema99.jsonl": [header.replacingOccurrences(of: #""schema_version":1"#, with: #""schema_version":99"#), round(0)],
            "rounds-only.jsonl": [round(0), round(1)],
            "empty.jsonl": [],
            "escape.jsonl": ["\u{1b}]52;c;aGk=\u{07}not json"],
            "huge-values.jsonl": [header, round(0, rtt: "1e308"), round(1, rtt: "-5"), event, round(2, time: "1e300"), round(3)],
        ]
        for (name, lines) in files {
            try (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).write(toFile: directory + "/" + name,
                                                                                 atomically: true, encoding: .utf8)
        }
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testEveryBadInputEndsWithItsExitCodeAndOneLine() throws {
        let binary = Self.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("no tracemap binary at \(binary) (build it first)")
        }
        XCTAssertGreaterThanOrEqual(Self.rows.count, 50)
        let isRoot = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
        let hasScript = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")
        var namespace: String?
        if isRoot {
            let name = "tm-bad-\(getpid())"
            if run("ip netns add \(name) && ip -n \(name) link set lo up", environment: [:]).status == 0 {
                namespace = name
            }
        }
        defer { if let namespace { _ = run("ip netns del \(namespace)", environment: [:]) } }
        var checked = 0
        for row in Self.rows {
            if row.root && namespace == nil { continue }
            if row.terminal && !hasScript { continue }
            var environment = ["T": binary, "D": directory, "NS": namespace.map { "ip netns exec \($0)" } ?? ""]
            environment["TRACEMAP_RESOLVER"] = "127.0.0.1:9"
            let result: (status: Int32, stdout: String, stderr: String)
            if row.terminal {
                // script(1) gives the command a pseudo-terminal.
                let file = directory + "/.row.sh"
                try row.command.write(toFile: file, atomically: true, encoding: .utf8)
                result = run("script -qefc 'bash \(file)' /dev/null < /dev/null", environment: environment)
            } else {
                result = run(row.command, environment: environment)
            }
            checked += 1
            let context = "\(row.command)\nstdout: \(result.stdout.prefix(500))\nstderr: \(result.stderr.prefix(500))"
            XCTAssertEqual(result.status, row.status, context)
            let everything = result.stdout + result.stderr
            XCTAssertFalse(!row.crash && (everything.contains("Fatal error") || everything.contains("Stack dump")
                           || everything.contains("Backtrace") || everything.contains("Current stack trace")),
                           "a trap: \(context)")
            if row.terminal {
                if !row.message.isEmpty { XCTAssertTrue(everything.contains(row.message), context) }
                continue
            }
            // Warnings (a missing default GeoIP database) may come first; the error is one line.
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.isEmpty && !$0.hasPrefix("tracemap: warning:") }
            if row.message.isEmpty {
                XCTAssertEqual(lines.count, 0, "must end quietly: \(context)")
            } else {
                XCTAssertEqual(lines.count, 1, "one line: \(context)")
                XCTAssertTrue(lines.first?.hasPrefix("tracemap: ") ?? false, context)
                XCTAssertTrue(lines.first?.contains(row.message) ?? false, "expected '\(row.message)': \(context)")
                XCTAssertFalse(result.stderr.contains("\u{1b}"), "an escape byte reached stderr: \(context)")
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 50)
    }

    /// The `tracemap` binary built beside this test bundle (or `TRACEMAP_BINARY`).
    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["TRACEMAP_BINARY"] { return override }
        let bundle = Bundle(for: BundleToken.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("tracemap").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Runs a bash command line to its end (60 s at most) with stdout and stderr in files.
    private func run(_ command: String, environment: [String: String]) -> (status: Int32, stdout: String, stderr: String) {
        let out = directory + "/.out", err = directory + "/.err"
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["LANG"] = "C.UTF-8"
        if env["TERM"] == nil { env["TERM"] = "xterm" }
        let wrapped = "exec 3>'\(out)' 4>'\(err)'; { \(command) ; } >&3 2>&4 3>&- 4>&-"
        // A process group of its own, as the rows were written for (the group Foundation's Process gave it).
        let process: ChildProcess
        do {
            process = try ChildProcess(["/usr/bin/timeout", "60", "/bin/bash", "-c", wrapped],
                                       options: .init(stdin: .null, stdout: .null, stderr: .null, environment: env,
                                                      newProcessGroup: true))
        } catch { return (-1, "", "cannot start bash: \(error)") }
        let status = process.wait().shellStatus
        let stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        return (status, stdout, stderr)
    }
}

private final class BundleToken {}
