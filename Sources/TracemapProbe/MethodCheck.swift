import Foundation
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
                check(family, .raw, [.icmp, .udp, .tcp], type: SOCK_RAW.rawValue,
                      protocolNumber: family == .v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6),
                check(family, .pingSocket, [.icmp], type: SOCK_DGRAM.rawValue,
                      protocolNumber: family == .v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6),
                check(family, .udpRecvErr, [.udp], type: SOCK_DGRAM.rawValue, protocolNumber: 0, recvErr: true),
                check(family, .tcpConnect, [.tcp], type: SOCK_STREAM.rawValue, protocolNumber: 0, recvErr: true),
            ]
        }
    }

    private static func check(_ family: IPAddress.Family, _ method: ProbeMethod, _ protocols: [ProbeProtocol],
                              type: UInt32, protocolNumber: Int, recvErr: Bool = false) -> MethodCheck {
        do throws(SocketError) {
            let socket = try Socket(family: family, type: Int32(type), protocolNumber: Int32(protocolNumber))
            if recvErr { try socket.enableErrorQueue() }
            return MethodCheck(family: family, method: method, protocols: protocols, available: true, detail: "ok")
        } catch {
            let hint: String
            switch (method, error.code) {
            case (.raw, EPERM), (.raw, EACCES): hint = "needs root or CAP_NET_RAW"
            case (.pingSocket, EACCES), (.pingSocket, EPERM): hint = "group not in net.ipv4.ping_group_range"
            case (_, EAFNOSUPPORT): hint = "no \(family == .v4 ? "IPv4" : "IPv6") in this kernel"
            default: hint = error.description
            }
            return MethodCheck(family: family, method: method, protocols: protocols, available: false, detail: hint)
        }
    }
}
