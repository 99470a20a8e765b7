// libFuzzer target: the ICMP/ICMPv6/TCP reply parsers and RFC 4884 extensions (MPLS labels) of TracemapPacket.
// The first byte picks the parser; the rest is the packet as it came off the socket.
import TracemapModel
@testable import TracemapPacket

private let v6From = IPAddress("2001:db8::1")!
private let v6To = IPAddress("2001:db8::2")!
private let v4From = IPAddress("192.0.2.1")!
private let v4To = IPAddress("203.0.113.10")!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPacket(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let packet = Array(bytes.dropFirst())
    switch bytes[0] % 5 {
    case 0: _ = ResponseParser.parseIPv4(packet)
    case 1: _ = ResponseParser.parseICMPv6(packet, from: v6From, to: v6To)
    case 2: _ = ResponseParser.parseTCP(packet, from: v4From, to: v4To)
    case 3: _ = ResponseParser.parseProbe(packet)
    default:
        if ICMPExtension.isValid(packet) { _ = ICMPExtension.mplsLabels(in: packet) }
        _ = ICMPExtension.mplsLabels(in: packet)
    }
    return 0
}
