import ArgumentParser
import Foundation
import TracemapCLI
import TracemapImport
import TracemapModel
import TracemapReport

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Summarise saved traces and recordings: path, loss, destination RTT, ASN path, timeline.",
        discussion: """
            Reads tracemap's `trace --json`/`-w` files and recordings, and mtr --json, trippy -m json, scamper JSON, \
            RIPE Atlas, Globalping and Cloudflare results (recognised by content). A file of several traces \
            (probes, colos, targets) gives one block per trace. Exit status: 0, 6 a file cannot be read.
            """)

    @OptionGroup var input: ImportArguments

    @Flag(help: "Print a JSON array of summaries.")
    var json = false

    @Flag(help: "Also list every hop: responders with names and ASNs, loss, mean RTT.")
    var hops = false

    @Argument(help: "Trace files.")
    var files: [String]

    mutating func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file") }
    }

    func run() throws {
        var summaries: [(String, TraceSummary, ImportedTrace)] = []
        for path in files {
            let file = try input.read(path)
            for trace in file.traces { summaries.append((path, TraceSummary(trace, format: file.format, file: path,
                                                             detourCheck: { $0.geographyWarnings() }), trace)) }
        }
        if json {
            let data = try TracemapJSON.encoder(pretty: true).encode(summaries.map(\.1))
            Output.line(String(decoding: data, as: UTF8.self))
        } else {
            let text = summaries.map { path, summary, trace in
                OfflineText.stats(summary, file: path) + (hops ? OfflineText.hops(trace.document) : "")
            }.joined(separator: "\n")
            Output.write(text)
        }
    }
}
