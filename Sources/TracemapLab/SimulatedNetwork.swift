#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import TracemapProcess

/// A network namespace whose routes to the documentation ranges lead into a TUN device played by
/// `tracemap-lab sim`: 192.0.2.1/24 and 2001:db8:1::1/64 on tm0, routes to 198.51.100.0/24, 203.0.113.0/24 and
/// 2001:db8::/32 through it. What answers is the scenario file's path (format in Sources/TracemapSim/Scenario.swift),
/// which `update` can change while the simulator runs. The one place that builds this lab: the network tests
/// (`SimulatedPath`) and `tracemap demo` both use it; bench/lib.sh's `sim_up` is its shell twin.
public final class SimulatedNetwork: @unchecked Sendable {
    public static let device = "tm0"

    /// Why the lab could not be built: the step and what it said.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// One line: the tools' own multi-line output is joined.
        public var message: String
        public var description: String { message }

        init(message: String) {
            self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }

    public let namespace: String
    public let scenarioFile: URL
    /// Where the simulator's stdout and stderr go (nil: discarded).
    public let logFile: URL?
    private var simulator: ChildProcess?
    private var created = false
    private var destroyed = false

    /// Creates namespace `namespace` with loopback up and the device, writes `scenario` (JSON text) to
    /// `scenarioFile`, starts `labBinary sim` inside and waits until it holds the device. On failure everything
    /// made so far is removed.
    public init(namespace: String, scenario: String, scenarioFile: URL, labBinary: String,
                logFile: URL? = nil) throws(Failure) {
        self.namespace = namespace
        self.scenarioFile = scenarioFile
        self.logFile = logFile
        do { try start(scenario, labBinary: labBinary) } catch {
            destroy()
            throw error
        }
    }

    private func start(_ scenario: String, labBinary: String) throws(Failure) {
        guard FileManager.default.isExecutableFile(atPath: labBinary) else {
            throw Failure(message: "no tracemap-lab at \(labBinary)")
        }
        try update(scenario, wait: false)
        try ip(["netns", "add", namespace])
        created = true
        let device = Self.device
        let steps: [[String]] = [
            ["link", "set", "lo", "up"],
            ["tuntap", "add", "dev", device, "mode", "tun"],
            ["addr", "add", "192.0.2.1/24", "dev", device],
            ["-6", "addr", "add", "2001:db8:1::1/64", "dev", device, "nodad"],
            ["link", "set", device, "up"],
            ["route", "add", "198.51.100.0/24", "dev", device],
            ["route", "add", "203.0.113.0/24", "dev", device],
            ["-6", "route", "add", "2001:db8::/32", "dev", device],
        ]
        for step in steps { try ip(["-n", namespace] + step) }
        // The replies come from addresses routed back into the device: strict reverse-path filtering is off.
        for setting in ["net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.\(device).rp_filter=0"] {
            Self.run(["ip", "netns", "exec", namespace, "sysctl", "-q", "-w", setting])
        }
        // A process group of its own: the terminal's Ctrl-C goes to the demo, which stops the simulator itself.
        let options = ChildProcess.Options(stdin: .null, stdout: logFile.map { .file($0.path) } ?? .null,
                                           stderr: logFile == nil ? .null : .standardOutput, newProcessGroup: true)
        let process: ChildProcess
        do {
            process = try ChildProcess(["/usr/bin/env", "ip", "netns", "exec", namespace, labBinary, "sim",
                                        "--scenario", scenarioFile.path, "--tun", device], options: options)
        } catch {
            throw Failure(message: "cannot start \(labBinary) sim: \(error)")
        }
        simulator = process
        // A TUN device has carrier (LOWER_UP) only while a process holds it.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.run(["ip", "-n", namespace, "-o", "link", "show", device]).output.contains("LOWER_UP") { return }
            if !process.isRunning { break }
            usleep(50_000)
        }
        throw Failure(message: "tracemap-lab sim did not attach to \(device): \(simulatorLog)")
    }

    /// What the simulator wrote to stdout and stderr so far.
    public var simulatorLog: String {
        logFile.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
    }

    /// Whether the simulator still runs.
    public var isSimulatorRunning: Bool { simulator?.isRunning == true }

    /// Replaces the scenario as a rename, so the simulator never reads half a file; with `wait`, returns once the
    /// simulator's 50 ms check has read it.
    public func update(_ scenario: String, wait: Bool = true) throws(Failure) {
        do {
            try Data(scenario.utf8).write(to: scenarioFile, options: .atomic)
        } catch {
            throw Failure(message: "cannot write \(scenarioFile.path): \(error)")
        }
        if wait { usleep(250_000) }
    }

    /// Stops the simulator, kills whatever else runs in the namespace, deletes it (the device goes with it) and
    /// the files. Safe to call twice.
    public func destroy() {
        guard !destroyed else { return }
        destroyed = true
        if let simulator, simulator.isRunning {
            simulator.signal(SIGTERM)
            _ = simulator.wait(upTo: .seconds(2))
        }
        if created {
            // The persistent device first, so nothing of it outlives the namespace.
            Self.run(["ip", "-n", namespace, "tuntap", "del", "dev", Self.device, "mode", "tun"])
            for pid in Self.run(["ip", "netns", "pids", namespace]).output.split(separator: "\n") {
                kill(pid_t(pid) ?? 0, SIGKILL)
            }
            Self.run(["ip", "netns", "del", namespace])
        }
        try? FileManager.default.removeItem(at: scenarioFile)
        if let logFile { try? FileManager.default.removeItem(at: logFile) }
    }

    deinit { destroy() }

    private func ip(_ arguments: [String]) throws(Failure) {
        let result = Self.run(["ip"] + arguments)
        guard result.status == 0 else {
            throw Failure(message: "ip \(arguments.joined(separator: " ")): \(result.output)")
        }
    }

    /// Runs a short command (looked up in PATH) to its end; output and errors together.
    @discardableResult
    public static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let result = ChildProcess.run(arguments)
        return (result.termination.shellStatus, result.stdoutText + result.stderrText)
    }
}
