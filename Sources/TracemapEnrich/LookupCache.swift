#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import GRDB

/// What the cache keeps: answers that cost a network round trip. GeoIP and ASN database lookups are not cached:
/// a memory-mapped database answers faster than SQLite, and a newer database must win at once.
public enum CacheKind: String, CaseIterable, Sendable, Codable {
    /// Reverse DNS: address → hostname.
    case dns
    /// Team Cymru origin: address → AS number and prefix.
    case asn
    /// Team Cymru AS name: AS number → organisation.
    case asName = "as-name"

    /// How long an answer stays good. Origins move slowly; names of routers change more often.
    public var timeToLive: TimeInterval {
        switch self {
        case .dns: 86_400
        case .asn, .asName: 90 * 86_400
        }
    }

    /// How long "there is none" stays good: shorter, so a record that appears later is found.
    public var negativeTimeToLive: TimeInterval {
        switch self {
        case .dns: 3_600
        case .asn, .asName: 86_400
        }
    }
}

/// The outcome of asking the cache.
public enum CacheLookup: Sendable, Hashable {
    case miss
    /// A fresh answer: the stored value, or nil for a remembered "there is none".
    case hit(String?)
}

/// Why the cache cannot be used.
public struct CacheError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The file is not an SQLite database, or a damaged one.
    public var isCorruption: Bool

    public var description: String { message }

    init(_ error: any Error) {
        if let error = error as? DatabaseError {
            message = error.message ?? "\(error.resultCode)"
            isCorruption = error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT
        } else {
            message = "\(error)"
            isCorruption = false
        }
    }
}

/// Counts of one kind for `tracemap cache stats`.
public struct CacheKindStats: Sendable, Hashable, Codable {
    /// Unexpired entries, negative ones included.
    public var entries: Int
    public var negativeEntries: Int
    public var hits: Int
    public var misses: Int

    public init(entries: Int = 0, negativeEntries: Int = 0, hits: Int = 0, misses: Int = 0) {
        self.entries = entries
        self.negativeEntries = negativeEntries
        self.hits = hits
        self.misses = misses
    }

    /// Hits over lookups, nil before the first lookup.
    public var hitRate: Double? { hits + misses == 0 ? nil : Double(hits) / Double(hits + misses) }
}

/// The lookup cache: one SQLite file (through GRDB) with an entry per kind and key, an expiry time per entry, and
/// hit/miss counters that persist across runs.
public final class LookupCache: Sendable {
    public static let fileName = "cache.sqlite"

    public let path: String
    private let database: DatabaseQueue
    private let now: @Sendable () -> Date

