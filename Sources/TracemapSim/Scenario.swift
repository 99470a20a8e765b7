#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import TracemapModel

/// A path to play: the hops a probe crosses and the destination behind them. Read from JSON with snake_case
/// keys; every key but `hops` may be left out. Example:
///
///     {
///       "seed": 7,
///       "hops": [
///         {"address": "198.51.100.1", "address6": "2001:db8:100::1", "delay_ms": 1.2, "jitter_ms": 0.3},
///         {"address": "198.51.100.2", "address6": "2001:db8:100::2", "delay_ms": 8,
///          "alternatives": [{"address": "198.51.100.22", "address6": "2001:db8:100::22", "delay_ms": 9}],
///          "mpls": [{"label": 16004, "traffic_class": 0, "ttl": 1}]},
///         {"address": "198.51.100.3", "delay_ms": 15, "reply_loss": 30},
///         {"silent": true},
///         {"address": "198.51.100.5", "address6": "2001:db8:100::5", "delay_ms": 30, "forward_loss": 5}
///       ],
///       "destination": {"delay_ms": 42, "jitter_ms": 1, "loss": 0, "silent": false, "tcp_open": true}
///     }
///
/// - `hops[i]` answers probes sent with TTL i + 1 with ICMP time exceeded from `address` (IPv4 probes) or
///   `address6` (IPv6 probes); a hop without an address of the probe's family is silent for that family.
/// - `delay_ms` is the round-trip time from the source to that hop; `jitter_ms` adds a uniform random offset in
///   [−jitter, +jitter] to each reply (the sum never goes below 0).
/// - `reply_loss` (percent) drops the hop's own replies only — what ICMP rate limiting looks like;
///   `forward_loss` (percent) drops packets that pass through the hop, so every hop behind it loses them too.
/// - `silent` hops never answer but still forward.
/// - `alternatives` are ECMP siblings: the hop and its alternatives are picked per flow by a hash of source
///   and destination address, protocol and the first 4 transport bytes (ports, or ICMP type, code, checksum),
///   as per-flow load balancers do; an alternative without `delay_ms` keeps the hop's.
/// - `mpls` is the label stack quoted in an RFC 4950 extension of the hop's time exceeded messages; the last
///   entry is the bottom of the stack; `traffic_class` defaults to 0 and `ttl` to 1.
/// - Probes with TTL > hops.count reach the destination, which is whatever address they were sent to: an ICMP
///   echo request gets an echo reply, UDP a port unreachable, a TCP SYN a SYN-ACK (`tcp_open`) or an RST.
///   `loss` (percent) drops probes there; a `silent` destination never answers. Destination `delay_ms`
///   defaults to the last hop's.
/// - `seed` makes jitter, loss and the ECMP hash salt repeatable; without it they differ from run to run.
public struct Scenario: Codable, Sendable, Hashable {
    public var hops: [Hop]
    public var destination: Destination
    public var seed: UInt64?

    public init(hops: [Hop], destination: Destination = Destination(), seed: UInt64? = nil) {
        self.hops = hops
        self.destination = destination
        self.seed = seed
    }

    public struct Hop: Codable, Sendable, Hashable {
        public var address: IPAddress?
        public var address6: IPAddress?
        public var delay: Double
        public var jitter: Double
        public var replyLoss: Double
        public var forwardLoss: Double
        public var silent: Bool
        public var alternatives: [Alternative]
        public var mpls: [Label]

        public init(address: IPAddress? = nil, address6: IPAddress? = nil, delay: Double = 0, jitter: Double = 0,
                    replyLoss: Double = 0, forwardLoss: Double = 0, silent: Bool = false,
                    alternatives: [Alternative] = [], mpls: [Label] = []) {
            self.address = address
            self.address6 = address6
            self.delay = delay
            self.jitter = jitter
            self.replyLoss = replyLoss
            self.forwardLoss = forwardLoss
            self.silent = silent
            self.alternatives = alternatives
            self.mpls = mpls
        }

