#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import TracemapModel
import TracemapNet
import TracemapMonitor
import TracemapReport
import TracemapStats

/// Reads trace files of tracemap and of other tools into `ImportedFile`s, recognising the format by content.
///
///     let file = try TraceImporter.read(path: "atlas.json")          // sniffed
///     let forced = try TraceImporter.read(path: "x.json", format: .mtr)
///     let fromAPI = try TraceImporter.parse(data, format: .globalping, name: "measurement abc")
public enum TraceImporter {
    /// Reads and parses `path` ("-" reads standard input). `format` forces a format instead of sniffing.
    /// The most bytes a file may hold (a day of recording at 1 round/s over 30 hops is about 150 MiB).
    public static let sizeLimit = 256 << 20

    public static func read(path: String, format: ImportFormat? = nil) throws(ImportError) -> ImportedFile {
        let (data, modified) = try load(path)
        return try parse(data, format: format, name: path, fileDate: modified)
    }

    /// Parses bytes already in memory (an API response, a test fixture). `name` appears in messages; `fileDate` is
    /// the time of traces whose format carries none.
    public static func parse(_ data: Data, format: ImportFormat? = nil, name: String = "input",
                             fileDate: Date = Date()) throws(ImportError) -> ImportedFile {
        let context = ImportContext(path: name, fileDate: fileDate)
        let whole = JSONValue.parse(data)
        let lines = whole == nil ? JSONValue.parseLines(data) : nil
        guard let format = format ?? sniff(whole: whole, lines: lines) else { throw .unrecognised(path: name) }
        let values: [JSONValue]
        if let whole {
            // An array is several documents, results or measurements — except Cloudflare's bare `result`, whose
            // array is the list of targets of one response.
            values = format == .cloudflare || format == .recording ? [whole] : (whole.array ?? [whole])
        } else if let lines {
            values = lines
        } else {
            throw context.malformed(format, "not JSON")
        }
        let traces: [ImportedTrace]
        switch format {
        case .tracemap: traces = try TracemapParser.documents(data, values: values, context: context)
        case .recording: traces = [try TracemapParser.recording(data, context: context)]
        case .mtr: traces = try MTRParser.parse(values, context: context)
        case .trippy: traces = try TrippyParser.parse(values, context: context)
        case .scamper: traces = try ScamperParser.parse(values, context: context)
        case .atlas: traces = try AtlasParser.parse(values, context: context)
        case .globalping:
            var all: [ImportedTrace] = []
            for value in values { all += try GlobalpingParser.parse(value, context: context) }
            traces = all
        case .cloudflare:
            var all: [ImportedTrace] = []
            for value in values { all += try CloudflareParser.parse(value, context: context) }
            traces = all
        }
        return ImportedFile(format: format, traces: ImportSupport.uniqueLabels(traces))
    }

    /// The format `data` is in, or nil when it is none tracemap reads.
    public static func sniff(_ data: Data) -> ImportFormat? {
        let whole = JSONValue.parse(data)
        return sniff(whole: whole, lines: whole == nil ? JSONValue.parseLines(data) : nil)
    }

    static func sniff(whole: JSONValue?, lines: [JSONValue]?) -> ImportFormat? {
        if let whole {
            if let items = whole.array {
                guard let first = items.first else { return nil }
                if items.allSatisfy(TracemapParser.looksLikeDocument) { return .tracemap }
                if items.allSatisfy(AtlasParser.looksLike) { return .atlas }
                if CloudflareParser.looksLike(whole) { return .cloudflare }
                if GlobalpingParser.looksLike(first) { return .globalping }
                return nil
            }
            if whole["type"].string == "header" { return .recording }
            if TracemapParser.looksLikeDocument(whole) { return .tracemap }
            if MTRParser.looksLike(whole) { return .mtr }
            if TrippyParser.looksLike(whole) { return .trippy }
            if ScamperParser.looksLike(whole) { return .scamper }
            if AtlasParser.looksLike(whole) { return .atlas }
            if GlobalpingParser.looksLike(whole) { return .globalping }
            if CloudflareParser.looksLike(whole) { return .cloudflare }
            return nil
        }
        guard let lines, let first = lines.first else { return nil }
        if first["type"].string == "header" { return .recording }
        if lines.contains(where: ScamperParser.looksLike) { return .scamper }
        if lines.allSatisfy(AtlasParser.looksLike) { return .atlas }
        return nil
    }

    /// The whole file and its modification time.
    private static func load(_ path: String) throws(ImportError) -> (Data, Date) {
        do {
            let file = try FileBytes.read(path, limit: TraceImporter.sizeLimit)
            return (Data(file.bytes), file.modified)
        } catch .tooLarge(let limit) {
            throw .cannotRead(path: path, reason: "larger than \(limit >> 20) MiB: not a trace file tracemap reads")
        } catch {
            throw .cannotRead(path: path, reason: error.description)
        }
    }
}

/// tracemap's own files: `trace --json` documents and `watch --record` recordings.
enum TracemapParser {
    static func looksLikeDocument(_ value: JSONValue) -> Bool {
        value["meta"]["target"] != nil && value["hops"].array != nil
    }

    static func documents(_ data: Data, values: [JSONValue], context: ImportContext) throws(ImportError)
        -> [ImportedTrace] {
        let decoder = TracemapJSON.decoder()
        let documents: [TraceDocument]
        do {
            documents = values.count == 1 && JSONValue.parse(data)?.array == nil
                ? [try decoder.decode(TraceDocument.self, from: data)]
                : try decoder.decode([TraceDocument].self, from: data)
        } catch {
            throw context.malformed(.tracemap, describe(error))
        }
        guard !documents.isEmpty else { throw context.malformed(.tracemap, "an empty array") }
        return ImportSupport.uniqueLabels(documents.map { document in
            ImportedTrace(label: label(document.meta), document: document)
        })
    }

    static func recording(_ data: Data, context: ImportContext) throws(ImportError) -> ImportedTrace {
        let (lines, problems) = RecordingReader(data: data).readAll()
        var meta: TraceMeta?
        var rounds: [Round] = []
        var events: [TimedEvent] = []
        for line in lines {
            switch line {
            case .header(let header): meta = meta ?? header
            case .round(let round): rounds.append(round)
            case .event(let event): events.append(TimedEvent(afterRounds: rounds.count, event: event))
            }
        }
        // A problem that ends reading (an unknown schema, a line past the length limit) is the file's answer.
        if let fatal = problems.first(where: \.fatal) { throw context.malformed(.recording, fatal.description) }
        guard let meta else {
            let first = problems.first.map { "; \($0.description)" } ?? ""
            throw context.malformed(.recording, "no header line: not a tracemap recording\(first)")
        }
        var statistics = PathStatistics(windowRounds: max(1, rounds.count))
        for round in rounds { statistics.record(round) }
        // The probes stay in the rounds (a day of rounds is millions of probes; one copy is enough).
        let document = TraceDocument(meta: meta, statistics: statistics, probes: [], info: [:])
        return ImportedTrace(label: label(meta), document: document, rounds: rounds, events: events,
                             notes: problems.map(\.description), isRecording: true)
    }

    static func label(_ meta: TraceMeta) -> String {
        let address = meta.target.address.description
        return meta.target.name == address ? address : "\(meta.target.name) (\(address))"
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.keyNotFound(let key, let context):
            "missing field \((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: "\(error)"
        }
    }
}
