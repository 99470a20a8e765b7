// libFuzzer target: the DNS message parser (RFC 1035 names with compression, TXT, PTR) and the Team Cymru TXT
// parsers, compiled into this module with DNSMessage.swift and TeamCymru.swift. A message that parses must
// re-encode without a trap, and what its TXT records say must parse or be refused.
import Foundation
import TracemapModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNS(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = try? DNSMessage(parsing: bytes) else { return 0 }
    _ = try? message.encoded()
    for record in message.answers {
        if case .txt(let strings) = record.data {
            _ = TeamCymru.parseOrigin(strings)
            _ = TeamCymru.parseASName(strings)
        }
    }
    return 0
}
