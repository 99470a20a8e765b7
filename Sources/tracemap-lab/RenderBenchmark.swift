import Foundation
import TracemapModel
import TracemapTUI

/// Times the pure render core on a synthetic session (`tracemap-lab bench render`, bench/tui-bench.sh): `hops` hops with ECMP and a silent
/// hop, every hop located, a route change and alerts, rendered with the map to a `width` × `height` canvas.
enum RenderBenchmark {
    struct Result: Sendable {
        var frames: Int
        var mean: Duration
        var best: Duration
        /// Rows of the last frame, so a caller can show what was drawn.
        var sample: String
    }

    static func run(width: Int, height: Int, hops: Int = 30, rounds: Int = 300, frames: Int = 50) -> Result {
        let frame = makeFrame(hops: hops, rounds: rounds)
        var state = ViewState()
        state.unicode = true
        let clock = ContinuousClock()
        var total = Duration.zero
        var best = Duration.seconds(3600)
        var canvas = Canvas(width: 0, height: 0)
        // One untimed frame first: the land mask is decoded once per process.
        _ = ScreenRenderer.render(frame, state: state, width: width, height: height)
        for _ in 0..<max(1, frames) {
            let elapsed = clock.measure {
                canvas = ScreenRenderer.render(frame, state: state, width: width, height: height)
            }
            total += elapsed
            best = min(best, elapsed)
        }
        return Result(frames: max(1, frames), mean: total / max(1, frames), best: best, sample: canvas.text)
    }

    static func makeFrame(hops: Int, rounds: Int) -> Frame {
        let start = Date(timeIntervalSince1970: 1_763_884_800)
        let target = IPAddress(v4: 0xCB00_710A)
        let meta = TraceMeta(target: TraceTarget(name: "bench.example", address: target), source: IPAddress("192.0.2.1"),
                             method: .raw, options: ProbeOptions(), startedAt: start)
        var model = TUIModel(meta: meta)
        var info: [IPAddress: HostInfo] = [:]
        func router(_ ttl: Int, _ branch: Int) -> IPAddress {
            ttl == hops ? target : IPAddress(v4: 0xC633_6400 | UInt32(ttl + branch * 100))
        }
        for ttl in 1...hops {
            for branch in 0..<2 {
                // A path that circles the globe eastwards, so the map draws long lines across it.
                let longitude = -120 + Double(ttl) * 240 / Double(hops) + Double(branch)
                let latitude = 40 * sin(Double(ttl) / 3)
                info[router(ttl, branch)] = HostInfo(
                    hostname: "r\(ttl)-\(branch).bench.example", asn: ASNInfo(number: 64500 + UInt32(ttl / 5)),
                    location: GeoLocation(city: "City \(ttl)", countryCode: "XX", latitude: latitude, longitude: longitude))
            }
        }
        for index in 0..<rounds {
            let began = start.addingTimeInterval(Double(index))
            let probes = (1...hops).map { ttl -> ProbeRecord in
                if ttl == 7 || (ttl == 12 && index % 5 == 0) {
                    return ProbeRecord(ttl: ttl, flow: 0, sequence: UInt16(ttl), sentAt: began, outcome: .timeout)
                }
                let branch = ttl % 4 == 0 ? index % 2 : 0
                let rtt = Double(ttl) * 4 + Double((index * 7 + ttl * 3) % 10) / 3
                return ProbeRecord(ttl: ttl, flow: 0, sequence: UInt16(ttl), sentAt: began,
                                   outcome: .reply(ProbeReply(responder: router(ttl, branch), rtt: rtt,
                                                              kind: ttl == hops ? .echoReply : .timeExceeded)))
            }
            model.record(Round(index: index, startedAt: began, endedAt: began.addingTimeInterval(0.2), probes: probes))
        }
        for index in 0..<20 {
            model.record(MonitorEvent(time: start.addingTimeInterval(Double(index * 10)), round: index * 10,
                                      target: "bench.example", kind: index % 2 == 0 ? .rttSpike : .rttRecovery,
                                      severity: index % 2 == 0 ? .warning : .info, ttl: 10 + index % 5,
                                      message: "RTT event \(index)"))
        }
        let old = (1...hops).map { [router($0, 0)] }, new = (1...hops).map { [router($0, $0 == 15 ? 1 : 0)] }
        model.record(MonitorEvent(time: start.addingTimeInterval(Double(rounds - 5)), round: rounds - 5,
                                  target: "bench.example", kind: .routeChange, severity: .warning, ttl: 15,
                                  message: "route changed at hop 15", oldPath: old, newPath: new))
        return Frame(model: model, hostInfo: info, now: start.addingTimeInterval(Double(rounds)))
    }
}
