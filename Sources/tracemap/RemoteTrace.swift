import ArgumentParser
import Synchronization
import Foundation
import TracemapCLI
import TracemapEnrich
import TracemapImport
import TracemapModel
import TracemapRemote
import TracemapReport
import TracemapStats

/// The `trace` options that run the trace on a remote engine instead of from this machine.
struct RemoteArguments: ParsableArguments {
    @Option(name: .customLong("from"),
            help: ArgumentHelp("Trace from Globalping probes at these locations (comma-separated): a city, country, continent, region, ASN (AS3320), cloud region or tag; + combines (Berlin+AS3320).",
                               valueName: "LOC[,LOC…]"))
    var from: String?

    @Option(name: .customLong("limit"), help: "Globalping probes per --from location (1–200; anonymous use: 50 in all).")
    var limit: Int?

    @Option(name: .customLong("atlas"),
            help: ArgumentHelp("Trace with a one-off RIPE Atlas measurement from these probes: country:CC[:N], asn:N[:N], area:WW[:N], prefix:P[:N], probes:ID,… (repeatable; needs RIPE_ATLAS_KEY).",
                               valueName: "SPEC"))
    var atlas: [String] = []

    @Flag(name: .customLong("cloudflare"),
          help: "Trace from Cloudflare colos (Magic Transit diagnostics; needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID). Colos: a leading FRA,SIN argument or --colos; default every colo.")
    var cloudflare = false

    @Option(name: .customLong("colos"), help: ArgumentHelp("Cloudflare colos, comma-separated.", valueName: "COLO,…"))
    var colos: String?

    @Option(name: .customLong("packet-type"), help: "Cloudflare packet type: icmp, tcp, udp, gre or gre+icmp (default: from -P).")
    var packetType: String?

    @Option(name: .customLong("wait"),
            help: "Longest wait for remote results, in seconds (default: Globalping 45, RIPE Atlas 300; one-offs take a minute or two).")
    var wait: Int?

    /// Whether any remote engine was asked for.
    var isRequested: Bool { from != nil || !atlas.isEmpty || cloudflare }

    mutating func validate() throws {
        let engines = [from != nil, !atlas.isEmpty, cloudflare].filter { $0 }.count
        if engines > 1 { throw ValidationError("choose one of --from, --atlas, --cloudflare") }
        if limit != nil && from == nil { throw ValidationError("--limit goes with --from") }
        if let limit, !(1...200).contains(limit) { throw ValidationError("--limit must be 1…200") }
        if (colos != nil || packetType != nil) && !cloudflare {
            throw ValidationError("--colos and --packet-type go with --cloudflare")
        }
        if let from, from.split(separator: ",").allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--from needs at least one location")
        }
        if let wait, !(1...3600).contains(wait) { throw ValidationError("--wait must be 1…3600 seconds") }
    }
}

/// `trace --from / --atlas / --cloudflare`: the same trace from remote vantage points. Results are read by the
/// importers (TracemapImport) and shown with the usual tables, one per vantage point, then a comparison.
struct RemoteTrace {
    var remote: RemoteArguments
    var probe: ProbeArguments
    var queries: Int
    var hosts: [String]
    var fields: String
    var json: Bool
    /// --csv or --raw: per-probe formats a remote engine cannot fill.
    var otherFormat: Bool
    /// -w FILE: also save every trace as the --json documents.
    var write: String?
    var enrichment: EnrichmentArguments

    func run() async throws {
        if otherFormat {
            throw CommandFailure(message: "--csv and --raw are for local traces; use --json with remote engines",
                                 status: .usage)
        }
        let settings = RemoteSettings(environment: ProcessInfo.processInfo.environment)
        let session = RemoteSession(settings: settings)
        let traces: [ImportedTrace]
        let notices: [String]
        do {
            traces = try await collect(session)
            notices = session.notices
        } catch {
            throw CommandFailure(message: error.redacted(settings.secrets).description, status: error.exitStatus)
        }
        let report = RemoteReport(traces: traces, fields: fields, json: json, noReverseDNS: probe.noReverseDNS,
                                  enrichment: enrichment, notices: notices)
        let output = await report.render()
        if let write {
            // The file a -w writes holds what --json prints, and, like it, never a secret an engine echoed.
            let data = try TracemapJSON.encoder(pretty: true).encode(await report.documents())
            let text = settings.secrets.scrub(String(decoding: data, as: UTF8.self)) + "\n"
            try writeFile(write, Array(text.utf8))
        }
        Output.write(settings.secrets.scrub(output))
        // A vantage point that failed did not reach; one whose target address is unknown is not counted against.
        if traces.contains(where: { $0.document.hops.isEmpty
            || (!$0.document.reached && RemoteReport.targetKnown($0.document.meta)) }) {
            throw ExitCode(ExitStatus.destinationNotReached.rawValue)
        }
    }

