import Foundation
import TestSupport
import XCTest

/// scripts/install.sh, uninstall.sh and package-deb.sh as a user meets them: a release binary installed into a
/// temporary prefix, run without the Swift toolchain, its man page, its completions, the GeoIP database read after
/// privileges are dropped, and the .deb installed and removed with apt and dpkg (root only).
///
/// Every test shares one release build (`swift build -c release --static-swift-stdlib`, in its own scratch
/// directory `.build/install-tests` so it never waits for the build that runs the tests); it costs about 5
/// CPU-minutes (19.6 min of wall time on a shared 2-core VM at load 15) the first time and seconds afterwards.
/// `TRACEMAP_RELEASE_BINARY` names a binary to use instead.
final class InstallTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    nonisolated(unsafe) private static var build: Result<String, BuildFailure>?

    struct BuildFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// The release binary, built once for every test of this class.
    static func releaseBinary() throws -> String {
        if let build { return try build.get() }
        if let path = ProcessInfo.processInfo.environment["TRACEMAP_RELEASE_BINARY"] {
            build = .success(path)
            return path
        }
        let started = Date()
        let scratch = packageRoot + "/.build/install-tests"
        let arguments = ["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", scratch]
        // Both executables: `tracemap demo` runs `tracemap-lab` from tracemap's directory.
        var result = runCommand(arguments + ["--product", "tracemap"], directory: packageRoot)
        if result.status == 0 { result = runCommand(arguments + ["--product", "tracemap-lab"], directory: packageRoot) }
        print("InstallTests: release build took \(Int(Date().timeIntervalSince(started))) s")
        if result.status != 0 {
            build = .failure(BuildFailure(description: "swift build failed: \(result.stdout.suffix(2000))\(result.stderr.suffix(2000))"))
        } else {
            let path = runCommand(arguments + ["--show-bin-path"], directory: packageRoot).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines) + "/tracemap"
            build = .success(path)
        }
        return try build!.get()
    }

    private var scratch: String = ""

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tm-install-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // Every user must reach the prefix (the tests run the binary as nobody).
        chmod(scratch, 0o755)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// A small GeoIP database of the documentation ranges (scripts/make-test-mmdb.pl), nil without the writer.
    private func testDatabase() -> String? {
        let path = scratch + "/test-city.mmdb"
        let made = runCommand(["perl", Self.packageRoot + "/scripts/make-test-mmdb.pl", "dbip-city", path])
        return made.status == 0 ? path : nil
    }

    /// Installs into `scratch/prefix` with `arguments` added; returns the prefix.
    @discardableResult
    private func install(_ arguments: [String] = ["--no-setcap", "--no-geoip"], file: StaticString = #filePath,
                         line: UInt = #line) throws -> String {
        let prefix = scratch + "/prefix"
        let result = runCommand([Self.packageRoot + "/scripts/install.sh", "--prefix", prefix,
                                 "--binary", try Self.releaseBinary()] + arguments)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr, file: file, line: line)
        return prefix
    }

    func testTheInstalledBinaryRunsWithoutTheSwiftToolchain() throws {
        let prefix = try install()
        let binary = prefix + "/bin/tracemap"
        for executable in [binary, prefix + "/bin/tracemap-lab"] {
            let ldd = runCommand(["ldd", executable])
            XCTAssertEqual(ldd.status, 0, ldd.stderr)
            XCTAssertFalse(ldd.stdout.contains("/opt/swift") || ldd.stdout.contains("libswift")
                           || ldd.stdout.contains("libFoundation") || ldd.stdout.contains("libicu"), ldd.stdout)
        }
        // A clean environment: no LD_LIBRARY_PATH, no toolchain on PATH.
        let version = runCommand(["env", "-i", "LD_LIBRARY_PATH=", "PATH=/usr/bin:/bin", "HOME=\(scratch)", binary,
                                  "--version"])
        XCTAssertEqual(version.status, 0, version.stderr)
        XCTAssertTrue(version.stdout.hasPrefix("tracemap "), version.stdout)
        let help = runCommand(["env", "-i", "LD_LIBRARY_PATH=", "PATH=/usr/bin:/bin", "HOME=\(scratch)", binary,
                               "trace", "--help"])
        XCTAssertTrue(help.stdout.contains("--max-hops"), help.stdout)
        // And the config layer works in it: a bad file is one line with its place.
        let config = scratch + "/config.toml"
        try "[trace]\nmax-hops = \"x\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = runCommand(["env", "-i", "PATH=/usr/bin:/bin", "TRACEMAP_CONFIG=\(config)", binary, "trace",
                              "192.0.2.1"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertEqual(bad.stderr, "tracemap: \(config):2:1: 'max-hops' in [trace] wants a number, not a string\n")
    }

    func testManRendersTheInstalledPage() throws {
        let prefix = try install()
        let page = prefix + "/share/man/man1/tracemap.1"
        let rendered = runCommand(["man", "-l", page], environment: ["MANPAGER": "cat", "MANWIDTH": "100",
                                                                      "LANG": "C.UTF-8"])
        XCTAssertEqual(rendered.status, 0, rendered.stderr)
        XCTAssertTrue(rendered.stdout.contains("NAME"), rendered.stdout)
        XCTAssertTrue(rendered.stdout.contains("A traceroute monitor for Linux terminals"), rendered.stdout)
        for subcommand in ["trace", "watch", "tui", "doctor", "config"] {
            XCTAssertTrue(rendered.stdout.contains(subcommand), subcommand)
        }
        XCTAssertTrue(rendered.stdout.contains("--max-hops"), "the options are on the page")
        // man finds it by name through the prefix's manpath too.
        let byName = runCommand(["man", "-w", "tracemap"], environment: ["MANPATH": prefix + "/share/man"])
        XCTAssertEqual(byName.stdout.trimmingCharacters(in: .whitespacesAndNewlines), page)
    }

    func testCompletionScriptsLoadAndCompleteInBash() throws {
        let prefix = try install()
        let bash = prefix + "/share/bash-completion/completions/tracemap"
        // bash-completion's loader sources the file; a completion then offers the subcommands and options.
        let script = """
            source \(bash) && complete -p tracemap && \
            COMP_WORDS=(tracemap tr) COMP_CWORD=1 COMP_LINE='tracemap tr' COMP_POINT=11 && \
            _tracemap tracemap tr tracemap && echo "words: ${COMPREPLY[*]}" && COMPREPLY=() && \
            COMP_WORDS=(tracemap trace --max) COMP_CWORD=2 COMP_LINE='tracemap trace --max' COMP_POINT=20 && \
            _tracemap tracemap --max trace && echo "options: ${COMPREPLY[*]}" && COMPREPLY=() && \
            COMP_WORDS=(tracemap trace -P '') COMP_CWORD=3 COMP_LINE='tracemap trace -P ' COMP_POINT=18 && \
            _tracemap tracemap '' -P && echo "protocols: ${COMPREPLY[*]}"
            """
        let result = runCommand(["bash", "-c", script], environment: ["PATH": prefix + "/bin:/usr/bin:/bin"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("-F _tracemap tracemap"), result.stdout)
        XCTAssertTrue(result.stdout.contains("words: trace\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("options: --max-hops\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("protocols: icmp udp tcp\n"), result.stdout)
        for file in ["/share/zsh/site-functions/_tracemap", "/share/fish/vendor_completions.d/tracemap.fish"] {
            let text = try String(contentsOfFile: prefix + file, encoding: .utf8)
            XCTAssertTrue(text.contains("max-hops"), file)
        }
    }

    func testUninstallLeavesNothingBehind() throws {
        let prefix = try install()
        let result = runCommand([Self.packageRoot + "/scripts/uninstall.sh", "--prefix", prefix])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: prefix), "the prefix's directories are removed when empty")
    }

    func testSetcapGrantsRawSocketsAndSaysSo() throws {
        try XCTSkipUnless(getuid() == 0, "setcap needs root")
        let prefix = scratch + "/prefix"
        let result = runCommand([Self.packageRoot + "/scripts/install.sh", "--prefix", prefix, "--no-geoip",
                                 "--binary", try Self.releaseBinary()])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("granting cap_net_raw to \(prefix)/bin/tracemap"), result.stdout)
        XCTAssertTrue(result.stdout.contains("--no-setcap skips this"), result.stdout)
        let getcap = runCommand(["getcap", prefix + "/bin/tracemap"])
        XCTAssertTrue(getcap.stdout.contains("cap_net_raw"), getcap.stdout + getcap.stderr)
        let doctor = runCommand(["runuser", "-u", "nobody", "--", prefix + "/bin/tracemap", "doctor"],
                                environment: ["HOME": "/nonexistent"])
        XCTAssertTrue(doctor.stdout.contains("CAP_NET_RAW yes"), doctor.stdout)
    }

    /// The database installed into PREFIX/share/tracemap is found and opened by every user, and one in root's
    /// private home is still used after sudo drops back to the user, because it was opened before the drop.
    func testTheGeoIPDatabaseIsReadAfterPrivilegesAreDropped() throws {
        try XCTSkipUnless(getuid() == 0, "needs root: runuser, and a network namespace of its own")
        guard let database = testDatabase() else { throw XCTSkip("no MaxMind DB writer (libmaxmind-db-writer-perl)") }
        let prefix = try install(["--no-setcap", "--geoip", database])
        let binary = prefix + "/bin/tracemap"
        let installed = prefix + "/share/tracemap/dbip-city-lite.mmdb"

        let doctor = runCommand(["runuser", "-u", "nobody", "--", binary, "doctor"],
                                environment: ["HOME": "/nonexistent", "XDG_DATA_HOME": nil])
        XCTAssertTrue(doctor.stdout.contains("geoip       system   \(installed): opens (DBIP-City-Lite"), doctor.stdout)
        XCTAssertTrue(doctor.stdout.contains("IPv6), used"), doctor.stdout)

        // sudo's case: HOME is root's (mode 0700) and holds the database; the run drops to the invoking user.
        let home = scratch + "/root-home"
        let data = home + "/.local/share/tracemap"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        chmod(home, 0o700)
        try FileManager.default.copyItem(atPath: database, toPath: data + "/dbip-city-lite.mmdb")
        try FileManager.default.removeItem(atPath: installed)
        let script = "ip link set lo up && ip addr add 192.0.2.1/32 dev lo && "
            + "\(binary) trace -q 1 --lab --profile offline 192.0.2.1"
        let trace = runCommand(["unshare", "--net", "sh", "-c", script],
                               environment: ["HOME": home, "XDG_DATA_HOME": nil, "TRACEMAP_GEOIP_MMDB": nil,
                                             "SUDO_UID": "65534", "SUDO_GID": "65534", "TRACEMAP_CONFIG": "/nonexistent"])
        XCTAssertEqual(trace.status, 0, trace.stdout + trace.stderr)
        XCTAssertFalse(trace.stderr.contains("GeoIP"), trace.stderr)
        XCTAssertTrue(trace.stdout.contains("Frankfurt am Main, DE"), trace.stdout)
    }

    func testTheDebInstallsWithAptAndRemovesCleanly() throws {
        try XCTSkipUnless(getuid() == 0, "apt and dpkg need root")
        try XCTSkipIf(FileManager.default.fileExists(atPath: "/usr/bin/tracemap")
                      && runCommand(["dpkg", "-s", "tracemap"]).status != 0,
                      "/usr/bin/tracemap exists and is not from the package")
        guard let database = testDatabase() else { throw XCTSkip("no MaxMind DB writer (libmaxmind-db-writer-perl)") }
        let built = runCommand([Self.packageRoot + "/scripts/package-deb.sh", "--binary", try Self.releaseBinary(),
                                "--geoip", database, "--output", scratch])
        XCTAssertEqual(built.status, 0, built.stdout + built.stderr)
        let debs = try FileManager.default.contentsOfDirectory(atPath: scratch).filter { $0.hasSuffix("_amd64.deb") }
        XCTAssertEqual(debs.count, 1, "\(debs)")
        guard let deb = debs.first else { return }
        XCTAssertTrue(deb.hasPrefix("tracemap_"), deb)

        let lock = ["-o", "DPkg::Lock::Timeout=600"]
        let installed = runCommand(["apt-get"] + lock + ["install", "-y", "./" + deb],
                                   environment: ["DEBIAN_FRONTEND": "noninteractive"], directory: scratch)
        defer { _ = runCommand(["dpkg"] + ["--purge", "tracemap"]) }
        XCTAssertEqual(installed.status, 0, installed.stdout + installed.stderr)
        XCTAssertTrue(installed.stdout.contains("granted cap_net_raw to /usr/bin/tracemap"), installed.stdout)
        XCTAssertTrue(runCommand(["getcap", "/usr/bin/tracemap"]).stdout.contains("cap_net_raw"))
        XCTAssertEqual(runCommand(["man", "-w", "tracemap"]).stdout, "/usr/share/man/man1/tracemap.1.gz\n"
                       .replacingOccurrences(of: ".gz", with: ""), "man finds the page")
        let version = runCommand(["env", "-i", "PATH=/usr/bin:/bin", "/usr/bin/tracemap", "--version"])
        XCTAssertTrue(version.stdout.hasPrefix("tracemap "), version.stdout + version.stderr)
        let doctor = runCommand(["runuser", "-u", "nobody", "--", "/usr/bin/tracemap", "doctor"],
                                environment: ["HOME": "/nonexistent"])
        XCTAssertTrue(doctor.stdout.contains("/usr/share/tracemap/dbip-city-lite.mmdb: opens"), doctor.stdout)
        XCTAssertTrue(doctor.stdout.contains("CAP_NET_RAW yes"), doctor.stdout)
        let files = runCommand(["dpkg", "-L", "tracemap"]).stdout

        let removed = runCommand(["dpkg"] + ["--purge", "tracemap"])
        XCTAssertEqual(removed.status, 0, removed.stderr)
        XCTAssertNotEqual(runCommand(["dpkg", "-s", "tracemap"]).status, 0, "no longer installed")
        for file in files.split(separator: "\n") where file.contains("tracemap") {
            XCTAssertFalse(FileManager.default.fileExists(atPath: String(file)), "\(file) left behind")
        }
    }
}
