/// IANA protocol numbers and the ICMP/ICMPv6 message types tracemap sends or reads.
enum IPProtocolNumber {
    static let icmp: UInt8 = 1
    static let tcp: UInt8 = 6
    static let udp: UInt8 = 17
    static let icmpv6: UInt8 = 58
}

/// RFC 792 message types.
enum ICMPv4Type {
    static let echoReply: UInt8 = 0
    static let destinationUnreachable: UInt8 = 3
    static let sourceQuench: UInt8 = 4
    static let redirect: UInt8 = 5
    static let echoRequest: UInt8 = 8
    static let timeExceeded: UInt8 = 11
    static let parameterProblem: UInt8 = 12
}

/// RFC 4443 message types.
enum ICMPv6Type {
    static let destinationUnreachable: UInt8 = 1
    static let packetTooBig: UInt8 = 2
    static let timeExceeded: UInt8 = 3
    static let parameterProblem: UInt8 = 4
    static let echoRequest: UInt8 = 128
    static let echoReply: UInt8 = 129
}

/// RFC 793 control bits.
enum TCPFlag {
    static let fin: UInt8 = 0x01
    static let syn: UInt8 = 0x02
    static let rst: UInt8 = 0x04
    static let ack: UInt8 = 0x10
}
