/// IANA protocol numbers and the ICMP/ICMPv6 message types tracemap sends or reads.
package enum IPProtocolNumber {
    package static let icmp: UInt8 = 1
    package static let tcp: UInt8 = 6
    package static let udp: UInt8 = 17
    package static let icmpv6: UInt8 = 58
}

/// RFC 792 message types.
package enum ICMPv4Type {
    package static let echoReply: UInt8 = 0
    package static let destinationUnreachable: UInt8 = 3
    package static let sourceQuench: UInt8 = 4
    package static let redirect: UInt8 = 5
    package static let echoRequest: UInt8 = 8
    package static let timeExceeded: UInt8 = 11
    package static let parameterProblem: UInt8 = 12
}

/// RFC 4443 message types.
package enum ICMPv6Type {
    package static let destinationUnreachable: UInt8 = 1
    package static let packetTooBig: UInt8 = 2
    package static let timeExceeded: UInt8 = 3
    package static let parameterProblem: UInt8 = 4
    package static let echoRequest: UInt8 = 128
    package static let echoReply: UInt8 = 129
}

/// RFC 793 control bits.
package enum TCPFlag {
    package static let fin: UInt8 = 0x01
    package static let syn: UInt8 = 0x02
    package static let rst: UInt8 = 0x04
    package static let ack: UInt8 = 0x10
}
