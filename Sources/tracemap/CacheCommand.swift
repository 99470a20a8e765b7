import TracemapCLI
import ArgumentParser
import Foundation
import TracemapEnrich
import TracemapModel

/// `tracemap cache stats|clear`: the lookup cache of reverse DNS and Team Cymru answers.
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Show or clear the lookup cache (reverse DNS and AS answers).",
        discussion: """
            The cache lives in $TRACEMAP_CACHE_DIR, else $XDG_CACHE_HOME/tracemap, else ~/.cache/tracemap. \
            Answers stay 1 day (DNS) or 90 days (AS numbers and names); "not found" answers stay 1 hour (DNS) \
            or 1 day (AS).
            """,
        subcommands: [Stats.self, Clear.self],
        defaultSubcommand: Stats.self)

    struct Location: ParsableArguments {
        @Option(name: .customLong("cache-dir"), help: "The cache's directory (default: see `tracemap cache --help`).")
        var directory: String?

        var resolved: String { directory ?? EnrichmentPaths.cacheDirectory() }
        var file: String { resolved + "/" + LookupCache.fileName }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Entries per kind, hits, misses and hit rate since the last clear.")

        @OptionGroup var location: Location

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run() throws {
            let path = location.file
            // Asking for statistics never creates a cache.
            guard FileManager.default.fileExists(atPath: path) else {
                if json {
                    Output.line(try TracemapJSON.line(CacheReport(path: path, exists: false, kinds: [:])))
                } else {
                    Output.line("no cache at \(path) yet")
                }
                return
            }
            let stats: [CacheKind: CacheKindStats]
            do {
                stats = try LookupCache(directory: location.resolved).stats()
            } catch {
                throw CommandFailure(message: "cache \(path) is unreadable (\(error.message)); "
                                     + "`tracemap cache clear` starts a new one", status: .badInput)
            }
            let report = CacheReport(path: path, exists: true,
                                     kinds: Dictionary(uniqueKeysWithValues: stats.map { ($0.key.rawValue, $0.value) }))
            Output.line(json ? try TracemapJSON.line(report) : report.table)
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove every cached answer and reset the counters; an unreadable cache file is deleted.")

        @OptionGroup var location: Location

        func run() throws {
            let path = location.file
            guard FileManager.default.fileExists(atPath: path) else {
                Output.line("no cache at \(path); nothing to clear")
                return
            }
            do {
                try LookupCache(directory: location.resolved).clear()
                Output.line("cleared \(path)")
            } catch let error where error.isCorruption {
                // A damaged file holds nothing worth keeping: clearing it is deleting it.
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    try? FileManager.default.removeItem(atPath: path + suffix)
                }
                Output.line("removed unreadable cache \(path) (\(error.message))")
            } catch {
                throw CommandFailure(message: "cannot clear cache \(path): \(error.message)", status: .badInput)
            }
        }
    }
}

/// What `cache stats` prints.
private struct CacheReport: Encodable {
    var path: String
    var exists: Bool
    var kinds: [String: CacheKindStats]

    private var total: CacheKindStats {
        kinds.values.reduce(CacheKindStats()) { sum, kind in
            CacheKindStats(entries: sum.entries + kind.entries, negativeEntries: sum.negativeEntries + kind.negativeEntries,
                           hits: sum.hits + kind.hits, misses: sum.misses + kind.misses)
        }
    }

    var table: String {
        let header = ["kind", "entries", "not found", "hits", "misses", "hit rate"]
        let rows = CacheKind.allCases.map { kind in (kind.rawValue, kinds[kind.rawValue] ?? CacheKindStats()) }
            + [("total", total)]
        let cells = [header] + rows.map { name, stats in
            [name, "\(stats.entries)", "\(stats.negativeEntries)", "\(stats.hits)", "\(stats.misses)",
             stats.hitRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-"]
        }
        let widths = header.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        let lines = cells.map { row in
            row.enumerated().map { column, text in
                let pad = String(repeating: " ", count: widths[column] - text.count)
                return column == 0 ? text + pad : pad + text
            }.joined(separator: "  ")
        }
        return (["cache \(path)"] + lines).joined(separator: "\n")
    }

    enum CodingKeys: String, CodingKey { case path, exists, kinds }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(exists, forKey: .exists)
        try container.encode(kinds.mapValues(KindJSON.init), forKey: .kinds)
    }

    private struct KindJSON: Encodable {
        var entries: Int
        var negative: Int
        var hits: Int
        var misses: Int
        var hitRate: Double?

        init(_ stats: CacheKindStats) {
            entries = stats.entries
            negative = stats.negativeEntries
            hits = stats.hits
            misses = stats.misses
            hitRate = stats.hitRate
        }

        enum CodingKeys: String, CodingKey { case entries, negative, hits, misses, hitRate = "hit_rate" }
    }
}
