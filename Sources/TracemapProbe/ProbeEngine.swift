import Foundation
import TracemapModel

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
    /// Resolves a host name or address literal to the address to probe (first of the requested family).
    public static func resolve(_ name: String, family: IPAddress.Family?) throws(ProbeSetupError) -> TraceTarget {
        if let address = IPAddress(name) {
            if let family, address.family != family { throw .noAddressInFamily(name, family) }
            return TraceTarget(name: name, address: address)
        }
        throw .unknownHost(name)
    }

    /// Opens sockets for `target` with `options` (raw when allowed, else the unprivileged fallbacks) and returns
    /// the prober. Drops privileges once every socket is open when `dropPrivileges` is set.
    public static func open(target: TraceTarget, options: ProbeOptions,
                            dropPrivileges: Bool = true) throws(ProbeSetupError) -> any PathProber {
        throw .noPermission("probe engine not built yet")
    }
}