        /// The labels as RFC 4950 stack entries, the last one the bottom of the stack.
        var labelStack: [MPLSLabel] {
            mpls.enumerated().map { index, entry in
                MPLSLabel(label: entry.label, trafficClass: entry.trafficClass,
                          bottomOfStack: index == mpls.count - 1, ttl: entry.ttl)
            }
        }

        enum CodingKeys: String, CodingKey {
            case address, address6, delay = "delay_ms", jitter = "jitter_ms", replyLoss = "reply_loss"
            case forwardLoss = "forward_loss", silent, alternatives, mpls
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            address = try c.decodeIfPresent(IPAddress.self, forKey: .address)
            address6 = try c.decodeIfPresent(IPAddress.self, forKey: .address6)
            delay = try c.decodeIfPresent(Double.self, forKey: .delay) ?? 0
            jitter = try c.decodeIfPresent(Double.self, forKey: .jitter) ?? 0
            replyLoss = try c.decodeIfPresent(Double.self, forKey: .replyLoss) ?? 0
            forwardLoss = try c.decodeIfPresent(Double.self, forKey: .forwardLoss) ?? 0
            silent = try c.decodeIfPresent(Bool.self, forKey: .silent) ?? false
            alternatives = try c.decodeIfPresent([Alternative].self, forKey: .alternatives) ?? []
            mpls = try c.decodeIfPresent([Label].self, forKey: .mpls) ?? []
        }
    }

    public struct Alternative: Codable, Sendable, Hashable {
        public var address: IPAddress?
        public var address6: IPAddress?
        public var delay: Double?

        public init(address: IPAddress? = nil, address6: IPAddress? = nil, delay: Double? = nil) {
            self.address = address
            self.address6 = address6
            self.delay = delay
        }

        enum CodingKeys: String, CodingKey {
            case address, address6, delay = "delay_ms"
        }
    }

    public struct Label: Codable, Sendable, Hashable {
        public var label: UInt32
        public var trafficClass: UInt8
        public var ttl: UInt8

        public init(label: UInt32, trafficClass: UInt8 = 0, ttl: UInt8 = 1) {
            self.label = label
            self.trafficClass = trafficClass
            self.ttl = ttl
        }

        enum CodingKeys: String, CodingKey {
            case label, trafficClass = "traffic_class", ttl
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            label = try c.decode(UInt32.self, forKey: .label)
            trafficClass = try c.decodeIfPresent(UInt8.self, forKey: .trafficClass) ?? 0
            ttl = try c.decodeIfPresent(UInt8.self, forKey: .ttl) ?? 1
        }
    }

    public struct Destination: Codable, Sendable, Hashable {
        /// Nil: the last hop's delay.
        public var delay: Double?
        public var jitter: Double
        public var loss: Double
        public var silent: Bool
        public var tcpOpen: Bool

        public init(delay: Double? = nil, jitter: Double = 0, loss: Double = 0, silent: Bool = false,
                    tcpOpen: Bool = true) {
            self.delay = delay
            self.jitter = jitter
            self.loss = loss
            self.silent = silent
            self.tcpOpen = tcpOpen
        }

        enum CodingKeys: String, CodingKey {
            case delay = "delay_ms", jitter = "jitter_ms", loss, silent, tcpOpen = "tcp_open"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            delay = try c.decodeIfPresent(Double.self, forKey: .delay)
            jitter = try c.decodeIfPresent(Double.self, forKey: .jitter) ?? 0
            loss = try c.decodeIfPresent(Double.self, forKey: .loss) ?? 0
            silent = try c.decodeIfPresent(Bool.self, forKey: .silent) ?? false
            tcpOpen = try c.decodeIfPresent(Bool.self, forKey: .tcpOpen) ?? true
        }
    }

    enum CodingKeys: String, CodingKey {
        case hops, destination, seed
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hops = try c.decode([Hop].self, forKey: .hops)
        destination = try c.decodeIfPresent(Destination.self, forKey: .destination) ?? Destination()
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
    }

    /// Decodes a scenario from JSON text.
    public init(json: Data) throws {
        self = try JSONDecoder().decode(Scenario.self, from: json)
    }

    /// Reads a scenario file.
    public init(contentsOf path: String) throws {
        try self.init(json: try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