    private var protocolName: String {
        (probe.tcp ? .tcp : probe.udp ? .udp : probe.protocolKind ?? .icmp).rawValue.uppercased()
    }

    private func collect(_ session: RemoteSession) async throws(RemoteError) -> [ImportedTrace] {
        if let from = remote.from {
            return try await globalping(session, locations: from.split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        if !remote.atlas.isEmpty { return try await atlas(session) }
        return try await cloudflare(session)
    }

    private func globalping(_ session: RemoteSession, locations: [String]) async throws(RemoteError) -> [ImportedTrace] {
        try RemoteSettings.validate(session.settings.globalpingURL, name: "TRACEMAP_GLOBALPING_URL")
        var client = GlobalpingClient(http: session.http, baseURL: session.settings.globalpingURL,
                                      token: session.settings.globalpingToken)
        if let ms = session.settings.pollIntervalMs { client.pollInterval = .milliseconds(max(ms, 0)) }
        if let wait = remote.wait { client.maximumWait = .seconds(wait) }
        var traces: [ImportedTrace] = []
        var firstMeasurement: String?
        for host in hosts {
            var request = GlobalpingRequest(locations: locations, limitPerLocation: remote.limit ?? 1, target: host,
                                            protocolName: protocolName, port: probe.port,
                                            ipVersion: probe.ipv4 ? 4 : probe.ipv6 ? 6 : nil, packets: queries)
            // Later targets run on exactly the probes of the first measurement, so rows compare like with like.
            request.reuseProbesOf = firstMeasurement
            let measurement = try await client.run(request, progress: session.progress)
            firstMeasurement = firstMeasurement ?? measurement.id
            var parsed = try session.parse(measurement.body, format: .globalping, engine: .globalping,
                                           name: "Globalping measurement \(measurement.id)")
            // A failed probe's own words are in its rawOutput; the importer keeps only the status.
            let results = GlobalpingClient.failureOutputs(measurement.body)
            if results.count == parsed.count {
                for (index, output) in results.enumerated() where !output.isEmpty && parsed[index].document.hops.isEmpty {
                    parsed[index].notes.append(output)
                }
            }
            traces += parsed
        }
        return traces
    }

    private func atlas(_ session: RemoteSession) async throws(RemoteError) -> [ImportedTrace] {
        try RemoteSettings.validate(session.settings.atlasURL, name: "TRACEMAP_ATLAS_URL")
        let specs = try remote.atlas.map { spec throws(RemoteError) in try AtlasProbeSpec(parsing: spec) }
        var client = AtlasClient(http: session.http, baseURL: session.settings.atlasURL, key: session.settings.atlasKey)
        if let ms = session.settings.pollIntervalMs { client.pollInterval = .milliseconds(max(ms, 0)) }
        if let wait = remote.wait { client.maximumWait = .seconds(wait) }
        var traces: [ImportedTrace] = []
        for host in hosts {
            var request = AtlasTracerouteRequest(target: host, probes: specs)
            request.addressFamily = probe.ipv6 || host.contains(":") ? 6 : 4
            request.protocolName = protocolName
            request.packets = queries
            request.maxHops = probe.maxHops
            request.firstHop = probe.first
            request.port = probe.port
            let results = try await client.run(request, progress: session.progress)
            traces += try session.atlasTraces(results)
            if let scheduled = results.probesScheduled, results.resultCount < scheduled {
                session.notice("RIPE Atlas measurement \(results.measurementID): \(results.resultCount) of \(scheduled) "
                               + "scheduled probes sent a result (the others were offline or did not finish)")
            }
        }
        return traces
    }

    private func cloudflare(_ session: RemoteSession) async throws(RemoteError) -> [ImportedTrace] {
        try RemoteSettings.validate(session.settings.cloudflareURL, name: "TRACEMAP_CLOUDFLARE_URL")
        var targets = hosts
        var colos = remote.colos.map(Self.coloList) ?? []
        // `--cloudflare FRA,SIN host…`: a leading list of three-letter codes names the colos.
        if colos.isEmpty, targets.count > 1, Self.looksLikeColos(targets[0]) {
            colos = Self.coloList(targets.removeFirst())
        }
        var request = CloudflareRequest(targets: targets, colos: colos)
        request.packetType = remote.packetType?.lowercased() ?? protocolName.lowercased()
        request.packetsPerTTL = queries
        request.maxTTL = probe.maxHops
        request.waitTime = max(1, min(5, Int((probe.timeout / 1000).rounded(.up))))
        request.port = probe.port
        let client = CloudflareClient(http: session.http, baseURL: session.settings.cloudflareURL,
                                      token: session.settings.cloudflareToken,
                                      account: session.settings.cloudflareAccount)
        let result = try await client.run(request)
        var traces = try session.parse(result.body, format: .cloudflare, engine: .cloudflare,
                                       name: "Cloudflare traceroute")
        // The answer does not repeat the packet type; the request knows it.
        let kind: ProbeProtocol? = request.packetType == "tcp" ? .tcp : request.packetType == "udp" ? .udp : nil
        if let kind {
            for index in traces.indices { traces[index].document.meta.protocolKind = kind }
        }
        return traces
    }

    static func looksLikeColos(_ text: String) -> Bool {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { $0.count == 3 && $0.allSatisfy { $0.isASCII && $0.isLetter } }
    }

    static func coloList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
    }
}

/// What every remote command shares: settings, the HTTP client, progress lines on stderr, the importers.
final class RemoteSession: Sendable {
    let settings: RemoteSettings
    let http: RemoteHTTP
    private let noticeList = Mutex<[String]>([])

