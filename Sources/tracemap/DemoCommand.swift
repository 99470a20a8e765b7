import ArgumentParser
import Foundation
import TracemapLab
import TracemapModel
import TracemapProcess
import TracemapTUI

/// `tracemap demo`: the TUI on a simulated path in a private network namespace, with an incident played on
/// a timer. Nothing leaves the machine: the path is the TUN simulator's, numbered from documentation space.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch a simulated path live in the TUI while an incident plays (root, Linux).",
        discussion: """
            Builds a network namespace with a TUN device played by `tracemap-lab sim` (installed next to \
            tracemap), runs the real prober against \
            203.0.113.10 inside it, and every --phase seconds rewrites the simulated path: a route change, an \
            RTT spike, loss at the destination, recovery, and again. The namespace, the device, the simulator \
            and the files are removed when the demo ends, by q, Ctrl-C or SIGTERM.
            """)

    @Option(parsing: .unconditional, help: "Seconds each phase of the incident lasts.")
    var phase: Double = 20

    @Option(parsing: .unconditional, help: "Seconds between the starts of two rounds.")
    var interval: Double = 0.5

    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set).")
    var noColor = false

    @Flag(help: "Plain ASCII: no braille map, no block characters.")
    var ascii = false

    func validate() throws {
        try OptionCheck.number(phase, "--phase", 2...3600, unit: "s")
        try OptionCheck.number(interval, "--interval", 0.01...60, unit: "s")
    }

    func run() async throws {
        guard getuid() == 0 else {
            throw CommandFailure(message: "the demo builds a network namespace and a TUN device: run it as root",
                                 status: .noPermission)
        }
        try requireTerminal()
        let simulator = try DemoLab.labExecutable()
        DemoLab.removeStale()
        let lab = try DemoLab(simulator: simulator)
        // The TUI child handles its own signals (the terminal sends Ctrl-C to the whole foreground group); the
        // demo only notes them, so it lives to remove what it built.
        let trap = SignalTrap([SIGINT, SIGTERM, SIGHUP])
        defer {
            lab.destroy()
            trap.restore()
        }
        try lab.start()
        var arguments = ["tui", "--hosts", lab.hostsFile.path, "--profile", "offline", "--interval", "\(interval)"]
        if noColor { arguments.append("--no-color") }
        if ascii { arguments.append("--ascii") }
        arguments.append(DemoLab.target)
        let tui = try lab.spawnInForeground(arguments)
        let started = Date()
        var shownPhase = -1
        var status: Int32 = 0
        while true {
            if trap.pending != nil { tui.signal(SIGTERM) }
            if let ended = tui.poll() {
                status = ended.shellStatus
                break
            }
            let phase = Int(Date().timeIntervalSince(started) / self.phase) % DemoLab.phases.count
            if phase != shownPhase {
                shownPhase = phase
                try? lab.write(scenario: DemoLab.phases[phase])
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// The demo's namespace, TUN device, simulator and files: the lab the network tests use (`SimulatedNetwork`,
/// Sources/TracemapLab), plus the hosts file and the TUI on the demo's terminal.
private final class DemoLab {
    static let target = "203.0.113.10"
    static let prefix = "tracemap-demo-"

    let namespace: String
    let directory: URL
    var scenarioFile: URL { directory.appendingPathComponent("scenario.json") }
    var hostsFile: URL { directory.appendingPathComponent("hosts.json") }
    /// `tracemap-lab`, which plays the path (`sim`).
    let labBinary: String
    private var network: SimulatedNetwork?
    private var destroyed = false

    init(simulator labBinary: String) throws {
        self.labBinary = labBinary
        namespace = "\(DemoLab.prefix)\(getpid())"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(namespace)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Removes namespaces left by demos that were killed outright (SIGKILL leaves no chance to clean up).
    static func removeStale() {
        let list = SimulatedNetwork.run(["ip", "netns", "list"]).output
        for line in list.split(separator: "\n") {
            let name = String(line.split(separator: " ").first ?? "")
            guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count)), kill(pid, 0) != 0 else {
                continue
            }
            for pid in SimulatedNetwork.run(["ip", "netns", "pids", name]).output.split(separator: "\n") {
                kill(pid_t(pid) ?? 0, SIGKILL)
            }
            SimulatedNetwork.run(["ip", "netns", "del", name])
            try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent(name))
        }
    }

    /// Writes the hosts file, builds the namespace and the device, starts the simulator and waits until it holds
    /// the device.
    func start() throws {
        try Data(DemoLab.hosts.utf8).write(to: hostsFile)
        do {
            network = try SimulatedNetwork(namespace: namespace, scenario: DemoLab.phases[0], scenarioFile: scenarioFile,
                                           labBinary: labBinary)
        } catch {
            throw CommandFailure(message: "the path simulator did not start: \(error)", status: .network)
        }
    }

    /// Replaces the scenario; the simulator picks it up within 50 ms.
    func write(scenario: String) throws {
        try network?.update(scenario, wait: false)
    }

    /// Runs this same binary inside the namespace on the demo's own terminal, in the demo's process group: the
    /// terminal treats a child in a group of its own as a background job, so the TUI could never read a key.
    func spawnInForeground(_ arguments: [String]) throws -> ChildProcess {
        do {
            return try ChildProcess(["/usr/bin/env", "ip", "netns", "exec", namespace, DemoLab.executable] + arguments)
        } catch {
            throw CommandFailure(message: "cannot start the TUI: \(error)", status: .terminal)
        }
    }

    /// Stops the simulator and everything else in the namespace, deletes it (the device goes with it) and the
    /// files. Safe to call twice.
    func destroy() {
        guard !destroyed else { return }
        destroyed = true
        network?.destroy()
        try? FileManager.default.removeItem(at: directory)
    }

    /// This binary, for running its `tui` inside the namespace.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// `tracemap-lab` in this binary's directory: the simulator ships as a separate lab executable so `tracemap`
    /// itself links no simulator; the demo runs it rather than a copy of it.
    static func labExecutable() throws -> String {
        let path = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("tracemap-lab").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CommandFailure(message: "the demo needs tracemap-lab next to tracemap (\(path)): "
                                 + "build it with `swift build --product tracemap-lab`", status: .network)
        }
        return path
    }

    // MARK: The path and its incident

    /// A path from Paris to San Francisco; the delays are what light in fibre would take, roughly.
    private static func scenario(hop3: (address: String, delay: Double) = ("198.51.100.3", 9),
                                 extra: Double = 0, destinationLoss: Double = 0) -> String {
        """
        {"seed": 11,
         "hops": [
          {"address": "198.51.100.1", "delay_ms": 0.8, "jitter_ms": 0.2},
          {"address": "198.51.100.2", "delay_ms": 6, "jitter_ms": 0.5},
          {"address": "\(hop3.address)", "delay_ms": \(hop3.delay), "jitter_ms": 0.5,
           "mpls": [{"label": 24001, "ttl": 1}]},
          {"silent": true, "delay_ms": 40},
          {"address": "198.51.100.5", "delay_ms": \(78 + extra), "jitter_ms": 1.5},
          {"address": "198.51.100.6", "delay_ms": \(96 + extra), "jitter_ms": 1.5, "reply_loss": 10},
          {"address": "198.51.100.7", "delay_ms": \(138 + extra), "jitter_ms": 2,
           "alternatives": [{"address": "198.51.100.77", "delay_ms": \(141 + extra)}]}
         ],
         "destination": {"delay_ms": \(142 + extra), "jitter_ms": 2, "loss": \(destinationLoss)}}
        """
    }

    /// Calm; a route change at hop 3; an RTT spike behind the Atlantic; loss at the destination; calm again.
    static let phases: [String] = [
        scenario(),
        scenario(hop3: ("198.51.100.33", 12)),
        scenario(hop3: ("198.51.100.33", 12), extra: 120),
        scenario(hop3: ("198.51.100.33", 12), destinationLoss: 40),
        scenario(),
    ]

    /// Names and places of the simulated routers (documentation addresses are in no GeoIP database).
    static let hosts = """
        {
         "198.51.100.1": {"hostname": "gw.par.example", "class": "documentation",
           "asn": {"number": 64500, "organization": "Example Access"},
           "location": {"city": "Paris", "country": "France", "country_code": "FR", "latitude": 48.86, "longitude": 2.35,
                        "accuracy_radius_km": 20}},
         "198.51.100.2": {"hostname": "core1.fra.example", "class": "documentation",
           "asn": {"number": 64500, "organization": "Example Access"},
           "location": {"city": "Frankfurt", "country_code": "DE", "latitude": 50.11, "longitude": 8.68}},
         "198.51.100.3": {"hostname": "core2.lon.example", "class": "documentation",
           "asn": {"number": 64501, "organization": "Example Backbone"},
           "location": {"city": "London", "country_code": "GB", "latitude": 51.51, "longitude": -0.13}},
         "198.51.100.33": {"hostname": "core2.ams.example", "class": "documentation",
           "asn": {"number": 64501, "organization": "Example Backbone"},
           "location": {"city": "Amsterdam", "country_code": "NL", "latitude": 52.37, "longitude": 4.9}},
         "198.51.100.5": {"hostname": "edge1.nyc.example", "class": "documentation",
           "asn": {"number": 64502, "organization": "Example Transatlantic"},
           "location": {"city": "New York", "country_code": "US", "latitude": 40.71, "longitude": -74.0}},
         "198.51.100.6": {"hostname": "edge2.chi.example", "class": "documentation",
           "asn": {"number": 64502, "organization": "Example Transatlantic"},
           "location": {"city": "Chicago", "country_code": "US", "latitude": 41.88, "longitude": -87.63}},
         "198.51.100.7": {"hostname": "lb1.den.example", "class": "documentation",
           "asn": {"number": 64510, "organization": "Example Hosting"},
           "location": {"city": "Denver", "country_code": "US", "latitude": 39.74, "longitude": -104.99}},
         "198.51.100.77": {"hostname": "lb2.den.example", "class": "documentation",
           "asn": {"number": 64510, "organization": "Example Hosting"},
           "location": {"city": "Denver", "country_code": "US", "latitude": 39.74, "longitude": -104.99}},
         "203.0.113.10": {"hostname": "www.sfo.example", "class": "documentation",
           "asn": {"number": 64510, "organization": "Example Hosting"},
           "location": {"city": "San Francisco", "country_code": "US", "latitude": 37.77, "longitude": -122.42}}
        }
        """
}
