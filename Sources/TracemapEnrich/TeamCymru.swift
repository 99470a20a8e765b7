import Foundation
import TracemapModel

/// Team Cymru's IP-to-ASN mapping over DNS TXT records:
/// - `4.3.2.1.origin.asn.cymru.com` (reversed IPv4 octets) or `<nibbles>.origin6.asn.cymru.com` answers
///   "ASN [ASN…] | prefix | CC | registry | allocated";
/// - `AS<n>.asn.cymru.com` answers "ASN | CC | registry | allocated | AS name".
public enum TeamCymru {
    public static func originName(for address: IPAddress) -> String {
        ReverseName.reversedLabels(address) + (address.family == .v4 ? ".origin.asn.cymru.com"
                                                                     : ".origin6.asn.cymru.com")
    }

    public static func asNameQuery(for number: UInt32) -> String { "AS\(number).asn.cymru.com" }

    /// The origin AS and prefix from an origin TXT answer. A prefix announced by several origins lists them
    /// separated by spaces; the first is kept. Of several records the most specific prefix wins.
    public static func parseOrigin(_ records: [String]) -> ASNInfo? {
        let candidates = records.compactMap { record -> (ASNInfo, Int)? in
            let fields = fields(of: record)
            guard fields.count >= 2, let first = fields[0].split(separator: " ").first,
                  let number = UInt32(first) else { return nil }
            let prefix = fields[1].isEmpty ? nil : fields[1]
            let length = prefix.flatMap { $0.split(separator: "/").last.flatMap { Int($0) } } ?? -1
            return (ASNInfo(number: number, prefix: prefix), length)
        }
        return candidates.max { $0.1 < $1.1 }?.0
    }

    /// The AS name from an `AS<n>.asn.cymru.com` TXT answer: its fifth field, e.g. "EXAMPLE-NET Example, DE".
    public static func parseASName(_ records: [String]) -> String? {
        for record in records {
            let fields = fields(of: record)
            if fields.count >= 5, !fields[4].isEmpty { return fields[4] }
        }
        return nil
    }

    /// Fields split at "|" and trimmed; control characters never reach a terminal.
    private static func fields(of record: String) -> [String] {
        let clean = String(record.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) })
        return clean.split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
