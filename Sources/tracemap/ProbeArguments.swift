import ArgumentParser
import Foundation
import TracemapStats
import TracemapModel
import TracemapNet
import TracemapProbe
import TracemapReport

/// The probe options every probing command shares (`trace`, `watch`, `tui`); names follow NextTrace and mtr.
struct ProbeArguments: ParsableArguments {
    @Flag(name: .customShort("4"), help: "Use IPv4 only.")
    var ipv4 = false

    @Flag(name: .customShort("6"), help: "Use IPv6 only.")
    var ipv6 = false

    @Option(name: [.customShort("P"), .customLong("protocol")], help: "Probe protocol: icmp, udp or tcp.")
    var protocolKind: ProbeProtocol?

    @Flag(name: [.customShort("T"), .customLong("tcp")], help: "Same as -P tcp.")
    var tcp = false

    @Flag(name: [.customShort("U"), .customLong("udp")], help: "Same as -P udp.")
    var udp = false

    @Option(name: [.customShort("p"), .customLong("port")], parsing: .unconditional, help: "Destination port (UDP default 33434, TCP 80).")
    var port: Int?

    @Option(name: [.customShort("f"), .customLong("first")], parsing: .unconditional, help: "First TTL.")
    var first = 1

    @Option(name: [.customShort("m"), .customLong("max-hops")], parsing: .unconditional, help: "Largest TTL probed.")
    var maxHops = 30

    @Option(name: .customLong("psize"), parsing: .unconditional, help: "Size of each probe's IP packet in bytes.")
    var packetSize: Int?

    @Option(name: .customLong("tos"), parsing: .unconditional, help: "IP TOS byte / IPv6 traffic class.")
    var tos = 0

    @Option(name: [.customShort("s"), .customLong("source")], help: "Source address.")
    var source: String?

    @Option(name: [.customShort("D"), .customLong("dev")], help: "Send through this network device.")
    var device: String?

    @Option(name: .customLong("timeout"), parsing: .unconditional, help: "Longest wait for one reply, in milliseconds.")
    var timeout: Double = 1000

    @Option(name: .customLong("flows"), parsing: .unconditional, help: "Distinct Paris flows per TTL (shows ECMP branches).")
    var flows = 1

    @Flag(name: [.customShort("n"), .customLong("no-rdns")], help: "Do not resolve hop names.")
    var noReverseDNS = false

    var family: IPAddress.Family? {
        ipv4 ? .v4 : ipv6 ? .v6 : nil
    }

    mutating func validate() throws {
        if ipv4 && ipv6 { throw ValidationError("-4 and -6 exclude each other") }
        if [tcp, udp, protocolKind != nil].filter({ $0 }).count > 1 {
            throw ValidationError("choose one protocol: -P, -T or -U")
        }
        if let source, IPAddress(source) == nil { throw ValidationError("--source is not an IP address: \(source)") }
        if let port { try OptionCheck.integer(port, "--port", 1...65535) }
        try OptionCheck.integer(first, "--first", 1...255)
        try OptionCheck.integer(maxHops, "--max-hops", first...255)
        if let packetSize { try OptionCheck.integer(packetSize, "--psize", 28...9000, unit: "bytes") }
        try OptionCheck.integer(tos, "--tos", 0...255)
        try OptionCheck.number(timeout, "--timeout", 1...60_000, unit: "ms")
        try OptionCheck.integer(flows, "--flows", 1...16)
    }

    /// Refuses a `--source` that is not an address of this machine (the header would claim it, the kernel would
    /// send from another): binding a UDP socket to it fails with EADDRNOTAVAIL.
    func checkSourceIsLocal() throws {
        guard let source, let address = IPAddress(source) else { return }
        if let problem = localAddressProblem(address) {
            throw CommandFailure(message: "--source \(source) \(problem)", status: .usage)
        }
    }

    /// The engine's option struct, before per-command settings (queries, pacing) are added.
    var probeOptions: ProbeOptions {
        var options = ProbeOptions()
        options.protocolKind = tcp ? .tcp : udp ? .udp : protocolKind ?? .icmp
        options.port = port.map { UInt16(clamping: $0) }
        options.firstTTL = first
        options.maxHops = maxHops
        options.packetSize = packetSize
        options.tos = UInt8(clamping: tos)
        options.source = source.flatMap(IPAddress.init)
        options.device = device
        options.timeout = timeout
        options.flows = flows
        return options
    }
}