    /// Opens or creates `directory/cache.sqlite`; `now` is the clock that expiry is judged by.
    public init(directory: String, now: @escaping @Sendable () -> Date = { Date() }) throws(CacheError) {
        path = directory + "/" + Self.fileName
        self.now = now
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            // Several tracemap processes may share the cache: wait for a writer instead of failing.
            configuration.busyMode = .timeout(2)
            configuration.label = "tracemap cache"
            // Every lookup counts its hit in a write transaction. In WAL mode with synchronous=NORMAL a commit
            // does not wait for the disk (only checkpoints do): a cache may lose its newest entries in a power
            // cut without harm, but must not cost a trace one fdatasync per hop.
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw CacheError(error)
        }
    }

    /// Opens the cache; a file that is not a database (or a damaged one) is moved aside to `cache.sqlite.corrupt`
    /// and a new one made. Returns no cache and one warning line when neither works.
    public static func openRecovering(directory: String, now: @escaping @Sendable () -> Date = { Date() })
        -> (cache: LookupCache?, warning: String?) {
        do {
            return (try LookupCache(directory: directory, now: now), nil)
        } catch let error where error.isCorruption {
            let path = directory + "/" + fileName
            let aside = path + ".corrupt"
            try? FileManager.default.removeItem(atPath: aside)
            for suffix in ["", "-wal", "-shm", "-journal"] {
                try? FileManager.default.moveItem(atPath: path + suffix, toPath: aside + suffix)
            }
            if let cache = try? LookupCache(directory: directory, now: now) {
                return (cache, "cache \(path) was unreadable (\(error.message)); moved it to \(aside) and started "
                        + "a new one")
            }
            return (nil, "cache \(path) is unreadable (\(error.message)); running without a cache")
        } catch {
            return (nil, "cannot open cache \(directory)/\(fileName) (\(error.message)); running without a cache")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "entry") { table in
                table.column("kind", .text).notNull()
                table.column("key", .text).notNull()
                // NULL is a negative answer: the lookup succeeded and found nothing.
                table.column("value", .text)
                table.column("expires", .double).notNull()
                table.primaryKey(["kind", "key"])
            }
            try db.create(table: "counter") { table in
                table.primaryKey("kind", .text)
                table.column("hits", .integer).notNull().defaults(to: 0)
                table.column("misses", .integer).notNull().defaults(to: 0)
            }
        }
        return migrator
    }

    /// The fresh entry for `key`, counting a hit or a miss. An expired entry is a miss and is removed.
    public func lookup(_ kind: CacheKind, key: String) async throws(CacheError) -> CacheLookup {
        let time = now().timeIntervalSince1970
        do {
            return try await database.write { db in
                let row = try Row.fetchOne(db, sql: "SELECT value, expires FROM entry WHERE kind = ? AND key = ?",
                                           arguments: [kind.rawValue, key])
                let result: CacheLookup
                if let row, (row["expires"] as Double) > time {
                    result = .hit(row["value"])
                } else {
                    if row != nil {
                        try db.execute(sql: "DELETE FROM entry WHERE kind = ? AND key = ?",
                                       arguments: [kind.rawValue, key])
                    }
                    result = .miss
                }
                let column = result == .miss ? "misses" : "hits"
                try db.execute(sql: """
                    INSERT INTO counter (kind, \(column)) VALUES (?, 1)
                    ON CONFLICT(kind) DO UPDATE SET \(column) = \(column) + 1
                    """, arguments: [kind.rawValue])
                return result
            }
        } catch {
            throw CacheError(error)
        }
    }

    /// Keeps an answer (nil: there is none) for the kind's positive or negative time to live.
    public func store(_ kind: CacheKind, key: String, value: String?) async throws(CacheError) {
        let expires = now().timeIntervalSince1970 + (value == nil ? kind.negativeTimeToLive : kind.timeToLive)
        do {
            try await database.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO entry (kind, key, value, expires) VALUES (?, ?, ?, ?)",
                               arguments: [kind.rawValue, key, value, expires])
            }
        } catch {
            throw CacheError(error)
        }
    }

    /// Unexpired entries and counters per kind; every kind is present.
    public func stats() throws(CacheError) -> [CacheKind: CacheKindStats] {
        let time = now().timeIntervalSince1970
        do {
            return try database.read { db in
                var stats = Dictionary(uniqueKeysWithValues: CacheKind.allCases.map { ($0, CacheKindStats()) })
                let entries = try Row.fetchAll(db, sql: """
                    SELECT kind, COUNT(*) AS entries, SUM(value IS NULL) AS negative FROM entry
                    WHERE expires > ? GROUP BY kind
                    """, arguments: [time])
                for row in entries {
                    guard let kind = CacheKind(rawValue: row["kind"]) else { continue }
                    stats[kind]?.entries = row["entries"]
                    stats[kind]?.negativeEntries = row["negative"]
                }
                for row in try Row.fetchAll(db, sql: "SELECT kind, hits, misses FROM counter") {
                    guard let kind = CacheKind(rawValue: row["kind"]) else { continue }
                    stats[kind]?.hits = row["hits"]
                    stats[kind]?.misses = row["misses"]
                }
                return stats
            }
        } catch {
            throw CacheError(error)
        }
    }

    /// Removes every entry and resets the counters.
    public func clear() throws(CacheError) {
        do {
            try database.write { db in
                try db.execute(sql: "DELETE FROM entry")
                try db.execute(sql: "DELETE FROM counter")
            }
            try database.vacuum()
        } catch {
            throw CacheError(error)
        }
    }
}
