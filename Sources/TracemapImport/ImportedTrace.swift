#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

/// The file formats tracemap reads. Each is recognised by its content (`TraceImporter.sniff`); a user can force one.
public enum ImportFormat: String, CaseIterable, Sendable, Codable {
    /// `tracemap trace --json`: one document or an array of them.
    case tracemap
    /// `tracemap watch --record` / `tui --record`: JSON Lines, a header then rounds and events.
    case recording
    /// `mtr --json` (0.94+ numeric and older string fields).
    case mtr
    /// `trip -m json` (trippy's report).
    case trippy
    /// `scamper -O json` or `sc_warts2json`: JSON Lines of cycle-start / trace / cycle-stop.
    case scamper
    /// RIPE Atlas traceroute results: an array, or one result per line.
    case atlas = "ripe-atlas"
    /// Globalping measurement of type `traceroute` or `mtr`.
    case globalping
    /// Cloudflare diagnostics traceroute API response (`POST /accounts/{id}/diagnostics/traceroute`).
    case cloudflare

    /// Whether the format says when the trace was taken; when not, the file's modification time stands in.
    public var carriesTime: Bool {
        switch self {
        case .mtr, .trippy, .cloudflare: false
        default: true
        }
    }

    /// How a user names it: "mtr --json", "RIPE Atlas traceroute results", …
    public var title: String {
        switch self {
        case .tracemap: "tracemap trace --json"
        case .recording: "tracemap recording"
        case .mtr: "mtr --json"
        case .trippy: "trippy -m json"
        case .scamper: "scamper JSON"
        case .atlas: "RIPE Atlas traceroute results"
        case .globalping: "Globalping measurement"
        case .cloudflare: "Cloudflare diagnostics traceroute"
        }
    }
}

/// An event of a recording and its place: how many rounds were written before it.
public struct TimedEvent: Sendable, Hashable {
    public var afterRounds: Int
    public var event: MonitorEvent

    public init(afterRounds: Int, event: MonitorEvent) {
        self.afterRounds = afterRounds
        self.event = event
    }
}

/// One trace of a file, in tracemap's own terms. A file of another tool becomes a `TraceDocument` with
/// `meta.method == .imported` and `meta.vantage` saying where it was taken; a recording keeps its rounds and events.
public struct ImportedTrace: Sendable {
    /// Which trace of the file this is, for a human: "probe 6012", "colo FRA → 203.0.113.10", "dest.example".
    public var label: String
    public var document: TraceDocument
    /// The rounds of a recording, in file order; empty for a one-shot trace. A recording's probes are here, not in
    /// `document.probes` (which is empty); `document.hops` sum up every round.
    public var rounds: [Round]
    /// The events of a recording.
    public var events: [TimedEvent]
    /// Things the file did not say or said oddly (a colo error, a hop named without an address), one line each.
    public var notes: [String]

    /// Whether this is a recording with a timeline (rounds and events, perhaps none yet), not one trace.
    public var isRecording: Bool

    public init(label: String, document: TraceDocument, rounds: [Round] = [], events: [TimedEvent] = [],
                notes: [String] = [], isRecording: Bool? = nil) {
        self.isRecording = isRecording ?? !rounds.isEmpty
        self.label = label
        self.document = document
        self.rounds = rounds
        self.events = events
        self.notes = notes
    }

}

/// What a file held: its format and its traces (one per probe, colo × target, or document).
public struct ImportedFile: Sendable {
    public var format: ImportFormat
    public var traces: [ImportedTrace]

    public init(format: ImportFormat, traces: [ImportedTrace]) {
        self.format = format
        self.traces = traces
    }
}

/// Why a file cannot be imported; one line naming the file. Always bad input (exit 6, README "Exit codes").
public enum ImportError: Error, Sendable, Hashable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    /// The content is none of the formats tracemap reads.
    case unrecognised(path: String)
    /// The content looks like `format` but does not hold what that format must.
    case malformed(path: String, format: ImportFormat, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason): "cannot read \(path): \(reason)"
        case .unrecognised(let path):
            "\(path): not a trace file: expected tracemap JSON or recording, mtr --json, trippy -m json, scamper JSON, "
                + "RIPE Atlas traceroute results, a Globalping traceroute/mtr measurement or a Cloudflare "
                + "diagnostics traceroute response"
        case .malformed(let path, let format, let reason): "\(path): not a valid \(format.title) file: \(reason)"
        }
    }

    public var exitStatus: ExitStatus { .badInput }
}
