#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

/// Two traces compared hop by hop, aligned by TTL (`tracemap diff A B`).
///
/// What counts as a change, and what does not:
/// - a TTL whose responders on both sides share an address (or, for files that give names only, a name) is the same
///   hop: an ECMP set seen partly in one trace and partly in the other is not a route change;
/// - a TTL silent on either side is not a change of address (silence says nothing about who is there);
/// - the path length (the destination's TTL, or the last answering TTL when it was not reached), reaching the
///   destination or not, and the ASN path are compared as a whole;
/// - an RTT shift of a hop that is the same on both sides counts when it is at least `rttMs` AND at least
///   `rttPercent` of the smaller value.
public struct TraceDiff: Codable, Sendable {
    public struct Thresholds: Codable, Sendable, Hashable {
        public var rttMs: Double
        public var rttPercent: Double

        public init(rttMs: Double = 5, rttPercent: Double = 20) {
            self.rttMs = rttMs
            self.rttPercent = rttPercent
        }

        enum CodingKeys: String, CodingKey { case rttMs = "rtt_ms", rttPercent = "rtt_pct" }
    }

    public enum HopStatus: String, Codable, Sendable {
        /// The same responder (or a common one of an ECMP set) on both sides.
        case same
        /// Both sides answered, with no responder in common.
        case changed
        /// Silent on one side or both: not a change.
        case silent
        /// Present on one side only (the paths have different lengths).
        case onlyA = "only-a"
        case onlyB = "only-b"
    }

    public struct HopDiff: Codable, Sendable {
        public var ttl: Int
        public var status: HopStatus
        public var a: [String]
        public var b: [String]
        /// Mean RTT of the hop on each side, ms.
        public var rttA: Double?
        public var rttB: Double?
        /// Whether the RTT moved by at least both thresholds.
        public var rttShift: Bool

        enum CodingKeys: String, CodingKey {
            case ttl, status, a, b, rttA = "rtt_a_ms", rttB = "rtt_b_ms", rttShift = "rtt_shift"
        }
    }

    public var labelA: String
    public var labelB: String
    public var thresholds: Thresholds
    public var hops: [HopDiff]
    public var lengthA: Int
    public var lengthB: Int
    public var reachedA: Bool
    public var reachedB: Bool
    public var asnPathA: [UInt32]
    public var asnPathB: [UInt32]
    /// One line per difference a user should act on; empty when the traces are the same.
    public var differences: [String]

    public var isSame: Bool { differences.isEmpty }

    enum CodingKeys: String, CodingKey {
        case labelA = "a", labelB = "b", thresholds, hops, lengthA = "length_a", lengthB = "length_b"
        case reachedA = "reached_a", reachedB = "reached_b", asnPathA = "asn_path_a", asnPathB = "asn_path_b"
        case differences, same
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        labelA = try c.decode(String.self, forKey: .labelA)
        labelB = try c.decode(String.self, forKey: .labelB)
        thresholds = try c.decode(Thresholds.self, forKey: .thresholds)
        hops = try c.decode([HopDiff].self, forKey: .hops)
        lengthA = try c.decode(Int.self, forKey: .lengthA)
        lengthB = try c.decode(Int.self, forKey: .lengthB)
        reachedA = try c.decode(Bool.self, forKey: .reachedA)
        reachedB = try c.decode(Bool.self, forKey: .reachedB)
        asnPathA = try c.decode([UInt32].self, forKey: .asnPathA)
        asnPathB = try c.decode([UInt32].self, forKey: .asnPathB)
        differences = try c.decode([String].self, forKey: .differences)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(labelA, forKey: .labelA)
        try c.encode(labelB, forKey: .labelB)
        try c.encode(thresholds, forKey: .thresholds)
        try c.encode(hops, forKey: .hops)
        try c.encode(lengthA, forKey: .lengthA)
        try c.encode(lengthB, forKey: .lengthB)
        try c.encode(reachedA, forKey: .reachedA)
        try c.encode(reachedB, forKey: .reachedB)
        try c.encode(asnPathA, forKey: .asnPathA)
        try c.encode(asnPathB, forKey: .asnPathB)
        try c.encode(differences, forKey: .differences)
        try c.encode(isSame, forKey: .same)
    }