/// How many probes a round sends and how fast, and which columns show: `trace` and `tui` share these.
struct QueryArguments: ParsableArguments {
    @Option(name: [.customShort("q"), .customLong("queries")], parsing: .unconditional,
            help: "Probes per TTL (trace: 3; tui: per round, 1).")
    var queries: Int?

    @Option(name: .customLong("parallel-requests"), parsing: .unconditional, help: "Most probes in flight at once.")
    var parallelRequests = 18

    @Option(name: [.customShort("z"), .customLong("send-time")], parsing: .unconditional,
            help: "Milliseconds between two probes.")
    var sendTime: Double = 0

    @Option(name: [.customShort("o"), .customLong("fields")],
            help: "Statistics columns by mtr letter (L S N A B W V D R E P J M X I).")
    var fields = HopField.defaultLetters

    func validate() throws {
        if let queries { try OptionCheck.integer(queries, "--queries", 1...10) }
        try OptionCheck.integer(parallelRequests, "--parallel-requests", 1...255)
        try OptionCheck.number(sendTime, "--send-time", 0...60_000, unit: "ms")
        if HopField.columns(fields) == nil { throw ValidationError("unknown column letter in --fields \(fields)") }
    }

    /// Sets the options' pacing; `defaultQueries` when `-q` was not given.
    func apply(to options: inout ProbeOptions, defaultQueries: Int) {
        options.queries = queries ?? defaultQueries
        options.parallelRequests = parallelRequests
        options.sendInterval = sendTime
    }
}

extension ProbeProtocol: ExpressibleByArgument {}

extension ProbeSetupError {
    var failure: CommandFailure { CommandFailure(message: description, status: exitStatus) }
}

/// Resolves and opens a prober per target, then gives up privileges once every socket is open.
func openProbers(_ hosts: [String], arguments: ProbeArguments,
                 options: ProbeOptions) throws -> [any PathProber] {
    try arguments.checkSourceIsLocal()
    var probers: [any PathProber] = []
    for host in hosts {
        do throws(ProbeSetupError) {
            var family = arguments.family
            if family == nil, let source = options.source { family = source.family }
            let target = try ProbeEngine.resolve(host, family: family)
            probers.append(try ProbeEngine.open(target: target, options: options, dropPrivileges: false))
        } catch {
            throw error.failure
        }
    }
    do throws(PrivilegeDropError) {
        try Privileges.drop()
    } catch {
        throw CommandFailure(message: error.description, status: .noPermission)
    }
    return probers
}

/// The hosts a probing command works on: the arguments, and `--targets FILE` with one host per line (blank lines
/// and `#` comments skipped). A host named twice is probed once.
struct TargetArguments: ParsableArguments {
    @Option(name: .customLong("targets"), help: "Read hosts from this file, one per line (# starts a comment).")
    var targetsFile: String?

    @Argument(help: "Host names or addresses (any number).")
    var hosts: [String] = []

    init() {}

    init(targetsFile: String?, hosts: [String]) {
        self.targetsFile = targetsFile
        self.hosts = hosts
    }

    func validate() throws {
        if hosts.isEmpty && targetsFile == nil { throw ValidationError("give at least one host, or --targets FILE") }
    }

    /// Every host, arguments first, then the file's, without repeats.
    func all() throws -> [String] {
        var names = hosts
        if let targetsFile {
            let bytes: [UInt8]
            do {
                // Bounded: `--targets /dev/zero` must not read forever.
                bytes = try FileBytes.read(targetsFile, limit: 16 << 20).bytes
            } catch {
                throw CommandFailure(message: "cannot read --targets \(targetsFile): \(error)", status: .badInput)
            }
            for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
                let host = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    .trimmingCharacters(in: .whitespaces)
                if !host.isEmpty { names.append(host) }
            }
        }
        var seen: Set<String> = []
        names = names.filter { seen.insert($0).inserted }
        guard !names.isEmpty else {
            throw CommandFailure(message: "--targets \(targetsFile ?? "") names no host", status: .usage)
        }
        return names
    }
}

/// Why `address` cannot be a source address here, or nil when a UDP socket can bind to it.
private func localAddressProblem(_ address: IPAddress) -> String? {
    do {
        try Socket(family: address.family, type: .datagram).bind(address)
        return nil
    } catch {
        if error.call == "socket" { return nil }
        return error.code == .addressNotAvailable ? "is not an address of this machine"
            : "cannot be used: \(error.code)"
    }
}
