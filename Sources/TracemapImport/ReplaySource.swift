#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import TracemapModel
import TracemapReport

extension ImportedTrace {
    /// How a replay of this trace is built.
    public enum ReplayBasis: String, Sendable {
        /// A recording's own rounds and events.
        case recordedRounds = "recorded rounds"
        /// A one-shot trace with probes (tracemap, scamper, RIPE Atlas, Globalping): its probes as one round.
        case probes
        /// A file of per-hop summaries (mtr, trippy, Cloudflare): one round of probes rebuilt from each
        /// responder's reply count, minimum, mean and maximum (σ and jitter of the replay are not the file's).
        case summaries
    }

    public var replayBasis: ReplayBasis {
        if isRecording { return .recordedRounds }
        return document.probes.isEmpty ? .summaries : .probes
    }

    /// The trace as recording lines (`RecordingLine`), what the TUI's replay player reads: a static trace plays
    /// as one round.
    public func replayLines() -> [RecordingLine] {
        var lines: [RecordingLine] = [.header(document.meta)]
        switch replayBasis {
        case .recordedRounds:
            var pending = events[...]
            for (index, round) in rounds.enumerated() {
                while let next = pending.first, next.afterRounds <= index {
                    lines.append(.event(next.event))
                    pending = pending.dropFirst()
                }
                lines.append(.round(round))
            }
            lines += pending.map { .event($0.event) }
        case .probes:
            lines.append(.round(Round(index: 0, startedAt: document.meta.startedAt,
                                      endedAt: document.meta.endedAt ?? document.meta.startedAt,
                                      probes: document.probes)))
        case .summaries:
            lines.append(.round(Round(index: 0, startedAt: document.meta.startedAt,
                                      endedAt: document.meta.endedAt ?? document.meta.startedAt,
                                      probes: synthesizedProbes())))
        }
        return lines
    }

    /// Probes that reproduce each hop's sent/lost counts and each responder's replies, minimum, mean and maximum.
    func synthesizedProbes() -> [ProbeRecord] {
        var probes: [ProbeRecord] = []
        var sequence: UInt16 = 0
        let time = document.meta.startedAt
        for hop in document.hops where (1...ImportSupport.maxTTL).contains(hop.ttl) {
            // A long mtr run (86,400 probes a day) is scaled down to the cap, keeping each share and the loss.
            let total = max(hop.sent, hop.responders.reduce(0) { $0 + max(0, $1.replies) })
            let scale = total > ImportSupport.maxProbesPerHop ? Double(ImportSupport.maxProbesPerHop) / Double(total) : 1
            var answered = 0
            for responder in hop.responders where responder.replies > 0 {
                let figures = responder.figures
                let mean = figures.mean ?? figures.best ?? 0
                let low = min(figures.best ?? mean, mean), high = max(figures.worst ?? mean, mean)
                let count = max(1, Int((Double(responder.replies) * scale).rounded()))
                for index in 0..<count {
                    let rtt: Double
                    switch (count, index) {
                    case (1, _): rtt = mean
                    case (_, 0): rtt = low
                    case (_, 1): rtt = high
                    default:
                        // The middle replies carry what keeps the mean: (n·mean − min − max) / (n − 2).
                        rtt = min(high, max(low, (Double(count) * mean - low - high) / Double(count - 2)))
                    }
                    sequence &+= 1
                    probes.append(ProbeRecord(ttl: hop.ttl, flow: 0, sequence: sequence, sentAt: time,
                                              outcome: .reply(ProbeReply(responder: responder.address, rtt: rtt,
                                                                         kind: responder.kind,
                                                                         mpls: responder.mpls))))
                }
                answered += count
            }
            for _ in 0..<max(0, Int((Double(total) * scale).rounded()) - answered) {
                sequence &+= 1
                probes.append(ProbeRecord(ttl: hop.ttl, flow: 0, sequence: sequence, sentAt: time, outcome: .timeout))
            }
        }
        return probes
    }
}

extension ImportedFile {
    /// The trace a user named: a 1-based number or a label; the only trace when `selector` is nil.
    public func trace(_ selector: String?) -> Result<ImportedTrace, ImportSelectionError> {
        guard let selector else {
            return traces.count == 1 ? .success(traces[0]) : .failure(.several(traces.map(\.label)))
        }
        if let number = Int(selector), number >= 1, number <= traces.count { return .success(traces[number - 1]) }
        if let match = traces.first(where: { $0.label == selector }) { return .success(match) }
        return .failure(.noSuch(selector, traces.map(\.label)))
    }
}

/// A trace selector that matches nothing, or is missing when a file has several traces.
public enum ImportSelectionError: Error, Sendable, CustomStringConvertible {
    case several([String])
    case noSuch(String, [String])

    public var description: String {
        switch self {
        case .several(let labels):
            "the file holds \(labels.count) traces; choose one with --trace N (1–\(labels.count)) or a label: "
                + labels.prefix(5).map(Escaping.visible).joined(separator: "; ") + (labels.count > 5 ? "; …" : "")
        case .noSuch(let selector, let labels):
            "no trace \(Escaping.visible(selector)) in the file (1–\(labels.count), or a label)"
        }
    }
}
