import ArgumentParser

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Play a `watch --record` / `tui --record` recording in the TUI.",
        discussion: "Keys: Space play/pause, +/- speed, ←/→ seek ten rounds, and every key of `tracemap tui`.")

    @OptionGroup var display: TUIArguments

    @Option(parsing: .unconditional, help: "Playback speed (0.25 … 64).")
    var speed: Double = 1

    @Option(parsing: .unconditional, help: "Open paused at this round (a number past the end opens at the end).")
    var at: Int?

    func validate() throws {
        try OptionCheck.number(speed, "--speed", 0.25...64)
        if let at { try OptionCheck.integer(at, "--at", 0...Int(Int32.max), unit: "rounds") }
    }

    @Argument(help: "The recording (JSON Lines).")
    var file: String

    func run() async throws {
        try await runReplay(path: file, arguments: display, speed: speed, at: at)
    }
}
