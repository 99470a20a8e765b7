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

/// Why probing cannot start; each case prints as one line that says how to fix it.
public enum ProbeSetupError: Error, CustomStringConvertible, Sendable {
    case noPermission(String)
    case unknownHost(String)
    case noAddressInFamily(String, IPAddress.Family)
    case noRoute(String)
    case invalidOption(String)

    public var description: String {
        switch self {
        case .noPermission(let why): why
        case .unknownHost(let name): "cannot resolve host '\(name)'"
        case .noAddressInFamily(let name, let family): "host '\(name)' has no \(family == .v4 ? "IPv4" : "IPv6") address"
        case .noRoute(let why): why
        case .invalidOption(let why): why
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .noPermission: .noPermission
        case .unknownHost, .noAddressInFamily: .unknownHost
        case .noRoute: .network
        case .invalidOption: .usage
        }
    }
}

/// The door to the probe engine: resolves targets and opens the best probe method this process may use.
public enum ProbeEngine {
    /// Resolves a host name or address literal (getaddrinfo) to the address to probe: the first of the
    /// requested family, else the first IPv4, else the first IPv6 address.
    public static func resolve(_ name: String, family: IPAddress.Family?) throws(ProbeSetupError) -> TraceTarget {
        if let address = IPAddress(name) {
            if let family, address.family != family { throw .noAddressInFamily(name, family) }
            return TraceTarget(name: name, address: address)
        }
        let addresses = lookUp(name)
        guard !addresses.isEmpty else { throw .unknownHost(name) }
        if let family {
            guard let match = addresses.first(where: { $0.family == family }) else {
                throw .noAddressInFamily(name, family)
            }
            return TraceTarget(name: name, address: match)
        }
        return TraceTarget(name: name, address: addresses.first { $0.family == .v4 } ?? addresses[0])
    }

    private static func lookUp(_ name: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = SocketType.datagram.rawValue
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry = list
        while let current = entry {
            if let decoded = current.pointee.ai_addr.flatMap({ SocketAddress.decode(UnsafeRawPointer($0)) }) {
                addresses.append(decoded.address)
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// The source address the kernel would use towards `target` (a connected UDP socket sends nothing).
    public static func routeSource(to target: IPAddress, device: String?) throws(ProbeSetupError) -> IPAddress {
        do throws(SocketError) {
            let socket = try Socket(family: target.family, type: .datagram)
            if let device { try socket.bind(toDevice: device) }
            try socket.connect(target, port: 33434)
            return try socket.localAddress().address
        } catch {
            if error.code == .notPermitted, device != nil {
                throw .noPermission("cannot bind to device \(device!): needs root or CAP_NET_RAW")
            }
            if error.code == .noSuchDevice { throw .invalidOption("no such device: \(device ?? "")") }
            throw .noRoute("no route to \(target): \(error.code)")
        }
    }

    /// Opens sockets for `target` with `options` — raw when allowed, else the unprivileged method of the
    /// protocol — and returns the prober. Drops privileges once every socket is open when `dropPrivileges`.
    public static func open(target: TraceTarget, options: ProbeOptions,
                            dropPrivileges: Bool = true) throws(ProbeSetupError) -> any PathProber {
        try validate(options)
        let source: IPAddress
        if let chosen = options.source {
            guard chosen.family == target.address.family else {
                throw .invalidOption("source \(chosen) and target \(target.address) are of different families")
            }
            source = chosen
        } else {
            source = try routeSource(to: target.address, device: options.device)
        }
        let transport = try openTransport(options: options, source: source)
        if dropPrivileges {
            do throws(PrivilegeDropError) { try Privileges.drop() } catch { throw .noPermission(error.description) }
        }
        return Prober(target: target, options: options, transport: transport, reactor: .shared)
    }

    /// The shared transport for these options: opened once per method, family and packet shape, then used by
    /// every target whose probes look alike (one raw ICMP socket serves 500 targets).
    private static func openTransport(options: ProbeOptions,
                                      source: IPAddress) throws(ProbeSetupError) -> any ProbeTransport {
        let reactor = ProbeReactor.shared
        if Privileges.canOpenRawSockets {
            do throws(SocketError) {
                return try reactor.transport(for: TransportKey(method: .raw, options: options, source: source)) {
                    () throws(SocketError) -> any ProbeTransport in
                    try RawTransport(options: options, source: source)
                }
            } catch where error.code == .notPermitted || error.code == .permissionDenied {
                // A container may deny raw sockets even to root: the unprivileged methods may still work.
            } catch {
                throw describe(error)
            }
        }
        do throws(SocketError) {
            let method: ProbeMethod = switch options.protocolKind {
            case .icmp: .pingSocket
            case .udp: .udpRecvErr
            case .tcp: .tcpConnect
            }
            return try reactor.transport(for: TransportKey(method: method, options: options, source: source)) {
                () throws(SocketError) -> any ProbeTransport in
                switch options.protocolKind {
                case .icmp: try PingSocketTransport(options: options, source: source)
                case .udp: try UDPRecvErrTransport(options: options, source: source)
                case .tcp: TCPConnectTransport(options: options, source: source)
                }
            }
        } catch {
            throw describe(error)
        }
    }

    private static func describe(_ error: SocketError) -> ProbeSetupError {
        switch error.code {
        case .notPermitted, .permissionDenied:
            return .noPermission(
                "no probe method is allowed for this user: run as root, or `sudo setcap cap_net_raw+ep "
                + "$(command -v tracemap)`, or allow ICMP ping sockets with "
                + "`sudo sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"` (or use -P udp)")
        case .addressNotAvailable:
            return .invalidOption("the source address is not on this machine (\(error))")
        case .noSuchDevice:
            return .invalidOption("no such device (\(error))")
        default:
            return .noRoute("cannot open probe sockets: \(error)")
        }
    }

    private static func validate(_ options: ProbeOptions) throws(ProbeSetupError) {
        guard (1...255).contains(options.firstTTL) else { throw .invalidOption("--first must be 1…255") }
        guard (options.firstTTL...255).contains(options.maxHops) else {
            throw .invalidOption("--max-hops must be between --first and 255")
        }
        guard (1...10).contains(options.queries) else { throw .invalidOption("--queries must be 1…10") }
        guard (1...16).contains(options.flows) else { throw .invalidOption("--flows must be 1…16") }
        guard (1...255).contains(options.parallelRequests) else {
            throw .invalidOption("--parallel-requests must be 1…255")
        }
        guard options.timeout > 0, options.timeout <= 60_000 else { throw .invalidOption("--timeout must be 1…60000 ms") }
        guard options.sendInterval >= 0, options.ttlInterval >= 0 else {
            throw .invalidOption("--send-time and --ttl-time must not be negative")
        }
        if let size = options.packetSize, !(28...9000).contains(size) {
            throw .invalidOption("--psize must be 28…9000 bytes")
        }
    }
}
