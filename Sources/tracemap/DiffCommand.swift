import ArgumentParser
import Foundation
import TracemapCLI
import TracemapImport
import TracemapModel

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two saved traces hop by hop (any formats `stats` reads).",
        discussion: """
            Hops are aligned by TTL. A responder already seen at that TTL on the other side is no change (ECMP), \
            a silent hop is no change of address; path length, reaching the destination, the ASN path and RTT \
            shifts of at least --rtt-ms AND --rtt-pct are. Files of several traces: pick one with --trace-a/-b, \
            or traces with equal labels are paired. Exit status as diff(1): 0 same, 1 different, 2 trouble \
            (a file cannot be read, or no traces to pair).
            """)

    @OptionGroup var input: ImportArguments

    @Option(name: .customLong("rtt-ms"), help: "Smallest RTT shift that counts, milliseconds.")
    var rttMs: Double = 5

    @Option(name: .customLong("rtt-pct"), help: "Smallest RTT shift that counts, percent of the lower value.")
    var rttPercent: Double = 20

    @Option(name: .customLong("trace-a"), help: "Which trace of A (number from 1, or label).")
    var traceA: String?

    @Option(name: .customLong("trace-b"), help: "Which trace of B (number from 1, or label).")
    var traceB: String?

    @Flag(help: "Print the comparison as JSON.")
    var json = false

    @Argument(help: "The earlier trace file.")
    var a: String

    @Argument(help: "The later trace file.")
    var b: String

    mutating func validate() throws {
        if rttMs < 0 || rttPercent < 0 { throw ValidationError("--rtt-ms and --rtt-pct must not be negative") }
    }

    func run() throws {
        let fileA = try input.read(a, status: 2)
        let fileB = try input.read(b, status: 2)
        let pairs: [(ImportedTrace, ImportedTrace)]
        do { pairs = try pair(fileA, fileB) } catch {
            Output.error("\(error)")
            throw ExitCode(2)
        }
        let thresholds = TraceDiff.Thresholds(rttMs: rttMs, rttPercent: rttPercent)
        let diffs = pairs.map { TraceDiff($0.0, $0.1, thresholds: thresholds) }
        if json {
            let encoder = TracemapJSON.encoder(pretty: true)
            let data = diffs.count == 1 ? try encoder.encode(diffs[0]) : try encoder.encode(diffs)
            Output.line(String(decoding: data, as: UTF8.self))
        } else {
            let text = diffs.map { OfflineText.diff($0, fileA: a, fileB: b) }.joined(separator: "\n")
            Output.write(text)
        }
        if diffs.contains(where: { !$0.isSame }) { throw ExitCode(1) }
    }

    /// Which traces to compare: the chosen ones; one against each of several; or equal labels paired.
    private func pair(_ fileA: ImportedFile, _ fileB: ImportedFile) throws -> [(ImportedTrace, ImportedTrace)] {
        let listA = try traceA.map { [try fileA.trace($0).get()] } ?? fileA.traces
        let listB = try traceB.map { [try fileB.trace($0).get()] } ?? fileB.traces
        if listA.count == 1 { return listB.map { (listA[0], $0) } }
        if listB.count == 1 { return listA.map { ($0, listB[0]) } }
        let byLabel = Dictionary(listB.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
        let pairs = listA.compactMap { trace in byLabel[trace.label].map { (trace, $0) } }
        guard !pairs.isEmpty else {
            throw ImportSelectionError.several(listA.map(\.label))
        }
        return pairs
    }
}
