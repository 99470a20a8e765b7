import Foundation
import TracemapModel
import TracemapNet

/// Host facts from a JSON file (`--hosts FILE`): an object of address → HostInfo in the recording's own
/// HostInfo form, e.g. `{"198.51.100.1": {"hostname": "r1.lab", "class": "documentation",
/// "location": {"city": "Paris", "country_code": "FR", "latitude": 48.85, "longitude": 2.35}}}`.
/// Lab networks and the demo are numbered from documentation space, which no GeoIP database or DNS knows; the
/// file gives them names and places. Addresses it does not list fall through to the next provider.
public struct StaticHostInfo: HostInfoProvider {
    public let hosts: [IPAddress: HostInfo]
    public let fallback: (any HostInfoProvider)?

    public init(hosts: [IPAddress: HostInfo], fallback: (any HostInfoProvider)? = nil) {
        self.hosts = hosts
        self.fallback = fallback
    }

    public init(path: String, fallback: (any HostInfoProvider)? = nil) throws {
        // At most 16 MiB: `--hosts /dev/zero` must not read forever.
        let data: Data
        do {
            data = Data(try FileBytes.read(path, limit: 16 << 20).bytes)
        } catch {
            throw TUIInputError(description: "\(path): \(error)")
        }
        let table = try TracemapJSON.decoder().decode([String: HostInfo].self, from: data)
        var hosts: [IPAddress: HostInfo] = [:]
        for (text, info) in table {
            guard let address = IPAddress(text) else {
                throw TUIInputError(description: "\(path): not an IP address: \(text)")
            }
            hosts[address] = info
        }
        self.init(hosts: hosts, fallback: fallback)
    }

    public var warnings: [String] {
        get async { await fallback?.warnings ?? [] }
    }

    public func info(for address: IPAddress, rtt: Double?) async -> HostInfo {
        if let info = hosts[address] { return info }
        return await fallback?.info(for: address, rtt: rtt) ?? HostInfo()
    }
}
