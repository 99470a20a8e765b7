import ArgumentParser
import Dispatch
import Foundation
import TracemapCLI
import TracemapModel
import TracemapProcess
import TracemapSim

/// The path simulator behind the network tests, benchmarks and `demo`; it only makes sense on a TUN device the
/// caller has created and routed (see Tests/NetworkTests/Support/SimulatedPath.swift).
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Answer probes on a TUN device as the path in a scenario file would (tests and demos).",
        discussion: """
            Attaches to an existing persistent TUN device (ip tuntap add dev NAME mode tun), answers the probes \
            routed into it after each hop's delay, and reloads the scenario file when it changes. Runs until \
            SIGINT or SIGTERM. The scenario format is documented in Sources/TracemapSim/Scenario.swift.
            """)

    @Option(help: ArgumentHelp("Scenario JSON file; reloaded when it changes.", valueName: "file"))
    var scenario: String

    @Option(help: ArgumentHelp("Name of the TUN device to attach to.", valueName: "name"))
    var tun: String

    func run() throws {
        let simulator: PathSimulator
        do {
            simulator = try PathSimulator(tunName: tun, scenarioFile: scenario)
            try simulator.start()
        } catch {
            if case .scenario = error { throw CommandFailure(message: "\(error)", status: .badInput) }
            throw CommandFailure(message: "\(error)", status: .noPermission)
        }
        // The stop runs as ordinary code on a thread waiting for the trap, not in a signal context.
        let stopped = DispatchSemaphore(value: 0)
        let signals = SignalTrap([SIGINT, SIGTERM])
        DispatchQueue.global().async {
            if signals.next() != nil { stopped.signal() }
        }
        DispatchQueue.global().async {
            simulator.waitUntilFinished()
            stopped.signal()
        }
        Output.writeStandardError("tracemap-lab sim: playing \(scenario) on \(tun)\n")
        stopped.wait()
        signals.finish()
        simulator.stop()
        let counts = simulator.statistics
        Output.writeStandardError("tracemap-lab sim: \(counts.received) packets, \(counts.answered) answered, "
            + "\(counts.dropped) dropped, \(counts.ignored) ignored\n")
    }
}
