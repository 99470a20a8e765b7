import Foundation
import TracemapLab

/// The network tests' simulated path: the lab namespace of `SimulatedNetwork` (Sources/TracemapLab, shared with
/// `tracemap demo`) — routes to the documentation ranges into a TUN device played by `tracemap-lab sim` — with a
/// `Namespace` to run commands in. What answers is the scenario file's path (format in
/// Sources/TracemapSim/Scenario.swift), which `update` can change while the simulator runs.
final class SimulatedPath: @unchecked Sendable {
    static let target4 = "203.0.113.10"
    static let target6 = "2001:db8:ffff::10"
    static let device = SimulatedNetwork.device

    /// Tests/Scenarios beside this file.
    static let scenarioDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scenarios")

    /// The JSON text of `Tests/Scenarios/NAME.json`.
    static func scenario(named name: String) throws -> String {
        try String(contentsOf: scenarioDirectory.appendingPathComponent("\(name).json"), encoding: .utf8)
    }

    let namespace: Namespace
    private let network: SimulatedNetwork
    var scenarioFile: URL { network.scenarioFile }

    /// Builds the namespace and starts the simulator on `scenario` (JSON text); waits until it holds the device.
    init(scenario: String) throws {
        let name = Namespace.uniqueName(tag: "sim")
        let stem = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        do {
            network = try SimulatedNetwork(namespace: name, scenario: scenario,
                                           scenarioFile: stem.appendingPathExtension("json"),
                                           labBinary: Shell.labBinary, logFile: stem.appendingPathExtension("log"))
        } catch {
            throw NamespaceError(message: "\(error) (is tracemap-lab built? swift build --build-tests)")
        }
        namespace = Namespace(adopting: name)
    }

    convenience init(scenarioNamed name: String) throws {
        try self.init(scenario: try Self.scenario(named: name))
    }

    /// What the simulator wrote to stdout and stderr so far.
    var simulatorLog: String { network.simulatorLog }

    /// Replaces the scenario (atomically, as a rename) and waits until the simulator's 50 ms poll has read it.
    func update(_ scenario: String) throws {
        try network.update(scenario)
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
        network.destroy()
        namespace.destroy()
    }

    deinit { destroy() }
}
