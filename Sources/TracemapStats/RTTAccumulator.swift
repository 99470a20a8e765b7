/// Streaming RTT statistics over every sample since start: Welford's update for mean and variance
/// (as mtr's `net_process`), best/worst/last, and jitter.
///
/// Jitter conventions: `lastJitter` is |RTTᵢ − RTTᵢ₋₁| of consecutive replies (mtr's "Jttr"), `meanJitter` and
/// `maxJitter` its mean and maximum (mtr's "Javg"/"Jmax"), and `interarrivalJitter` follows RFC 3550 §6.4.1,
/// J += (|D| − J)/16, in milliseconds — mtr's "Jint" is the same estimator kept ×16 in integers.
public struct RTTAccumulator: Sendable, Hashable {
    public private(set) var count = 0
    public private(set) var mean = 0.0
    private var m2 = 0.0
    public private(set) var best = Double.infinity
    public private(set) var worst = 0.0
    public private(set) var last: Double?
    public private(set) var lastJitter: Double?
    private var jitterSum = 0.0
    public private(set) var maxJitter = 0.0
    public private(set) var interarrivalJitter = 0.0

    public init() {}

    public mutating func add(_ rtt: Double) {
        if let previous = last {
            let jitter = abs(rtt - previous)
            lastJitter = jitter
            jitterSum += jitter
            maxJitter = max(maxJitter, jitter)
            interarrivalJitter += (jitter - interarrivalJitter) / 16
        }
        count += 1
        let delta = rtt - mean
        mean += delta / Double(count)
        m2 += delta * (rtt - mean)
        best = min(best, rtt)
        worst = max(worst, rtt)
        last = rtt
    }

    /// Sample standard deviation (n − 1 in the denominator, as mtr); 0 below two samples.
    public var standardDeviation: Double {
        count > 1 ? (m2 / Double(count - 1)).squareRoot() : 0
    }

    /// Mean of |RTTᵢ − RTTᵢ₋₁| over consecutive replies; 0 below two samples.
    public var meanJitter: Double {
        count > 1 ? jitterSum / Double(count - 1) : 0
    }

    public var bestOrNil: Double? { count > 0 ? best : nil }
    public var meanOrNil: Double? { count > 0 ? mean : nil }
    public var worstOrNil: Double? { count > 0 ? worst : nil }
}
