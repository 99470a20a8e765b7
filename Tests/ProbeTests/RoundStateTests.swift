import XCTest
import TracemapModel
@testable import TracemapProbe

/// The rules of one round, on a hand-made timeline (seconds since the round started at t = 100).
final class RoundStateTests: XCTestCase {
    private let destination = IPAddress("203.0.113.10")!

    private func state(ttls: ClosedRange<Int>, queries: Int = 1, parallel: Int = 18,
                       grace: Duration = .zero, early: Bool = true) -> RoundState {
        var options = ProbeOptions()
        options.parallelRequests = parallel
        options.timeout = 1000
        return RoundState(plan: RoundPlan(ttls: ttls, queries: queries, graceAfterDestination: grace,
                                                    giveUpSilentEarly: early),
                          options: options, startedAt: 100)
    }

    private func reply(_ sequence: UInt16, from address: String, kind: ReplyKind, at time: Double) -> TransportReply {
        TransportReply(key: ProbeKey(destination: destination, sequence: sequence), responder: IPAddress(address)!,
                       kind: kind, code: nil, mpls: [], receivedAt: time)
    }

    /// Sends everything it may at `time`, numbering probes 1, 2, 3… in send order.
    private func sendAll(_ state: inout RoundState, at time: Double, from first: UInt16 = 1) -> [RoundState.Spec] {
        var sent: [RoundState.Spec] = []
        while let spec = state.nextToSend(now: time) {
            state.sent(spec, sequence: first + UInt16(sent.count), at: time)
            sent.append(spec)
        }
        return sent
    }

    func testEveryTTLGetsItsFirstProbeBeforeAnyGetsASecond() {
        var round = state(ttls: 1...3, queries: 2)
        let sent = sendAll(&round, at: 100)
        XCTAssertEqual(sent.map(\.ttl), [1, 2, 3, 1, 2, 3])
        XCTAssertEqual(sent.map(\.query), [0, 0, 0, 1, 1, 1])
    }

    func testInFlightLimitHoldsBackTheRest() {
        var round = state(ttls: 1...30, parallel: 5)
        XCTAssertEqual(sendAll(&round, at: 100).count, 5)
        XCTAssertTrue(round.resolve(reply(1, from: "198.51.100.1", kind: .timeExceeded, at: 100.001)))
        XCTAssertEqual(sendAll(&round, at: 100.001, from: 6).map(\.ttl), [6])
    }

    func testNothingIsSentPastTheDestinationOnceItAnswered() {
        var round = state(ttls: 1...30, queries: 2, parallel: 4)
        _ = sendAll(&round, at: 100)                      // TTL 1-4, sequences 1-4
        for sequence: UInt16 in 1...2 {
            _ = round.resolve(reply(sequence, from: "198.51.100.\(sequence)", kind: .timeExceeded, at: 100.001))
        }
        _ = round.resolve(reply(3, from: "203.0.113.10", kind: .echoReply, at: 100.002))
        _ = round.resolve(reply(4, from: "203.0.113.10", kind: .echoReply, at: 100.002))
        // Destination at TTL 3: the second query goes to TTL 1-3 only.
        XCTAssertEqual(sendAll(&round, at: 100.003, from: 5).map(\.ttl), [1, 2, 3])
        XCTAssertEqual(round.records().map(\.ttl).max(), 3, "probes past the destination are not kept")
    }

