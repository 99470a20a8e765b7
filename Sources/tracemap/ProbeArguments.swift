import ArgumentParser
import Foundation
import TracemapModel
import TracemapNet
import TracemapProbe

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

    @Option(name: [.customShort("p"), .customLong("port")], help: "Destination port (UDP default 33434, TCP 80).")
    var port: UInt16?

    @Option(name: [.customShort("f"), .customLong("first")], help: "First TTL.")
    var first = 1

    @Option(name: [.customShort("m"), .customLong("max-hops")], help: "Largest TTL probed.")
    var maxHops = 30

    @Option(name: .customLong("psize"), help: "Size of each probe's IP packet in bytes.")
    var packetSize: Int?

    @Option(name: .customLong("tos"), help: "IP TOS byte / IPv6 traffic class.")
    var tos: UInt8 = 0

    @Option(name: [.customShort("s"), .customLong("source")], help: "Source address.")
    var source: String?

    @Option(name: [.customShort("D"), .customLong("dev")], help: "Send through this network device.")
    var device: String?

    @Option(name: .customLong("timeout"), help: "Longest wait for one reply, in milliseconds.")
    var timeout: Double = 1000

    @Option(name: .customLong("flows"), help: "Distinct Paris flows per TTL (shows ECMP branches).")
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
    }

    /// The engine's option struct, before per-command settings (queries, pacing) are added.
    var probeOptions: ProbeOptions {
        var options = ProbeOptions()
        options.protocolKind = tcp ? .tcp : udp ? .udp : protocolKind ?? .icmp
        options.port = port
        options.firstTTL = first
        options.maxHops = maxHops
        options.packetSize = packetSize
        options.tos = tos
        options.source = source.flatMap(IPAddress.init)
        options.device = device
        options.timeout = timeout
        options.flows = flows
        return options
    }
}

extension ProbeProtocol: ExpressibleByArgument {}

extension ProbeSetupError {
    var failure: CommandFailure { CommandFailure(message: description, status: exitStatus) }
}

/// Resolves and opens a prober per target, then gives up privileges once every socket is open.
func openProbers(_ hosts: [String], arguments: ProbeArguments,
                 options: ProbeOptions) throws -> [any PathProber] {
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
    Privileges.drop()
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
            guard let data = FileManager.default.contents(atPath: targetsFile) else {
                throw CommandFailure(message: "cannot read --targets \(targetsFile)", status: .badInput)
            }
            for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
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
