#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import TracemapGeo
import TracemapModel

/// Everything tracemap learns about responder addresses: address class, GeoIP location, AS, hostname.
///
/// `info(for:)` answers at once with what is known and starts the missing lookups in the background, so a probe
/// or a frame never waits for DNS; `resolve(_:timeout:)` is for one-shot traces that may wait a bounded time.
/// Local database lookups happen inline (a memory-mapped lookup takes about a microsecond); network lookups go
/// through the on-disk cache first, and at most `maxConcurrentQueries` DNS queries are on the wire at once.
///
/// What may leave the machine: only lookups of `global` addresses (or any address with
/// `lookupSpecialAddresses`), and only with `networkLookups`. One exception: reverse DNS of private, CGNAT,
/// unique-local and link-local addresses is asked of the configured resolver when that resolver is itself on a
/// non-global address (a LAN or loopback resolver is the one that knows local names); it is never asked of a
/// public resolver.
public actor Enricher {
    public nonisolated let options: EnrichmentOptions
    /// The run's redactor when `options.redact` is on: renderers pass every address and the target through it.
    public nonisolated let redactor: Redactor?
    /// One line per problem met (a missing database, an unreadable cache, a silent DNS server), each once.
    public private(set) var warnings: [String]

    private let geoDatabase: GeoDatabase?
    private let asnDatabase: ASNDatabase?
    private var cache: LookupCache?
    private let resolver: ResolverEndpoint?
    private var dnsClient: DNSClient?
    private var dnsUnavailable = false
    private var sourceLocation: GeoLocation?

    private var hosts: [IPAddress: HostRecord] = [:]
    private var asNames: [UInt32: String?] = [:]
    private var asNameTasks: [UInt32: Task<LookupOutcome, Never>] = [:]
    private var running: Set<JobKey> = []
    private var waiters: [Int: Waiter] = [:]
    private var nextWaiterID = 0

    /// A failed network lookup (timeout, server failure) is tried again after this long.
    private static let retryDelay: Duration = .seconds(60)

    public init(options: EnrichmentOptions) {
        self.options = options
        redactor = options.redact ? Redactor() : nil
        sourceLocation = options.sourceLocation
        var warnings: [String] = []

        var geoDatabase: GeoDatabase?
        if options.geo {
            let path = OpenDatabases.geoPath(explicit: options.geoDatabasePath)
            if let database = Self.openDatabase(at: path, what: "GeoIP", warnings: &warnings) {
                if let problem = GeoDatabase.unsuitability(of: database) {
                    warnings.append("\(problem); no locations")
                } else {
                    geoDatabase = GeoDatabase(database: database)
                }
            }
        }

        var asnDatabase: ASNDatabase?
        if let path = options.asnDatabasePath, options.asnSource == .automatic || options.asnSource == .database,
           let database = Self.openDatabase(at: path, what: "ASN", warnings: &warnings) {
            if let problem = ASNDatabase.unsuitability(of: database) {
                warnings.append("\(problem); no AS numbers from it")
            } else {
                asnDatabase = ASNDatabase(database: database)
            }
        }

        let wantsNetwork = options.networkLookups
            && (options.reverseDNS || options.asnSource == .teamCymru
                || (options.asnSource == .automatic && asnDatabase == nil))
        let resolver = wantsNetwork ? options.resolver ?? ResolverEndpoint.system() : nil
        if wantsNetwork && resolver == nil {
            warnings.append("no usable DNS server (TRACEMAP_RESOLVER, or a nameserver line in /etc/resolv.conf); "
                            + "no hostnames or AS numbers from DNS")
        }
        // Only network answers are cached, so without network lookups no cache file is made at all.
        var cache: LookupCache?
        if wantsNetwork && resolver != nil && options.useCache {
            let directory = options.cacheDirectory ?? EnrichmentPaths.cacheDirectory()
            let opened = LookupCache.openRecovering(directory: directory)
            cache = opened.cache
            if let warning = opened.warning { warnings.append(warning) }
        }
        // Assigned last and together: once every stored property is set, the actor's state is isolated.
        self.geoDatabase = geoDatabase
        self.asnDatabase = asnDatabase
        self.resolver = resolver
        self.cache = cache
        self.warnings = warnings
    }

    private static func openDatabase(at path: String, what: String, warnings: inout [String]) -> MaxMindDatabase? {
        if let database = OpenDatabases.database(at: path) { return database }
        guard FileManager.default.fileExists(atPath: path) else {
            var place = "at \(path)"
            var hint = ""
            if what == "GeoIP" {
                let candidates = EnrichmentPaths.geoDatabaseCandidates(explicit: nil)
                if candidates.count > 1 && candidates.contains(where: { $0.path == path }) {
                    place = "in " + candidates.map(\.path).joined(separator: ", ")
                }
                hint = " (scripts/install.sh or scripts/install-geoip.sh installs one, or give --geoip-mmdb)"
            }
            warnings.append("no \(what) database \(place)\(hint); no \(what == "GeoIP" ? "locations" : "AS numbers") from it")
            return nil
        }
        do {
            return try MaxMindDatabase(path: path)
        } catch {
            warnings.append("cannot read \(what) database \(path): \(error.message); "
                            + "no \(what == "GeoIP" ? "locations" : "AS numbers") from it")
            return nil
        }
    }

    // MARK: Asking

    /// What is known about `address` now. Never waits: missing lookups start in the background.
    public func info(for address: IPAddress) -> HostInfo {
        var record = hosts[address] ?? makeRecord(address)
        startLookups(address, &record)
        hosts[address] = record
        return present(record)
    }

    /// `info(for:)` with the location's plausibility judged against the hop's RTT (milliseconds) and the source
    /// location, when both are known.
    public func info(for address: IPAddress, rtt: Double?) -> HostInfo {
        var info = info(for: address)
        info.confidence = GeoPlausibility.confidence(source: sourceLocation, location: info.location, rtt: rtt)
        return info
    }

    /// Where the probes start, for `info(for:rtt:)`.
    public func setSourceLocation(_ location: GeoLocation?) {
        sourceLocation = location
    }

    /// Starts the lookups of every address and waits until they end or `timeout` passes, whichever comes first;
    /// lookups still running then go on in the background.
    public func resolve(_ addresses: [IPAddress], timeout: Duration) async -> [IPAddress: HostInfo] {
        for address in addresses { _ = info(for: address) }
        let keys = Set(addresses.flatMap { [JobKey(kind: .reverseDNS, address: $0), JobKey(kind: .asn, address: $0)] })
            .intersection(running)
        if !keys.isEmpty {
            let id = nextWaiterID
            nextWaiterID += 1
            await withCheckedContinuation { continuation in
                waiters[id] = Waiter(remaining: keys, continuation: continuation)
                waiters[id]?.timer = Task {
                    try? await Task.sleep(for: timeout)
                    self.release(waiter: id)
                }
            }
        }
        var result: [IPAddress: HostInfo] = [:]
        for address in addresses {
            if let record = hosts[address] { result[address] = present(record) }
        }
        return result
    }

    private func present(_ record: HostRecord) -> HostInfo {
        let info = HostInfo(hostname: record.hostname, asn: record.asn, location: record.location,
                            addressClass: record.addressClass)
        return redactor?.redact(info) ?? info
    }

    private func warn(_ message: String) {
        if !warnings.contains(message) { warnings.append(message) }
    }

    // MARK: Local databases

    private func makeRecord(_ address: IPAddress) -> HostRecord {
        var record = HostRecord(addressClass: AddressClassifier.classify(address))
        guard mayLookUp(record.addressClass) else { return record }
        if let geoDatabase {
            do {
                record.location = try geoDatabase.location(for: address)
            } catch {
                warn("GeoIP database \(geoDatabase.database.path) is damaged (\(error.message)); some locations "
                     + "are missing")
            }
        }
        if let asnDatabase {
            do {
                record.asn = try asnDatabase.asn(for: address)
            } catch {
                warn("ASN database \(asnDatabase.database.path) is damaged (\(error.message)); some AS numbers "
                     + "are missing")
            }
        }
        return record
    }

    private func mayLookUp(_ addressClass: AddressClass) -> Bool {
        addressClass.isGlobal || options.lookupSpecialAddresses
    }

    private func mayAskResolver(about addressClass: AddressClass) -> Bool {
        if mayLookUp(addressClass) { return true }
        let local: Set<AddressClass> = [.privateUse, .cgnat, .uniqueLocal, .linkLocal]
        guard local.contains(addressClass), let resolver else { return false }
        return !AddressClassifier.classify(resolver.address).isGlobal
    }

    // MARK: Network lookups

    private func startLookups(_ address: IPAddress, _ record: inout HostRecord) {
        guard options.networkLookups, resolver != nil, !dnsUnavailable else { return }
        if options.reverseDNS, mayAskResolver(about: record.addressClass), record.reverseDNS.isDue {
            record.reverseDNS = .running
            let key = JobKey(kind: .reverseDNS, address: address)
            running.insert(key)
            Task { await self.runReverseDNS(address, key: key) }
        }
        let cymru = options.asnSource == .teamCymru || (options.asnSource == .automatic && asnDatabase == nil)
        if cymru, record.asn == nil, mayLookUp(record.addressClass), record.origin.isDue {
            record.origin = .running
            let key = JobKey(kind: .asn, address: address)
            running.insert(key)
            Task { await self.runOrigin(address, key: key) }
        }
    }

    private func runReverseDNS(_ address: IPAddress, key: JobKey) async {
        let outcome = await cachedOrQueried(.dns, key: address.description) {
            await self.query(ReverseName.pointer(for: address), type: .ptr).map { response in
                response.answers.lazy.compactMap { record -> String? in
                    if case .ptr(let name) = record.data { return name }
                    return nil
                }.first
            }
        }
        switch outcome {
        case .found(let hostname):
            hosts[address]?.hostname = hostname
            hosts[address]?.reverseDNS = .done
        case .failed:
            hosts[address]?.reverseDNS = .failed(retryAt: .now + Self.retryDelay)
        }
        finish(key)
    }

    private func runOrigin(_ address: IPAddress, key: JobKey) async {
        let outcome = await cachedOrQueried(.asn, key: address.description) {
            await self.query(TeamCymru.originName(for: address), type: .txt).map { response in
                TeamCymru.parseOrigin(Self.texts(of: response)).map { "\($0.number)|\($0.prefix ?? "")" }
            }
        }
        switch outcome {
        case .found(let value):
            if let value, let asn = Self.decodeOrigin(value) {
                var info = asn
                if case .found(let name) = await asName(asn.number) { info.organization = name }
                hosts[address]?.asn = info
            }
            hosts[address]?.origin = .done
        case .failed:
            hosts[address]?.origin = .failed(retryAt: .now + Self.retryDelay)
        }
        finish(key)
    }

    /// The AS name, fetched once per AS number however many addresses ask at the same time.
    private func asName(_ number: UInt32) async -> LookupOutcome {
        if let known = asNames[number] { return .found(known) }
        if let task = asNameTasks[number] { return await task.value }
        let task = Task {
            await self.cachedOrQueried(.asName, key: "AS\(number)") {
                await self.query(TeamCymru.asNameQuery(for: number), type: .txt).map {
                    TeamCymru.parseASName(Self.texts(of: $0))
                }
            }
        }
        asNameTasks[number] = task
        let outcome = await task.value
        asNameTasks[number] = nil
        if case .found(let name) = outcome { asNames[number] = name }
        return outcome
    }

    /// One TXT record's character-strings form one text (RFC 7208 §3.3 joins them the same way).
    private static func texts(of response: DNSMessage) -> [String] {
        response.answers.compactMap { record in
            if case .txt(let strings) = record.data { return strings.joined() }
            return nil
        }
    }

    private static func decodeOrigin(_ value: String) -> ASNInfo? {
        let parts = value.split(separator: "|", omittingEmptySubsequences: false)
        guard let first = parts.first, let number = UInt32(first) else { return nil }
        let prefix = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
        return ASNInfo(number: number, prefix: prefix)
    }

    /// The cached answer when there is a fresh one; otherwise asks the network and caches what it says.
    private func cachedOrQueried(_ kind: CacheKind, key: String,
                                 query: () async -> Result<String?, LookupFailure>) async -> LookupOutcome {
        if let cache {
            do {
                if case .hit(let value) = try await cache.lookup(kind, key: key) { return .found(value) }
            } catch {
                dropCache(error)
            }
        }
        switch await query() {
        case .success(let value):
            if let cache {
                do { try await cache.store(kind, key: key, value: value) } catch { dropCache(error) }
            }
            return .found(value)
        case .failure:
            return .failed
        }
    }

    private func dropCache(_ error: CacheError) {
        warn("cache \(cache?.path ?? "") failed (\(error.message)); going on without it")
        cache = nil
    }

    /// A query's response when it answers the question: NOERROR (with or without records) or NXDOMAIN.
    private func query(_ name: String, type: DNSRecordType) async -> Result<DNSMessage, LookupFailure> {
        guard let client = openClient() else { return .failure(.unavailable) }
        do {
            let response = try await client.query(name, type: type)
            switch response.responseCode {
            case .noError, .nameError: return .success(response)
            default: return .failure(.server)
            }
        } catch {
            switch error {
            case .timedOut:
                warn("DNS server \(client.resolver) did not answer within \(options.queryTimeout); "
                     + "some hostnames or AS numbers are missing")
            case .system(let failure):
                // The errno alone: a refused send and a refused receive are one problem to the user.
                warn("DNS server \(client.resolver): \(failure.code); "
                     + "some hostnames or AS numbers are missing")
            case .shutDown:
                break
            }
            return .failure(.server)
        }
    }

    private func openClient() -> DNSClient? {
        if let dnsClient { return dnsClient }
        guard !dnsUnavailable, let resolver else { return nil }
        do {
            let client = try DNSClient(resolver: resolver, timeout: options.queryTimeout,
                                       maxInFlight: options.maxConcurrentQueries)
            dnsClient = client
            return client
        } catch {
            warn("cannot reach DNS server \(resolver) (\(error)); no hostnames or AS numbers from DNS")
            dnsUnavailable = true
            return nil
        }
    }

    // MARK: Waiting

    private func finish(_ key: JobKey) {
        running.remove(key)
        for id in Array(waiters.keys) {
            waiters[id]?.remaining.remove(key)
            if waiters[id]?.remaining.isEmpty == true { release(waiter: id) }
        }
    }

    private func release(waiter id: Int) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume()
    }
}

/// What the enricher holds about one address.
private struct HostRecord {
    var addressClass: AddressClass
    var location: GeoLocation?
    var asn: ASNInfo?
    var hostname: String?
    var reverseDNS: LookupState = .idle
    var origin: LookupState = .idle
}

private enum LookupState {
    case idle, running, done
    case failed(retryAt: ContinuousClock.Instant)

    /// Whether a lookup should start now.
    var isDue: Bool {
        switch self {
        case .idle: true
        case .running, .done: false
        case .failed(let retryAt): retryAt <= .now
        }
    }
}

private enum LookupOutcome: Sendable {
    /// The lookup answered: a value, or nil for "there is none".
    case found(String?)
    case failed
}

private enum LookupFailure: Error {
    case unavailable, server
}

private struct JobKey: Hashable {
    enum Kind { case reverseDNS, asn }
    var kind: Kind
    var address: IPAddress
}

private struct Waiter {
    var remaining: Set<JobKey>
    var continuation: CheckedContinuation<Void, Never>
    var timer: Task<Void, Never>?
}
