import TracemapPacket

/// Sets the TTL / hop limit of an IP packet to what forwarding would have left, fixing the IPv4 header checksum.
enum TTLRewrite {
    static func packet(_ packet: [UInt8], ttl: UInt8) -> [UInt8] {
        var result = packet
        guard let first = packet.first else { return packet }
        switch first >> 4 {
        case 4:
            let headerLength = Int(first & 0x0f) * 4
            guard headerLength >= 20, headerLength <= packet.count else { return packet }
            result[8] = ttl
            result[10] = 0
            result[11] = 0
            let checksum = InternetChecksum.checksum(result[0 ..< headerLength])
            result[10] = UInt8(checksum >> 8)
            result[11] = UInt8(checksum & 0xff)
        case 6:
            guard packet.count >= 40 else { return packet }
            result[7] = ttl
        default:
            break
        }
        return result
    }
}
