import ArgumentParser
import Foundation
import TracemapStats
import TracemapCLI
import TracemapEnrich
import TracemapImport
import TracemapModel
import TracemapReport
import TracemapTUI

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a saved trace or recording as HTML, SVG, Markdown, mtr JSON or CSV.",
        discussion: """
            FILE is any file `stats` reads: a `trace --json` document, a recording, or the output of mtr, trippy, \
            scamper, RIPE Atlas, Globalping or Cloudflare; a file with several traces exports each. html: one \
            self-contained page \
            (map, hop table, timeline of a recording), offline; svg: the map and path; markdown: an incident \
            report; mtr-json: what `mtr --json` writes; csv: as `trace --csv`. Hop locations come from the file; \
            where it has none, from the local GeoIP database (offline: nothing leaves this machine). Exit status: \
            0 written, 6 the file cannot be read or the output cannot be written, 64 bad option.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, svg, markdown, mtrJSON = "mtr-json", csv

        var fileExtension: String {
            switch self {
            case .html: "html"
            case .svg: "svg"
            case .markdown: "md"
            case .mtrJSON: "mtr.json"
            case .csv: "csv"
            }
        }
    }

    @Option(help: "html, svg, markdown, mtr-json or csv (default: from the output's extension, else html).")
    var format: Format?

    @Option(name: [.customShort("o"), .customLong("output")],
            help: "Where to write: a file, or - for stdout (default: FILE with the format's extension).")
    var output: String?

    @Option(help: ArgumentHelp("Where the probes started, for the geography check when the file has no vantage point.",
                               valueName: "LAT,LON"))
    var origin: OriginArgument?

    @Option(name: .customLong("geoip-mmdb"), help: "GeoIP City database for hops the file has no location for.")
    var geoDatabase: String?

    @Flag(help: "Look up documentation and private addresses in the GeoIP database too (lab and test networks).")
    var lab = false

    @Flag(name: .customLong("no-geoip"), help: "Use only the locations the file carries.")
    var noGeoIP = false

    @Option(help: "Host facts for addresses the file does not describe (JSON: address → hostname, asn, location; as `tui --hosts`).")
    var hosts: String?

    @OptionGroup var input: ImportArguments

    @Argument(help: "The trace: `trace --json`, a recording, or a file of mtr, trippy, scamper, RIPE Atlas, Globalping, Cloudflare; - reads stdin.")
    var file: String

    func run() async throws {
        let format = try chosenFormat()
        var traces = ExportInput.traces(of: try input.read(file))
        if let hosts { traces = try Self.describe(traces, hostsFile: hosts) }
        if !noGeoIP { traces = await locate(traces) }
        for index in traces.indices { traces[index].document.applyGeography(origin: origin?.location) }

        let text: String
        switch format {
        case .html: text = HTMLExport.render(traces)
        case .svg: text = SVGMap.render(traces)
        case .markdown: text = MarkdownReport.render(traces)
        case .mtrJSON: text = MTRJSONExport.render(traces.map(\.document))
        case .csv: text = ExportCSV.render(traces, columns: HopField.columns(HopField.defaultLetters) ?? [])
        }
        let destination = output ?? Self.defaultOutput(for: file, format: format)
        if destination == "-" {
            Output.write(text)
            return
        }
        try writeFile(destination, Array(text.utf8))
        let count = traces.count == 1 ? "1 trace" : "\(traces.count) traces"
        Output.line("wrote \(destination) (\(format.rawValue), \(count))")
    }

    private func chosenFormat() throws -> Format {
        if let format { return format }
        guard let output, output != "-" else { return .html }
        let lower = output.lowercased()
        for format in [Format.mtrJSON, .html, .svg, .markdown, .csv] where lower.hasSuffix("." + format.fileExtension) {
            return format
        }
        if lower.hasSuffix(".htm") { return .html }
        if lower.hasSuffix(".markdown") { return .markdown }
        throw ValidationError("give --format: html, svg, markdown, mtr-json or csv")
    }

    static func defaultOutput(for input: String, format: Format) -> String {
        if input == "-" { return "-" }
        var base = input
        for suffix in [".jsonl", ".json", ".ndjson"] where base.lowercased().hasSuffix(suffix) {
            base.removeLast(suffix.count)
            break
        }
        return base + "." + format.fileExtension
    }

    /// Fills what the file does not say about a responder from a hosts file (lab networks, the demo).
    static func describe(_ traces: [ExportTrace], hostsFile: String) throws(CommandFailure) -> [ExportTrace] {
        let table: StaticHostInfo
        do {
            table = try StaticHostInfo(path: hostsFile)
        } catch {
            throw CommandFailure(message: "cannot read hosts file \(hostsFile): \(error)", status: .badInput)
        }
        var result = traces
        for t in result.indices {
            for h in result[t].document.hops.indices {
                for r in result[t].document.hops[h].responders.indices {
                    let address = result[t].document.hops[h].responders[r].address
                    guard let known = table.hosts[address] else { continue }
                    var info = result[t].document.hops[h].responders[r].info ?? known
                    info.hostname = info.hostname ?? known.hostname
                    info.asn = info.asn ?? known.asn
                    info.location = info.location ?? known.location
                    result[t].document.hops[h].responders[r].info = info
                }
            }
        }
        return result
    }

    /// Locations from the local GeoIP database for responders the file has none for. Offline only: no reverse
    /// DNS, no Team Cymru; documentation and private addresses only with `--lab`.
    private func locate(_ traces: [ExportTrace]) async -> [ExportTrace] {
        let missing = Set(traces.flatMap { trace in
            trace.document.hops.flatMap { $0.responders.filter { $0.info?.location == nil }.map(\.address) }
        })
        guard !missing.isEmpty else { return traces }
        var options = EnrichmentOptions(profile: .offline, overrides: EnrichmentOverrides(asnSource: .off))
        options.geoDatabasePath = geoDatabase
        options.lookupSpecialAddresses = lab
        let enricher = Enricher(options: options)
        if geoDatabase != nil {
            for warning in await enricher.warnings {
                Output.error("warning: \(warning)")
            }
        }
        let found = await enricher.resolve(Array(missing), timeout: .zero)
        var result = traces
        for t in result.indices {
            for h in result[t].document.hops.indices {
                for r in result[t].document.hops[h].responders.indices {
                    let address = result[t].document.hops[h].responders[r].address
                    guard let location = found[address]?.location else { continue }
                    var info = result[t].document.hops[h].responders[r].info
                        ?? HostInfo(addressClass: found[address]?.addressClass ?? .global)
                    if info.location == nil { info.location = location }
                    result[t].document.hops[h].responders[r].info = info
                }
            }
        }
        return result
    }
}

/// What `export` takes: any file `TraceImporter` reads (tracemap documents and recordings, mtr, trippy, scamper,
/// RIPE Atlas, Globalping, Cloudflare), each of its traces with a timeline when it is a recording.
enum ExportInput {
    static func traces(of file: ImportedFile) -> [ExportTrace] {
        file.traces.map { imported in
            for note in imported.notes {
                Output.error("note: \(imported.label): \(note)")
            }
            let label = file.traces.count > 1 ? imported.label : nil
            guard imported.isRecording else { return ExportTrace(document: imported.document, label: label) }
            let destination = imported.document.hops.filter { $0.responders.contains { $0.kind.isFromDestination } }
                .map(\.ttl).min()
            var document = imported.document
            document.meta.endedAt = imported.rounds.last?.endedAt ?? document.meta.endedAt
            // Every probe, for mtr's last/avg/best/worst/σ over the whole recording (the importer keeps them in rounds).
            if document.probes.isEmpty { document.probes = imported.rounds.flatMap(\.probes) }
            return ExportTrace(document: document,
                               timeline: TraceTimeline(rounds: imported.rounds, events: imported.events.map(\.event),
                                                       destinationTTL: destination),
                               label: label)
        }
    }
}
