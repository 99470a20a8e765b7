import ArgumentParser
import Foundation
import TracemapEnrich
import TracemapModel
import TracemapMonitor
import TracemapProbe
import TracemapSim

/// In-process measurements behind bench/enrich-bench.sh, bench/monitor-memory.sh and bench/tui-bench.sh: the
/// figures only mean something next to the scripts' reference tools and notes (bench/RESULTS.md).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time tracemap's own code paths (benchmarks; see bench/).",
        subcommands: [GeoIP.self, MonitorRounds.self, Render.self])

    // MARK: geoip

    struct GeoIP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "geoip",
            abstract: "GeoIP lookups per second through the Enricher, over distinct addresses.",
            discussion: """
                Every address is new to the enricher, so each one is a real database lookup (the enricher \
                remembers what it looked up). Random IPv4 addresses, the kind `mmdblookup --benchmark` draws, are \
                looked up inside the enricher's actor, with one await each, and in batches of 1000 per enricher; \
                then addresses in the documentation ranges, which tracemap's test databases hold. Special \
                addresses are looked up like global ones (as with --lab).
                """)

        @Option(help: ArgumentHelp("GeoIP City database (.mmdb).", valueName: "file"))
        var mmdb: String

        @Option(help: "Distinct addresses per set.")
        var count = 200_000

        mutating func validate() throws {
            if !(1...5_000_000).contains(count) { throw ValidationError("--count must be 1…5000000") }
        }

        func run() async throws {
            let size = (try? FileManager.default.attributesOfItem(atPath: mmdb)[.size] as? Int) ?? 0
            print("GeoIP database \(mmdb) (\(size) bytes); Enricher.info(for:) on \(count) distinct addresses per line")
            let random = Self.randomV4(count, salt: 0x2545_F491)
            let others = Self.randomV4(count, salt: 0x9E37_79B9)
            let documentation = Self.documentation(count)

            let inside = try await Self.enricher(mmdb)
            let (randomTime, randomFound) = await Self.timed { await inside.lookUpAll(random) }
            report("random IPv4, inside the enricher's actor", randomTime, randomFound)

            // A view asks for one hop at a time from its own actor: every lookup is an actor hop there and back.
            let outside = try await Self.enricher(mmdb)
            let (awaitTime, awaitFound) = await Self.timed {
                var found = 0
                for address in others {
                    if await outside.info(for: address).location != nil { found += 1 }
                }
                return found
            }
            report("random IPv4, one await per address", awaitTime, awaitFound)

            // A trace or a screen meets tens to hundreds of addresses, not N: the same lookups with the enricher's
            // memory of looked-up addresses kept small, so its growth to N entries is not counted.
            var batchedTime = Duration.zero
            var batchedFound = 0
            for start in stride(from: 0, to: count, by: 1_000) {
                let batch = Array(random[start..<min(count, start + 1_000)])
                let fresh = try await Self.enricher(mmdb)
                let (elapsed, found) = await Self.timed { await fresh.lookUpAll(batch) }
                batchedTime += elapsed
                batchedFound += found
            }
            report("random IPv4, a new enricher every 1000 addresses", batchedTime, batchedFound)

            let documented = try await Self.enricher(mmdb)
            let (documentationTime, documentationFound) = await Self.timed { await documented.lookUpAll(documentation) }
            report("documentation ranges, inside the enricher's actor", documentationTime, documentationFound)
        }

        private func report(_ label: String, _ elapsed: Duration, _ found: Int) {
            let seconds = elapsed.inSeconds
            let rate = Double(count) / max(seconds, 1e-9)
            let share = Double(found) / Double(count) * 100
            print(label.padding(toLength: 50, withPad: " ", startingAt: 0)
                  + "  \(String(format: "%.3f", seconds)) s  \(String(format: "%10.0f", rate)) lookups/s"
                  + "  found \(String(format: "%5.1f", share))%")
        }

        /// An enricher that only reads the GeoIP database: no DNS, no ASN, every address class looked up.
        private static func enricher(_ path: String) async throws -> Enricher {
            var options = EnrichmentOptions(profile: .offline, overrides: EnrichmentOverrides(asnSource: .off))
            options.geoDatabasePath = path
            options.lookupSpecialAddresses = true
            let enricher = Enricher(options: options)
            if let warning = await enricher.warnings.first {
                throw CommandFailure(message: warning, status: .badInput)
            }
            return enricher
        }

        private static func timed(_ body: () async -> Int) async -> (Duration, Int) {
            let clock = ContinuousClock()
            let start = clock.now
            let found = await body()
            return (clock.now - start, found)
        }

        /// `count` distinct IPv4 addresses spread over the whole space: multiplying by an odd number is a
        /// bijection modulo 2³², so no address repeats (a repeat would be answered from the enricher's memory).
        static func randomV4(_ count: Int, salt: UInt32) -> [IPAddress] {
            (0..<count).map { IPAddress(v4: UInt32(truncatingIfNeeded: $0) &* 0x9E37_79B1 &+ salt) }
        }

        /// The 768 addresses of 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 (RFC 5737), then distinct
        /// addresses in 2001:db8::/32 (RFC 3849).
        static func documentation(_ count: Int) -> [IPAddress] {
            let networks: [UInt32] = [0xC000_0200, 0xC633_6400, 0xCB00_7100]
            var addresses = networks.flatMap { network in (0..<256).map { IPAddress(v4: network | UInt32($0)) } }
            var index: UInt64 = 0
            while addresses.count < count {
                index += 1
                let tail = withUnsafeBytes(of: index.bigEndian) { Array($0) }
                if let address = IPAddress(bytes: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0] + tail) { addresses.append(address) }
            }
            return Array(addresses.prefix(count))
        }
    }

    // MARK: monitor

    struct MonitorRounds: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "monitor",
            abstract: "Run the real Monitor on a synthetic path as fast as it goes; print RSS along the way.",
            discussion: """
                The path: 6 routers and the destination at TTL 7, RTT jitter ±0.3 ms, per-packet ECMP at TTL 4, \
                1% random probe loss and every 5000 rounds a loss episode of 8 rounds from TTL 5 on (loss, \
                destination-lost and recovery events). Interval zero: the monitor's own floor of 1 ms between \
                round starts applies. RSS is /proc/self/status VmRSS.
                """)

        @Option(help: "Rounds to run.")
        var rounds = 100_000

        @Option(name: .customLong("report-every"), help: "Print RSS every this many rounds.")
        var reportEvery = 10_000

        mutating func validate() throws {
            if !(1...10_000_000).contains(rounds) { throw ValidationError("--rounds must be 1…10000000") }
            if reportEvery < 1 { throw ValidationError("--report-every must be at least 1") }
        }

        func run() async throws {
            var options = MonitorOptions()
            options.interval = .zero
            options.rounds = rounds
            let monitor = Monitor(prober: SyntheticPath(), options: options)
            let output = ProgressOutput()
            output.line("synthetic 7-hop path (jitter ±0.3 ms, ECMP at TTL 4, 1% loss, a loss episode every 5000 "
                        + "rounds), \(rounds) rounds, interval 0 (the monitor's 1 ms floor)")
            let before = ResourceUse.now()
            output.line(Self.rssLine("before", before.rssKiB))

            let every = reportEvery
            let events = await withTaskGroup(of: Int.self, returning: Int.self) { group in
                group.addTask {
                    await monitor.run()
                    return 0
                }
                group.addTask {
                    var count = 0
                    for await _ in monitor.events { count += 1 }
                    return count
                }
                // Snapshots keep only the newest, so a checkpoint prints at the first snapshot past it.
                group.addTask {
                    var next = every
                    for await snapshot in monitor.snapshots where snapshot.rounds >= next {
                        output.line(Self.rssLine("after \(snapshot.rounds) rounds", ResourceUse.now().rssKiB))
                        next = (snapshot.rounds / every + 1) * every
                    }
                    return 0
                }
                return await group.reduce(0, +)
            }
            let after = ResourceUse.now()
            let snapshot = await monitor.snapshot
            output.line(Self.rssLine("after (done, \(snapshot.rounds) rounds)", after.rssKiB))
            let seconds = after.wall - before.wall
            let cpu = after.cpuSeconds - before.cpuSeconds
            output.line("\(snapshot.rounds) rounds in \(String(format: "%.1f", seconds)) s: "
                        + "\(String(format: "%.0f", Double(snapshot.rounds) / max(seconds, 1e-9))) rounds/s, "
                        + "CPU \(String(format: "%.3f", cpu * 1000 / Double(max(snapshot.rounds, 1)))) ms/round; "
                        + "\(events) events (\(snapshot.totalAlerts) alerts), peak RSS (VmHWM) "
                        + String(format: "%.1f MiB", Double(after.hwmKiB) / 1024))
        }

        private static func rssLine(_ label: String, _ kib: Int) -> String {
            "RSS " + label.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%7.1f MiB", Double(kib) / 1024)
        }
    }
}

