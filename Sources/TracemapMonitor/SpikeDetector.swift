#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapStats

/// RTT spikes and their recovery.
///
/// Every responder at every TTL keeps an `RTTBaseline` (keyed by TTL and address, so two ECMP branches with
/// different delays are never compared with each other). A responder is raised when the median of its last
/// replies exceeds its baseline by both margins for `confirmRounds` rounds, and normal again after as many rounds
/// below half the margins (hysteresis, so an RTT near the threshold does not flap).
///
/// Events follow the destination: a spike is reported when the destination is raised, once, at the first TTL of
/// the run of raised hops that ends at the destination ("hops 4–8"), not once per hop behind it. A hop raised on
/// its own while the destination is not is a router slow to generate ICMP (low priority on its control plane,
/// as mtr's documentation explains for loss), not a slower path: no event.
struct SpikeDetector: Sendable {
    struct Settings: Sendable {
        var relative: Double
        var absolute: Double
        var confirmRounds: Int
        var recentRounds: Int
        var baselineRounds: Int
        var minimumSamples: Int
        /// A responder not seen for this many rounds is forgotten (bounded memory).
        var forgetAfter: Int
    }

    private struct Key: Hashable, Sendable {
        var ttl: Int
        var address: IPAddress
    }

    private struct HopState: Sendable {
        var baseline: RTTBaseline
        var raisedRun = 0
        var normalRun = 0
        var spiking = false
        var lastRound = 0
        /// Whether the newest sample was judged (the baseline was long enough).
        var judged = false
    }

    private struct Episode: Sendable {
        var event: MonitorEvent
    }

    let settings: Settings
    private var hops: [Key: HopState] = [:]
    private var episode: Episode?

    init(_ options: MonitorOptions) {
        settings = Settings(relative: max(0, options.spikeRelative), absolute: max(0, options.spikeAbsolute),
                            confirmRounds: max(1, options.spikeRounds),
                            recentRounds: max(1, options.spikeRecentRounds),
                            baselineRounds: max(1, options.baselineRounds),
                            minimumSamples: max(1, options.baselineMinimumSamples),
                            forgetAfter: 2 * max(options.baselineRounds, options.window, 1))
    }

    /// The spike being reported, until its recovery.
    var activeAlert: MonitorEvent? { episode?.event }

    /// - Parameter destinationTTL: the destination's TTL on the established path; a round that reached it
    ///   elsewhere (a lost probe, the next TTL's through) judges nothing.
    mutating func observe(_ observation: PathObservation, destinationTTL: Int?,
                          _ stamp: EventStamp) -> [MonitorEvent] {
        for (ttl, replies) in observation.rtts {
            for (address, rtt) in replies {
                update(Key(ttl: ttl, address: address), rtt: rtt, round: observation.round)
            }
        }
        hops = hops.filter { observation.round - $0.value.lastRound <= settings.forgetAfter }

        guard let destinationTTL, observation.destinationTTL == destinationTTL,
              let destination = observation.destination,
              let state = hops[Key(ttl: destinationTTL, address: destination)], state.judged else { return [] }
        if episode == nil, state.spiking {
            let start = runStart(below: destinationTTL, observation)
            let first = startState(start, observation) ?? state
            let baseline = first.baseline.baselineMedian() ?? 0
            let current = first.baseline.recentMedian ?? 0
            let destinationText = start == destinationTTL ? "" :
                "; destination \(formatMilliseconds(state.baseline.baselineMedian() ?? 0)) → "
                + formatMilliseconds(state.baseline.recentMedian ?? 0)
            var event = stamp.event(.rttSpike, .warning, ttl: start,
                                    "RTT rose at \(hopRange(start, destinationTTL)): "
                                    + "\(formatMilliseconds(baseline)) → \(formatMilliseconds(current)) "
                                    + "(median of the last \(settings.recentRounds))\(destinationText)")
            event.baselineRTT = baseline
            event.currentRTT = current
            episode = Episode(event: event)
            return [event]
        }
        if let spike = episode, !state.spiking {
            episode = nil
            let baseline = state.baseline.baselineMedian() ?? 0
            let current = state.baseline.recentMedian ?? 0
            var event = stamp.event(.rttRecovery, .info, ttl: spike.event.ttl,
                                    "RTT back to normal at the destination: \(formatMilliseconds(current)) "
                                    + "(baseline \(formatMilliseconds(baseline))), "
                                    + "\(stamp.round - spike.event.round) rounds after the spike")
            event.baselineRTT = baseline
            event.currentRTT = current
            return [event]
        }
        return []
    }

    private mutating func update(_ key: Key, rtt: Double, round: Int) {
        var state = hops[key] ?? HopState(baseline: RTTBaseline(recent: settings.recentRounds,
                                                                baseline: settings.baselineRounds))
        state.lastRound = round
        state.baseline.add(rtt)
        state.judged = false
        if let recent = state.baseline.recentMedian,
           let baseline = state.baseline.baselineMedian(minimumSamples: settings.minimumSamples) {
            state.judged = true
            let raised = recent > baseline * (1 + settings.relative) && recent - baseline > settings.absolute
            let normal = recent <= baseline * (1 + settings.relative / 2)
                || recent - baseline <= settings.absolute / 2
            state.raisedRun = raised ? state.raisedRun + 1 : 0
            state.normalRun = normal ? state.normalRun + 1 : 0
            if !state.spiking, state.raisedRun >= settings.confirmRounds { state.spiking = true }
            if state.spiking, state.normalRun >= settings.confirmRounds { state.spiking = false }
            // The baseline holds still from the first raised round, so a spike never becomes the reference.
            if state.spiking || state.raisedRun > 0 { state.baseline.freeze() } else { state.baseline.thaw() }
        }
        hops[key] = state
    }

    /// The lowest TTL of the run of raised hops ending at the destination. Hops without a judged reply this
    /// round (silent, or too new to have a baseline) neither extend nor break the run.
    private func runStart(below destinationTTL: Int, _ observation: PathObservation) -> Int {
        var start = destinationTTL
        for ttl in stride(from: destinationTTL - 1, through: 1, by: -1) {
            let states = judgedStates(ttl, observation)
            if states.isEmpty { continue }
            guard states.contains(where: \.spiking) else { break }
            start = ttl
        }
        return start
    }

    private func startState(_ ttl: Int, _ observation: PathObservation) -> HopState? {
        judgedStates(ttl, observation).first(where: \.spiking)
    }

    private func judgedStates(_ ttl: Int, _ observation: PathObservation) -> [HopState] {
        (observation.rtts[ttl] ?? [:]).keys.sorted()
            .compactMap { hops[Key(ttl: ttl, address: $0)] }
            .filter { $0.judged && $0.lastRound == observation.round }
    }
}
