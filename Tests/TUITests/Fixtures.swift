import Foundation
import TracemapModel
@testable import TracemapTUI

/// Hand-made paths for the render tests: rounds whose every RTT is chosen, so expected strings can be computed.
enum Fixtures {
    static let start = Date(timeIntervalSince1970: 1_763_884_800)

    static var meta: TraceMeta {
        TraceMeta(target: TraceTarget(name: "dest.example", address: IPAddress("203.0.113.10")!),
                  source: IPAddress("192.0.2.1"), method: .raw, options: ProbeOptions(), startedAt: start)
    }

    /// One round: per TTL the responder and RTT, nil for a timeout.
    static func round(_ index: Int, _ hops: [(String, Double)?]) -> Round {
        let began = start.addingTimeInterval(Double(index))
        let probes = hops.enumerated().map { offset, hop -> ProbeRecord in
            let ttl = offset + 1
            guard let (address, rtt) = hop else {
                return ProbeRecord(ttl: ttl, flow: 0, sequence: UInt16(ttl), sentAt: began, outcome: .timeout)
            }
            let kind: ReplyKind = address == "203.0.113.10" ? .echoReply : .timeExceeded
            return ProbeRecord(ttl: ttl, flow: 0, sequence: UInt16(ttl), sentAt: began,
                               outcome: .reply(ProbeReply(responder: IPAddress(address)!, rtt: rtt, kind: kind)))
        }
        return Round(index: index, startedAt: began, endedAt: began.addingTimeInterval(0.05), probes: probes)
    }

    /// Four hops: a healthy router, a silent one, a router with a second ECMP responder every other round,
    /// and the destination; `rounds` rounds.
    static func model(rounds: Int = 4) -> TUIModel {
        var model = TUIModel(meta: meta)
        for index in 0..<rounds {
            model.record(round(index, [
                ("192.0.2.254", 1.0 + Double(index)),
                nil,
                (index % 2 == 0 ? "198.51.100.3" : "198.51.100.33", 10),
                ("203.0.113.10", 20),
            ]))
        }
        return model
    }

    static let hostInfo: [IPAddress: HostInfo] = [
        IPAddress("192.0.2.254")!: HostInfo(hostname: "gw.example", asn: ASNInfo(number: 64500, organization: "Example"),
                                            location: GeoLocation(city: "Paris", countryCode: "FR", latitude: 48.85,
                                                                  longitude: 2.35, accuracyRadius: 50),
                                            addressClass: .documentation),
        IPAddress("198.51.100.3")!: HostInfo(location: GeoLocation(city: "New York", countryCode: "US", latitude: 40.7,
                                                                   longitude: -74.0)),
        IPAddress("203.0.113.10")!: HostInfo(hostname: "dest.example",
                                             location: GeoLocation(city: "Tokyo", countryCode: "JP", latitude: 35.7,
                                                                   longitude: 139.7)),
    ]

    static func frame(rounds: Int = 4) -> Frame {
        Frame(model: model(rounds: rounds), hostInfo: hostInfo, now: start.addingTimeInterval(75))
    }
}