// MARK: render

extension BenchCommand {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "render",
            abstract: "Time full TUI frames of the pure render core (30 hops, map and alerts; no terminal).")

        @Argument(help: ArgumentHelp("Canvas size.", valueName: "WIDTHxHEIGHT"))
        var size = "200x60"

        func run() throws {
            let parts = size.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
                throw CommandFailure(message: "bench render takes WIDTHxHEIGHT, e.g. 200x60", status: .usage)
            }
            let result = RenderBenchmark.run(width: parts[0], height: parts[1])
            func ms(_ duration: Duration) -> String { String(format: "%.2f ms", duration.inSeconds * 1000) }
            print("render \(parts[0])x\(parts[1]), 30 hops, map and alerts: mean \(ms(result.mean)), "
                  + "best \(ms(result.best)) over \(result.frames) frames")
        }
    }
}

// MARK: - Support

extension Enricher {
    /// Looks every address up without leaving the actor, as `resolve(_:timeout:)` does for a trace; returns how
    /// many got a location.
    func lookUpAll(_ addresses: [IPAddress]) -> Int {
        var found = 0
        for address in addresses where info(for: address).location != nil { found += 1 }
        return found
    }
}

/// A path answered from arithmetic instead of sockets: every outcome is a pure function of (round, TTL), so the
/// prober holds no state and the monitor is the only thing that can grow.
struct SyntheticPath: PathProber {
    let target = TraceTarget(name: "203.0.113.10", address: IPAddress(v4: 0xCB00_710A))
    let method = ProbeMethod.raw
    let source: IPAddress? = IPAddress(v4: 0xC000_0201)
    let options = ProbeOptions()

