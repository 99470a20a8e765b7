import ArgumentParser

/// Opens the data files a parsed command reads during its run right after parsing, before its sockets open
/// and privileges are dropped, so a run under sudo never loses a file to the drop.
func openDatabasesEarly(for command: any ParsableCommand) {
    if let trace = command as? TraceCommand {
        trace.enrichment.openDatabasesEarly()
    } else if let tui = command as? TUICommand {
        tui.display.enrichment.openDatabasesEarly()
    } else if let replay = command as? ReplayCommand {
        replay.display.enrichment.openDatabasesEarly()
    }
}
