import ArgumentParser
import Foundation
import TracemapImport
import TracemapTUI

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a recording, or any saved trace `stats` reads, in the TUI.",
        discussion: """
            A recording plays its rounds and events; a one-shot trace plays as one round (its probes, or for mtr, \
            trippy and Cloudflare files one round rebuilt from their per-hop summaries). Keys: Space play/pause, \
            +/- speed, ←/→ seek ten rounds, and every key of `tracemap tui`.
            """)

    @OptionGroup var display: TUIArguments

    @OptionGroup var input: ImportArguments

    @Option(parsing: .unconditional, help: "Playback speed (0.25 … 64).")
    var speed: Double = 1

    @Option(parsing: .unconditional, help: "Open paused at this round (a number past the end opens at the end).")
    var at: Int?

    @Option(help: "Which trace of a file of several (number from 1, or label).")
    var trace: String?

    func validate() throws {
        try OptionCheck.number(speed, "--speed", 0.25...64)
        if let at { try OptionCheck.integer(at, "--at", 0...Int(Int32.max), unit: "rounds") }
    }

    @Argument(help: "The recording or trace file.")
    var file: String

    func run() async throws {
        try await runReplay(path: file, arguments: display, speed: speed, at: at, input: input, trace: trace)
    }
}

/// A replay player for any file the importer reads: a recording keeps its rounds and events, a static trace plays
/// as one round (`ImportedTrace.replayLines`).
func replayPlayer(path: String, windowRounds: Int, input: ImportArguments?, trace selector: String?) throws
    -> ReplayPlayer {
    let file: ImportedFile
    do {
        file = try TraceImporter.read(path: path, format: input?.inputFormat)
    } catch {
        throw CommandFailure(message: "cannot replay \(error)", status: .badInput)
    }
    let trace: ImportedTrace
    switch file.trace(selector) {
    case .success(let chosen): trace = chosen
    case .failure(let error): throw CommandFailure(message: "cannot replay \(path): \(error)", status: .usage)
    }
    do {
        return try ReplayPlayer(lines: trace.replayLines(), windowRounds: windowRounds)
    } catch {
        throw CommandFailure(message: "cannot replay \(path): \(error)", status: .badInput)
    }
}
