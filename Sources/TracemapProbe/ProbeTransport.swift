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

/// What identifies one probe among every probe the process has in flight: the address it was sent to and the
/// sequence it carried. The reactor hands out sequences per destination, so the pair is unique however many
/// targets share a socket.
struct ProbeKey: Hashable {
    var destination: IPAddress
    var sequence: UInt16
}

/// A reply a transport matched to one of its own probes, by the destination and sequence the probe carried.
struct TransportReply {
    var key: ProbeKey
    var sequence: UInt16 { key.sequence }
    var responder: IPAddress
    var kind: ReplyKind
    var code: UInt8?
    var mpls: [MPLSLabel]
    /// CLOCK_REALTIME seconds: the kernel's receive timestamp where the method has one.
    var receivedAt: Double
}

/// One probe method for one family and set of packet options: how probes leave and how replies are read back
/// and recognised as ours. A transport serves every target whose probes look alike (the reactor shares it);
/// implementations own their sockets and are driven only from the reactor's thread.
protocol ProbeTransport: AnyObject, Sendable {
    var method: ProbeMethod { get }
    /// The source address probes leave from.
    var source: IPAddress? { get }
    /// Descriptors to wait on, with poll events.
    func pollSet() -> [(fd: Int32, events: PollEvents)]
    /// Sends one probe to `destination`; returns the wall-clock send time.
    func send(to destination: IPAddress, ttl: Int, flow: Int, sequence: UInt16) throws(SocketError) -> Double
    /// Reads whatever is ready on `fd` and returns the replies that belong to this transport's probes.
    func receive(fd: Int32, revents: PollEvents) -> [TransportReply]
    /// The probe is resolved (replied or given up): release what it held.
    func finish(_ key: ProbeKey)
}

extension ProbeTransport {
    func finish(_ key: ProbeKey) {}
}

/// The bytes tracemap puts in every probe payload after the Paris tweak bytes: a tag and the sequence, so the
/// unprivileged methods — which only get the quoted payload back — can tell their probes from anyone else's.
enum ProbePayload {
    static let magic: [UInt8] = Array("TMAP".utf8)

    static func make(tag: UInt16, sequence: UInt16) -> [UInt8] {
        magic + [UInt8(tag >> 8), UInt8(tag & 0xff), UInt8(sequence >> 8), UInt8(sequence & 0xff)]
    }

    /// The sequence in a quoted payload that starts with `make`'s bytes at `offset`, if the tag is ours.
    static func sequence(in payload: [UInt8], offset: Int, tag: UInt16) -> UInt16? {
        guard payload.count >= offset + 8, Array(payload[offset..<offset + 4]) == magic else { return nil }
        let foundTag = UInt16(payload[offset + 4]) << 8 | UInt16(payload[offset + 5])
        guard foundTag == tag else { return nil }
        return UInt16(payload[offset + 6]) << 8 | UInt16(payload[offset + 7])
    }

    /// Bytes of payload for a probe whose whole IP packet should be `packetSize` bytes (at least what we need).
    static func length(packetSize: Int?, family: IPAddress.Family, transportHeader: Int, minimum: Int) -> Int {
        let ipHeader = family == .v4 ? 20 : 40
        guard let packetSize else { return minimum }
        return max(minimum, packetSize - ipHeader - transportHeader)
    }
}

extension ReplyKind {
    /// The reply kind of an ICMP destination-unreachable code: port unreachable (v4 code 3, v6 code 4) is how
    /// a UDP destination answers; every other code ends the path at that hop.
    static func unreachable(code: UInt8, family: IPAddress.Family) -> ReplyKind {
        (family == .v4 && code == 3) || (family == .v6 && code == 4) ? .portUnreachable : .unreachable
    }
}