    /// Something the user should know about the results, printed after the comparison.
    func notice(_ text: String) { noticeList.withLock { $0.append(text) } }
    var notices: [String] { noticeList.withLock { $0 } }

    init(settings: RemoteSettings) {
        self.settings = settings
        let secrets = settings.secrets
        var log: (@Sendable (String) -> Void)?
        if settings.debugHTTP {
            log = { line in Output.error("http: \(secrets.scrub(line))") }
        }
        http = RemoteHTTP(secrets: secrets, log: log)
    }


    /// Progress on stderr, only for a person watching (stdout stays the result).
    var progress: @Sendable (String) -> Void {
        let interactive = isatty(STDERR_FILENO) == 1
        let secrets = settings.secrets
        return { line in
            if interactive { Output.error(secrets.scrub(line)) }
        }
    }

    /// An engine's answer through the importer of its format.
    func parse(_ body: [UInt8], format: ImportFormat, engine: RemoteEngine,
               name: String) throws(RemoteError) -> [ImportedTrace] {
        do {
            return try TraceImporter.parse(Data(body), format: format, name: name).traces
        } catch {
            throw RemoteError.malformed(engine: engine, detail: error.description)
        }
    }

    /// Atlas results, with each probe's place and network from the probe archive (results carry only its id).
    func atlasTraces(_ results: AtlasResults) throws(RemoteError) -> [ImportedTrace] {
        var traces = try parse(results.body, format: .atlas, engine: .atlas,
                               name: "RIPE Atlas measurement \(results.measurementID)")
        for index in traces.indices {
            guard var vantage = traces[index].document.meta.vantage,
                  let id = vantage.id.flatMap({ Int($0.filter(\.isNumber)) }), let probe = results.probes[id] else {
                continue
            }
            vantage.country = vantage.country ?? probe.country
            let family = traces[index].document.meta.target.address.family
            vantage.asn = vantage.asn ?? (family == .v6 ? probe.asnV6 : probe.asnV4)
            vantage.latitude = vantage.latitude ?? probe.latitude
            vantage.longitude = vantage.longitude ?? probe.longitude
            traces[index].document.meta.vantage = vantage
        }
        return traces
    }
}
