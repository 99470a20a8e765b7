import Foundation

/// A namespace whose routes to the documentation ranges lead into a TUN device played by `tracemap-lab sim`:
/// 192.0.2.1/24 and 2001:db8:1::1/64 on tm0, routes to 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32 through
/// it. What answers is the scenario file's path (format in Sources/TracemapSim/Scenario.swift), which `update`
/// can change while the simulator runs.
final class SimulatedPath: @unchecked Sendable {
    static let target4 = "203.0.113.10"
    static let target6 = "2001:db8:ffff::10"
    static let device = "tm0"

    /// Tests/Scenarios beside this file.
    static let scenarioDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scenarios")

    /// The JSON text of `Tests/Scenarios/NAME.json`.
    static func scenario(named name: String) throws -> String {
        try String(contentsOf: scenarioDirectory.appendingPathComponent("\(name).json"), encoding: .utf8)
    }

    let namespace: Namespace
    let scenarioFile: URL
    private let logFile: URL
    private var simulator: Process?
    private var destroyed = false

    /// Builds the namespace and starts the simulator on `scenario` (JSON text); waits until it holds the device.
    init(scenario: String) throws {
        namespace = try Namespace(tag: "sim")
        let stem = FileManager.default.temporaryDirectory.appendingPathComponent("\(namespace.name)")
        scenarioFile = stem.appendingPathExtension("json")
        logFile = stem.appendingPathExtension("log")
        do { try start(scenario) } catch { destroy(); throw error }
    }

    convenience init(scenarioNamed name: String) throws {
        try self.init(scenario: try Self.scenario(named: name))
    }

    private func start(_ scenario: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Shell.labBinary) else {
            throw NamespaceError(message: "tracemap-lab is not built at \(Shell.labBinary) (swift build --build-tests)")
        }
        try Data(scenario.utf8).write(to: scenarioFile, options: .atomic)
        try namespace.ip("tuntap", "add", "dev", Self.device, "mode", "tun")
        try namespace.ip("addr", "add", "192.0.2.1/24", "dev", Self.device)
        try namespace.ip("-6", "addr", "add", "2001:db8:1::1/64", "dev", Self.device, "nodad")
        try namespace.ip("link", "set", Self.device, "up")
        try namespace.ip("route", "add", "198.51.100.0/24", "dev", Self.device)
        try namespace.ip("route", "add", "203.0.113.0/24", "dev", Self.device)
        try namespace.ip("-6", "route", "add", "2001:db8::/32", "dev", Self.device)
        // The replies come from addresses routed back into the device: strict reverse-path filtering is off.
        namespace.sysctl("net.ipv4.conf.all.rp_filter=0")
        namespace.sysctl("net.ipv4.conf.\(Self.device).rp_filter=0")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        simulator = try namespace.spawn([Shell.labBinary, "sim", "--scenario", scenarioFile.path,
                                         "--tun", Self.device], stdout: log, stderr: log)
        // A TUN device has carrier (LOWER_UP) only while a process holds it.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if namespace.exec(["ip", "-o", "link", "show", Self.device]).stdout.contains("LOWER_UP") { return }
            if simulator?.isRunning == false { break }
            usleep(50_000)
        }
        throw NamespaceError(message: "tracemap-lab sim did not attach to \(Self.device): \(simulatorLog)")
    }

    /// What the simulator wrote to stdout and stderr so far.
    var simulatorLog: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Replaces the scenario (atomically, as a rename) and waits until the simulator's 50 ms poll has read it.
    func update(_ scenario: String) throws {
        try Data(scenario.utf8).write(to: scenarioFile, options: .atomic)
        usleep(250_000)
    }

    /// Runs `tracemap ARGS` inside the namespace.
    func run(_ arguments: [String], timeout: TimeInterval = 60) -> ProcessResult {
        namespace.exec([Shell.tracemapBinary] + arguments, timeout: timeout)
    }

    /// Runs any command inside the namespace.
    func exec(_ arguments: [String], timeout: TimeInterval = 60) -> ProcessResult {
        namespace.exec(arguments, timeout: timeout)
    }

    /// Stops the simulator, deletes the device and the namespace (with anything left in it) and the files.
    func destroy() {
        guard !destroyed else { return }
        destroyed = true
        if let simulator, simulator.isRunning {
            simulator.terminate()
            let deadline = Date().addingTimeInterval(2)
            while simulator.isRunning && Date() < deadline { usleep(20_000) }
        }
        namespace.exec(["ip", "tuntap", "del", "dev", Self.device, "mode", "tun"])
        namespace.destroy()
        try? FileManager.default.removeItem(at: scenarioFile)
        try? FileManager.default.removeItem(at: logFile)
    }

    deinit { destroy() }
}
