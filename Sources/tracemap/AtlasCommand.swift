import ArgumentParser
import Foundation
import TracemapStats
import TracemapCLI
import TracemapImport
import TracemapModel
import TracemapRemote
import TracemapReport

struct AtlasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atlas",
        abstract: "Show the results of a public RIPE Atlas traceroute measurement (no key needed).",
        discussion: """
            Reads GET /api/v2/measurements/MSM_ID/results/ from the RIPE Atlas archive (TRACEMAP_ATLAS_URL, \
            default https://atlas.ripe.net) and shows one table per probe, headed by where the probe is, then a \
            comparison. Without --start/--stop a periodic measurement shows each probe's latest result. \
            RIPE_ATLAS_KEY is sent when set (needed only for non-public measurements). Needs internet access.
            """)

    @Argument(help: "The measurement id.")
    var measurement: Int

    @Option(help: ArgumentHelp("Only these probes (comma-separated ids).", valueName: "ID,…"))
    var probes: String?

    @Option(help: ArgumentHelp("Results from this time on: Unix seconds or YYYY-MM-DD[THH:MM[:SS]] (UTC).",
                               valueName: "TIME"))
    var start: String?

    @Option(help: ArgumentHelp("Results up to this time: Unix seconds or YYYY-MM-DD[THH:MM[:SS]] (UTC).",
                               valueName: "TIME"))
    var stop: String?

    @Option(name: [.customShort("o"), .customLong("fields")],
            help: "Statistics columns by mtr letter (L S N A B W V D R E P J M X I).")
    var fields = HopField.defaultLetters

    @Flag(name: [.customShort("n"), .customLong("no-rdns")], help: "Do not resolve hop names.")
    var noReverseDNS = false

    @Flag(help: "Print every trace as JSON, each with its vantage point.")
    var json = false

    @OptionGroup var enrichment: EnrichmentArguments

    mutating func validate() throws {
        if measurement <= 0 { throw ValidationError("a measurement id is a positive number") }
        if let probes, probes.split(separator: ",").isEmpty || !probes.split(separator: ",").allSatisfy({ Int($0) != nil }) {
            throw ValidationError("--probes takes probe ids separated by commas")
        }
        for (name, value) in [("--start", start), ("--stop", stop)] {
            if let value, Self.unixTime(value) == nil {
                throw ValidationError("\(name): expected Unix seconds or YYYY-MM-DD[THH:MM[:SS]], got \(value)")
            }
        }
        if HopField.columns(fields) == nil { throw ValidationError("unknown column letter in --fields \(fields)") }
    }

    func run() async throws {
        let settings = RemoteSettings(environment: ProcessInfo.processInfo.environment)
        let session = RemoteSession(settings: settings)
        let traces: [ImportedTrace]
        do {
            traces = try await fetch(session)
        } catch {
            throw CommandFailure(message: error.redacted(settings.secrets).description, status: error.exitStatus)
        }
        if traces.isEmpty {
            throw CommandFailure(message: "RIPE Atlas measurement \(measurement) has no results"
                                 + (start != nil || stop != nil || probes != nil ? " for these probes and times" : ""),
                                 status: .remote)
        }
        let output = await RemoteReport(traces: traces, fields: fields, json: json, noReverseDNS: noReverseDNS,
                                        enrichment: enrichment).render()
        Output.write(settings.secrets.scrub(output))
    }

    private func fetch(_ session: RemoteSession) async throws(RemoteError) -> [ImportedTrace] {
        try RemoteSettings.validate(session.settings.atlasURL, name: "TRACEMAP_ATLAS_URL")
        let client = AtlasClient(http: session.http, baseURL: session.settings.atlasURL, key: session.settings.atlasKey)
        let results = try await client.read(measurement,
                                            probeIDs: probes?.split(separator: ",").compactMap { Int($0) } ?? [],
                                            start: start.flatMap(Self.unixTime), stop: stop.flatMap(Self.unixTime))
        return try session.atlasTraces(results)
    }

    /// Unix seconds, or an ISO 8601 UTC date and time (YYYY-MM-DD, YYYY-MM-DDTHH:MM, YYYY-MM-DDTHH:MM:SS, Z allowed).
    static func unixTime(_ text: String) -> Int? {
        if let seconds = Int(text), seconds >= 0 { return seconds }
        var value = text
        if value.hasSuffix("Z") { value.removeLast() }
        let parts = value.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        guard date.count == 3, parts[0].split(separator: "-").count == 3 else { return nil }
        var time = [0, 0, 0]
        if parts.count == 2 {
            let fields = parts[1].split(separator: ":")
            guard (2...3).contains(fields.count), fields.allSatisfy({ Int($0) != nil }) else { return nil }
            for (index, field) in fields.enumerated() { time[index] = Int(field)! }
        }
        let (year, month, day) = (date[0], date[1], date[2])
        guard (1970...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
              (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2]) else { return nil }
        // Days from civil (H. Hinnant's algorithm), proleptic Gregorian calendar.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]
    }
}
