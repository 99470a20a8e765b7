/// A command that reads data files during its run: they are opened right after parsing, before its sockets
/// open and privileges are dropped, so a run under sudo never loses a file to the drop.
protocol OpensDatabasesEarly {
    func openDatabasesEarly()
}

extension TraceCommand: OpensDatabasesEarly {
    func openDatabasesEarly() { enrichment.openDatabasesEarly() }
}

extension TUICommand: OpensDatabasesEarly {
    func openDatabasesEarly() { display.enrichment.openDatabasesEarly() }
}

extension ReplayCommand: OpensDatabasesEarly {
    func openDatabasesEarly() { display.enrichment.openDatabasesEarly() }
}