    /// Responders and delays (ms) of TTL 1…6, as bench/watch-bench.sh's path; TTL 4 balances per packet.
    private static let routers: [(responders: [IPAddress], delay: Double)] = [
        ([IPAddress(v4: 0xC633_6401)], 1), ([IPAddress(v4: 0xC633_6402)], 5), ([IPAddress(v4: 0xC633_6403)], 11),
        ([IPAddress(v4: 0xC633_6429), IPAddress(v4: 0xC633_642A)], 16),
        ([IPAddress(v4: 0xC633_6433)], 24), ([IPAddress(v4: 0xC633_643D)], 31),
    ]
    private static let destinationDelay = 45.0

    func trace(round index: Int, plan: RoundPlan) async -> Round {
        let start = Date()
        // Eight rounds of every 5000 lose everything from TTL 5 on: past the loss rule and the destination-lost rule.
        let episode = (2_500..<2_508).contains(index % 5_000)
        var probes: [ProbeRecord] = []
        var sequence = UInt16(truncatingIfNeeded: index &* 64)
        for ttl in plan.ttls {
            for flow in 0..<plan.flows {
                for query in 0..<plan.queries {
                    var random = SplitMix64(index, ttl, flow, query)
                    sequence &+= 1
                    let lost = (episode && ttl >= 5) || random.unit() < 0.01
                    let outcome: ProbeOutcome
                    if lost {
                        outcome = .timeout
                    } else if ttl <= Self.routers.count {
                        let router = Self.routers[ttl - 1]
                        let responder = router.responders[Int(random.next() % UInt64(router.responders.count))]
                        outcome = .reply(ProbeReply(responder: responder, rtt: Self.jittered(router.delay, &random),
                                                    kind: .timeExceeded))
                    } else {
                        outcome = .reply(ProbeReply(responder: target.address,
                                                    rtt: Self.jittered(Self.destinationDelay, &random), kind: .echoReply))
                    }
                    probes.append(ProbeRecord(ttl: ttl, flow: flow, sequence: sequence, sentAt: start, outcome: outcome))
                }
            }
        }
        let duration = (Self.destinationDelay + plan.graceAfterDestination.inSeconds * 1000) / 1000
        return Round(index: index, startedAt: start, endedAt: start.addingTimeInterval(duration), probes: probes)
    }

    private static func jittered(_ delay: Double, _ random: inout SplitMix64) -> Double {
        delay + (random.unit() - 0.5) * 0.6
    }
}

extension SplitMix64 {
    /// Seeded from a probe's coordinates, so a round is reproducible.
    init(_ parts: Int...) {
        self.init(seed: parts.reduce(0x6A09_E667_F3BC_C909) { $0 &* 0x100_0000_01B3 ^ UInt64(bitPattern: Int64($1)) })
    }
}

/// The process's memory (`/proc/self/status`) and CPU time (`getrusage`) at one instant.
private struct ResourceUse {
    var rssKiB: Int
    var hwmKiB: Int
    var cpuSeconds: Double
    var wall: Double

    static func now() -> ResourceUse {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func kib(_ key: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") }
            // "VmRSS:\t  12345 kB"
            let fields = line?.split(whereSeparator: { $0 == " " || $0 == "\t" }) ?? []
            return fields.count > 1 ? Int(fields[1]) ?? 0 : 0
        }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return ResourceUse(rssKiB: kib("VmRSS"), hwmKiB: kib("VmHWM"), cpuSeconds: cpu,
                           wall: Date().timeIntervalSinceReferenceDate)
    }
}

/// Progress lines written whole as they happen, from any task (stdout to a pipe is otherwise block-buffered).
private struct ProgressOutput: Sendable {
    func line(_ text: String) {
        print(text)
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    fileprivate var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