    public init(_ a: ImportedTrace, _ b: ImportedTrace, thresholds: Thresholds = Thresholds()) {
        labelA = a.label
        labelB = b.label
        self.thresholds = thresholds
        let hopsA = Dictionary(a.document.hops.map { ($0.ttl, $0) }, uniquingKeysWith: { first, _ in first })
        let hopsB = Dictionary(b.document.hops.map { ($0.ttl, $0) }, uniquingKeysWith: { first, _ in first })
        lengthA = TraceDiff.length(a.document)
        lengthB = TraceDiff.length(b.document)
        reachedA = a.document.reached
        reachedB = b.document.reached
        asnPathA = TraceSummary.asnPath(a.document)
        asnPathB = TraceSummary.asnPath(b.document)
        var differences: [String] = []
        if reachedA != reachedB {
            differences.append(reachedA ? "the destination answered in A, not in B"
                                        : "the destination answered in B, not in A")
        }
        if lengthA != lengthB { differences.append("path length \(lengthA) → \(lengthB) hops") }
        if asnPathA != asnPathB, !asnPathA.isEmpty, !asnPathB.isEmpty {
            differences.append("ASN path \(TraceDiff.text(asnPathA)) → \(TraceDiff.text(asnPathB))")
        }
        var hops: [HopDiff] = []
        for ttl in Set(hopsA.keys).union(hopsB.keys).sorted() {
            let hopA = hopsA[ttl], hopB = hopsB[ttl]
            let namesA = hopA.map(TraceDiff.names) ?? [], namesB = hopB.map(TraceDiff.names) ?? []
            let rttA = hopA.flatMap(TraceDiff.meanRTT), rttB = hopB.flatMap(TraceDiff.meanRTT)
            var status: HopStatus
            switch (hopA, hopB) {
            case (nil, _): status = .onlyB
            case (_, nil): status = .onlyA
            case (let x?, let y?) where x.silent || y.silent || x.responders.isEmpty || y.responders.isEmpty:
                status = .silent
            case (let x?, let y?):
                status = TraceDiff.keys(x).isDisjoint(with: TraceDiff.keys(y)) ? .changed : .same
            }
            var shift = false
            // A shift is the same hop getting slower or faster; another router's RTT is part of the route change.
            if status == .same, let rttA, let rttB {
                let delta = abs(rttB - rttA)
                shift = delta >= thresholds.rttMs && delta >= min(rttA, rttB) * thresholds.rttPercent / 100
            }
            if status == .changed {
                differences.append("hop \(ttl): \(namesA.joined(separator: ", ")) → \(namesB.joined(separator: ", "))")
            }
            if shift, let rttA, let rttB {
                differences.append("hop \(ttl): RTT \(TraceDiff.ms(rttA)) → \(TraceDiff.ms(rttB)) ms")
            }
            hops.append(HopDiff(ttl: ttl, status: status, a: namesA, b: namesB, rttA: rttA, rttB: rttB,
                                rttShift: shift))
        }
        self.hops = hops
        self.differences = differences
    }

    /// The destination's TTL when reached, else the last TTL that answered.
    static func length(_ document: TraceDocument) -> Int {
        if document.reached, let last = document.hops.last { return last.ttl }
        return document.hops.last { !$0.silent }?.ttl ?? 0
    }

    /// What identifies a responder across files: its address, and its name when the file gave no address.
    static func keys(_ hop: TraceDocument.Hop) -> Set<String> {
        var keys = Set<String>()
        for responder in hop.responders {
            if !isUnspecified(responder.address) { keys.insert(responder.address.description) }
            if let name = responder.info?.hostname { keys.insert("name:" + name) }
        }
        return keys
    }

    static func names(_ hop: TraceDocument.Hop) -> [String] {
        hop.responders.map { responder in
            isUnspecified(responder.address) ? responder.info?.hostname ?? "?" : responder.address.description
        }
    }

    static func isUnspecified(_ address: IPAddress) -> Bool { address.bytes.allSatisfy { $0 == 0 } }

    /// Mean RTT of a hop over every reply (its responders' reply-weighted).
    static func meanRTT(_ hop: TraceDocument.Hop) -> Double? {
        hop.figures.received > 0 ? hop.figures.mean : nil
    }

    static func text(_ path: [UInt32]) -> String { path.map { "AS\($0)" }.joined(separator: " → ") }

    static func ms(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
