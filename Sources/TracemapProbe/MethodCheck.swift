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

/// Which probe methods this process may open, found by opening (and closing) each socket kind: `doctor`'s view.
public struct MethodCheck: Sendable {
    public var family: IPAddress.Family
    public var method: ProbeMethod
    public var protocols: [ProbeProtocol]
    public var available: Bool
    public var detail: String

    public static func all() -> [MethodCheck] {
        IPAddress.Family.allCases.flatMap { family in
            [
                check(family, .raw, [.icmp, .udp, .tcp], type: .raw, protocol: .icmp(for: family)),
                check(family, .pingSocket, [.icmp], type: .datagram, protocol: .icmp(for: family)),
                check(family, .udpRecvErr, [.udp], type: .datagram, recvErr: true),
                check(family, .tcpConnect, [.tcp], type: .stream, recvErr: true),
            ]
        }
    }

    private static func check(_ family: IPAddress.Family, _ method: ProbeMethod, _ protocols: [ProbeProtocol],
                              type: SocketType, protocol socketProtocol: SocketProtocol = .default,
                              recvErr: Bool = false) -> MethodCheck {
        do throws(SocketError) {
            let socket = try Socket(family: family, type: type, protocol: socketProtocol)
            if recvErr { try socket.enableErrorQueue() }
            return MethodCheck(family: family, method: method, protocols: protocols, available: true, detail: "ok")
        } catch {
            let hint: String
            switch (method, error.code) {
            case (.raw, .notPermitted), (.raw, .permissionDenied): hint = "needs root or CAP_NET_RAW"
            case (.pingSocket, .permissionDenied), (.pingSocket, .notPermitted):
                hint = "group not in net.ipv4.ping_group_range"
            case (_, .addressFamilyNotSupported): hint = "no \(family == .v4 ? "IPv4" : "IPv6") in this kernel"
            default: hint = error.description
            }
            return MethodCheck(family: family, method: method, protocols: protocols, available: false, detail: hint)
        }
    }
}