    func testSilentHopIsGivenUpAfterTheFloorOnceTheHopsBehindItAnswer() {
        var round = state(ttls: 1...4)
        _ = sendAll(&round, at: 100)
        _ = round.resolve(reply(1, from: "198.51.100.1", kind: .timeExceeded, at: 100.010))
        _ = round.resolve(reply(3, from: "198.51.100.3", kind: .timeExceeded, at: 100.030))
        _ = round.resolve(reply(4, from: "203.0.113.10", kind: .echoReply, at: 100.042))
        // TTL 2 is silent: it waits max(200 ms, 3 × 42 ms) + 20 ms = 220 ms after its send, not the 1 s timeout.
        XCTAssertFalse(round.isFinished(now: 100.200))
        XCTAssertEqual(round.expire(now: 100.219), [])
        XCTAssertEqual(round.expire(now: 100.221), [2])
        XCTAssertTrue(round.isFinished(now: 100.221))
        let outcomes = round.records().map(\.outcome)
        XCTAssertEqual(outcomes[1], .timeout)
        XCTAssertEqual(round.records().map(\.ttl), [1, 2, 3, 4])
    }

    func testARouterSlowToSendICMPIsStillHeardWithItsTrueRTT() {
        // Hop 3 answers at 150 ms, the destination behind it at 42 ms: hop 3 is slow, not silent.
        var round = state(ttls: 1...5)
        _ = sendAll(&round, at: 100)
        _ = round.resolve(reply(1, from: "198.51.100.1", kind: .timeExceeded, at: 100.005))
        _ = round.resolve(reply(2, from: "198.51.100.2", kind: .timeExceeded, at: 100.010))
        _ = round.resolve(reply(4, from: "198.51.100.4", kind: .timeExceeded, at: 100.030))
        _ = round.resolve(reply(5, from: "203.0.113.10", kind: .echoReply, at: 100.042))
        XCTAssertEqual(round.expire(now: 100.149), [])
        XCTAssertTrue(round.resolve(reply(3, from: "198.51.100.3", kind: .timeExceeded, at: 100.150)))
        XCTAssertTrue(round.isFinished(now: 100.150))
        XCTAssertEqual(round.records()[2].reply?.rtt ?? 0, 150, accuracy: 1e-6)
    }

    func testAMonitorRoundWaitsTheWholeTimeoutForASilentHop() {
        var round = state(ttls: 1...3, early: false)
        _ = sendAll(&round, at: 100)
        _ = round.resolve(reply(1, from: "198.51.100.1", kind: .timeExceeded, at: 100.010))
        _ = round.resolve(reply(3, from: "203.0.113.10", kind: .echoReply, at: 100.042))
        XCTAssertEqual(round.expire(now: 100.5), [])
        XCTAssertFalse(round.isFinished(now: 100.5))
        XCTAssertEqual(round.expire(now: 101.0), [2])
        XCTAssertTrue(round.isFinished(now: 101.0))
    }

    func testGraceAfterTheDestinationKeepsTheRoundOpen() {
        var round = state(ttls: 1...2, grace: .milliseconds(50))
        _ = sendAll(&round, at: 100)
        _ = round.resolve(reply(1, from: "198.51.100.1", kind: .timeExceeded, at: 100.001))
        _ = round.resolve(reply(2, from: "203.0.113.10", kind: .echoReply, at: 100.002))
        XCTAssertFalse(round.isFinished(now: 100.030))
        XCTAssertTrue(round.isFinished(now: 100.053))
    }

    func testReplyToNoProbeOfThisRoundIsIgnored() {
        var round = state(ttls: 1...2)
        _ = sendAll(&round, at: 100)
        XCTAssertFalse(round.resolve(reply(999, from: "198.51.100.1", kind: .timeExceeded, at: 100.001)))
        XCTAssertTrue(round.resolve(reply(1, from: "198.51.100.1", kind: .timeExceeded, at: 100.001)))
        XCTAssertFalse(round.resolve(reply(1, from: "198.51.100.1", kind: .timeExceeded, at: 100.002)),
                       "a duplicate reply is not counted twice")
    }

    func testRTTRunsFromSendToKernelReceiveTime() {
        var round = state(ttls: 1...1)
        _ = sendAll(&round, at: 100)
        _ = round.resolve(reply(1, from: "203.0.113.10", kind: .echoReply, at: 100.0425))
        XCTAssertEqual(round.records().first?.reply?.rtt ?? 0, 42.5, accuracy: 1e-6)
    }
}
