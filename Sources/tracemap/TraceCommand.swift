import TracemapCLI
import ArgumentParser
import Foundation
import TracemapEnrich
import TracemapModel
import TracemapProbe
import TracemapReport
import TracemapStats

struct TraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Trace the path to one or more hosts once and print it.",
        discussion: """
            TTLs are probed in parallel; the trace ends as soon as every TTL up to the destination has answered \
            or is known silent: a TTL whose deeper neighbours answered is given up after max(200 ms, 3 x the \
            slowest reply) + 20 ms, or --timeout. Any number of hosts (and --targets FILE) are traced at once. \
            Exit status: 0 every destination reached, \
            1 some destination not reached, 3 unknown host, 4 no permission, 5 no route, 64 bad option.
            """)

    @OptionGroup var probe: ProbeArguments

    @OptionGroup var enrichment: EnrichmentArguments

    @OptionGroup(title: "Remote vantage points (need internet access)") var remote: RemoteArguments

    @OptionGroup var queries: QueryArguments

    @Option(name: [.customShort("i"), .customLong("ttl-time")], parsing: .unconditional,
            help: "Milliseconds between the first probes of two TTLs.")
    var ttlTime: Double = 0

    @Flag(help: "Print the trace as JSON (schema in README).")
    var json = false

    @Flag(help: "Print CSV: a row per responder.")
    var csv = false

    @Flag(help: "Print one line per probe event.")
    var raw = false

    @Flag(name: .customLong("route-path"), help: "Also print the path as ASN blocks with locations.")
    var routePath = false

    @Option(name: [.customShort("w"), .customLong("write")],
            help: "Also save the trace as JSON (the --json document) to this file, for stats, diff and replay.")
    var write: String?

    @OptionGroup var targets: TargetArguments

    mutating func validate() throws {
        if [json, csv, raw].filter({ $0 }).count > 1 { throw ValidationError("choose one of --json, --csv, --raw") }
        try OptionCheck.number(ttlTime, "--ttl-time", 0...60_000, unit: "ms")
    }

    func run() async throws {
        if remote.isRequested {
            return try await RemoteTrace(remote: remote, probe: probe, queries: queries.queries ?? 3,
                                         hosts: try targets.all(), fields: queries.fields, json: json, otherFormat: csv || raw, write: write,
                                         enrichment: enrichment).run()
        }
        var options = probe.probeOptions
        queries.apply(to: &options, defaultQueries: 3)
        options.ttlInterval = ttlTime
        try enrichment.checkDatabases()
        let hosts = try targets.all()
        let probers = try openProbers(hosts, arguments: probe, options: options)
        let plan = RoundPlan(ttls: options.firstTTL...options.maxHops, queries: options.queries,
                             flows: options.flows, giveUpSilentEarly: true)
        let results = await withTaskGroup(of: (Int, Round, Date).self) { group in
            for (index, prober) in probers.enumerated() {
                group.addTask {
                    let started = Date()
                    return (index, await prober.trace(round: 0, plan: plan), started)
                }
            }
            var results: [(Int, Round, Date)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }
        }
        var documents: [TraceDocument] = []
        var output = ""
        let columns = HopField.columns(queries.fields) ?? []
        let enricher = enrichment.makeEnricher(noReverseDNS: probe.noReverseDNS)
        let responders = Array(Set(results.flatMap { $0.1.probes.compactMap { $0.reply?.responder } }))
        // Lookups start only now, after the probes: they can never delay one. A slow resolver costs at most this.
        let info = await enricher.resolve(responders, timeout: .milliseconds(1500))
        for warning in await enricher.warnings {
            Output.error("warning: \(Escaping.terminal(warning))")
        }
        for (index, finished, started) in results {
            let prober = probers[index]
            // Replies that came after their probe was given up, while other targets were still being traced.
            var round = finished
            round.late = prober.takeLateReplies()
            var statistics = PathStatistics(windowRounds: 1)
            statistics.record(round)
            let meta = TraceMeta(target: prober.target, source: prober.source, method: prober.method,
                                 options: options, startedAt: started, endedAt: round.endedAt)
            var naming = TraceRenderer.Naming(showNames: !probe.noReverseDNS, info: info,
                                              origin: enrichment.origin?.location)
            if let redactor = enricher.redactor {
                // Tokens replace addresses and names before the layout, so columns stay aligned.
                naming.addressText = { redactor.token(for: $0) }
                naming.nameText = { name in IPAddress(name).map { redactor.token(for: $0) } ?? redactor.token(for: name) }
            }
            if write != nil, !json {
                documents.append(TraceDocument(meta: meta, statistics: statistics, probes: round.probes, info: info,
                                               origin: enrichment.origin?.location))
            }
            if json {
                documents.append(TraceDocument(meta: meta, statistics: statistics, probes: round.probes, info: info,
                                               origin: enrichment.origin?.location))
            } else if csv {
                let text = TraceRenderer.csv(meta: meta, statistics: statistics, columns: columns, naming: naming)
                output += index == 0 ? text : String(text.drop { $0 != "\n" }.dropFirst())
            } else if raw {
                output += TraceRenderer.raw(target: prober.target, probes: round.probes, meta: meta, naming: naming)
            } else {
                output += (index > 0 ? "\n" : "")
                    + TraceRenderer.table(meta: meta, statistics: statistics, columns: columns, naming: naming)
                if routePath {
                    let hops = statistics.orderedHops.map { hop in
                        RouteHop(ttl: hop.ttl, address: hop.lastResponder, info: hop.lastResponder.flatMap { info[$0] })
                    }
                    output += "route path:\n"
                        + RoutePath(hops: hops).lines.map { "  " + Escaping.terminal($0, limit: 400) }.joined(separator: "\n") + "\n"
                }
            }
        }
        if json {
            let encoder = TracemapJSON.encoder(pretty: true)
            let data = documents.count == 1 ? try encoder.encode(documents[0]) : try encoder.encode(documents)
            output = Escaping.json(String(decoding: data, as: UTF8.self)) + "\n"
        }
        if json, let redactor = enricher.redactor {
            let addresses = Set(responders + probers.map(\.target.address) + probers.compactMap(\.source))
            output = redactor.redactText(output, addresses: Array(addresses),
                                         names: hosts + info.values.compactMap(\.hostname))
        }
        Output.write(output)
        if let write {
            try saveTrace(documents, to: write, redactor: enricher.redactor,
                          addresses: responders + probers.map(\.target.address) + probers.compactMap(\.source),
                          names: hosts + info.values.compactMap(\.hostname))
        }
        if results.contains(where: { $0.1.destinationTTL == nil }) {
            throw ExitCode(ExitStatus.destinationNotReached.rawValue)
        }
    }
}
