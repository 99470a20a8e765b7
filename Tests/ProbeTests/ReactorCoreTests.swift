import XCTest
import TracemapModel
import TracemapNet
@testable import TracemapProbe

/// A transport that sends nothing: it logs each probe and lets the test answer it when it likes.
private final class FakeTransport: ProbeTransport, @unchecked Sendable {
    let method = ProbeMethod.raw
    let source: IPAddress? = IPAddress("192.0.2.1")
    let clock: FakeClock
    private(set) var sent: [(key: ProbeKey, ttl: Int, at: Double)] = []
    private(set) var finished: [ProbeKey] = []

    init(clock: FakeClock) { self.clock = clock }

    func pollSet() -> [(fd: Int32, events: PollEvents)] { [] }
    func receive(fd: Int32, revents: PollEvents) -> [TransportReply] { [] }

    func send(to destination: IPAddress, ttl: Int, flow: Int, sequence: UInt16) throws(SocketError) -> Double {
        sent.append((ProbeKey(destination: destination, sequence: sequence), ttl, clock.now))
        return clock.now
    }

    func finish(_ key: ProbeKey) { finished.append(key) }

    /// The reply to the probe sent to `ttl` of `destination` (the newest such probe), received now.
    func reply(ttl: Int, to destination: IPAddress, from responder: String, kind: ReplyKind = .timeExceeded,
               nth: Int = 0) -> TransportReply {
        let probe = sent.filter { $0.ttl == ttl && $0.key.destination == destination }[nth]
        return TransportReply(key: probe.key, responder: IPAddress(responder)!, kind: kind, code: nil, mpls: [],
                              receivedAt: clock.now)
    }
}

private final class FakeClock: @unchecked Sendable {
    var now = 1_000.0
}

/// Collects what the core hands back: finished rounds and late replies.
private final class Outcomes: @unchecked Sendable {
    var rounds: [Round] = []
    var late: [LateReply] = []
}

/// The reactor's scheduling on a fake clock and a fake transport: per-probe deadlines, rounds that overlap,
/// late replies, cancellation, many targets on one transport.
final class ReactorCoreTests: XCTestCase {
    private let clock = FakeClock()
    private lazy var transport = FakeTransport(clock: clock)
    private lazy var core = ReactorCore(clock: { [clock] in clock.now })
    private let outcomes = Outcomes()
    private let target = IPAddress("203.0.113.10")!

    private func request(_ id: Int, index: Int, to destination: IPAddress? = nil, ttls: ClosedRange<Int>,
                         early: Bool = false) -> ReactorCore.RoundRequest {
        var options = ProbeOptions()
        options.timeout = 1000
        let outcomes = outcomes
        return ReactorCore.RoundRequest(
            id: id, index: index, destination: destination ?? target, transport: transport,
            plan: RoundPlan(ttls: ttls, giveUpSilentEarly: early), options: options,
            completion: { outcomes.rounds.append($0) }, onLate: { outcomes.late.append($0) })
    }

    private func advance(to time: Double) {
        clock.now = time
        core.advance()
    }

    func testEveryProbeKeepsItsOwnDeadlineAndTheNextRoundIsSentOnTime() {
        core.attach(transport)
        core.start(request(1, index: 0, ttls: 1...3))
        advance(to: 1_000)
        XCTAssertEqual(transport.sent.count, 3)
        core.receive(transport.reply(ttl: 1, to: target, from: "198.51.100.1"), from: transport)
        core.receive(transport.reply(ttl: 3, to: target, from: "203.0.113.10", kind: .echoReply), from: transport)
        advance(to: 1_000.01)
        XCTAssertEqual(outcomes.rounds.count, 0, "TTL 2 still waits for its reply")
        XCTAssertEqual(core.nextWakeup(), 1_001, "the next wake-up is TTL 2's deadline, not a poll")

        // Round 1 is sent while round 0 waits: the reactor never waits for a round to end.
        core.start(request(2, index: 1, ttls: 1...3))
        advance(to: 1_000.5)
        XCTAssertEqual(transport.sent.count, 6)
        XCTAssertEqual(core.activeRounds, 2)

        advance(to: 1_001)
        XCTAssertEqual(outcomes.rounds.map(\.index), [0])
        XCTAssertEqual(outcomes.rounds[0].probes.map(\.outcome.isTimeout), [false, true, false])
    }

    func testASlowReplyBeforeTheDeadlineIsCreditedToItsRoundEvenAfterTheNextStarted() {
        core.attach(transport)
        core.start(request(1, index: 0, ttls: 1...2))
        advance(to: 1_000)
        core.receive(transport.reply(ttl: 2, to: target, from: "203.0.113.10", kind: .echoReply), from: transport)
        core.start(request(2, index: 1, ttls: 1...2))
        advance(to: 1_000.6)
        // Round 0's TTL 1 answers 900 ms after its send, while round 1 is in flight: it belongs to round 0.
        clock.now = 1_000.9
        core.receive(transport.reply(ttl: 1, to: target, from: "198.51.100.1", nth: 0), from: transport)
        advance(to: 1_000.9)
        XCTAssertEqual(outcomes.rounds.map(\.index), [0])
        XCTAssertEqual(outcomes.rounds[0].probes.first?.reply?.rtt ?? 0, 900, accuracy: 1e-6)
        XCTAssertTrue(outcomes.late.isEmpty)
    }

    func testAReplyAfterTheDeadlineIsLateNeverLost() {
        core.attach(transport)
        core.start(request(1, index: 0, ttls: 1...2))
        advance(to: 1_000)
        core.receive(transport.reply(ttl: 2, to: target, from: "203.0.113.10", kind: .echoReply), from: transport)
        advance(to: 1_001)
        XCTAssertEqual(outcomes.rounds.count, 1)
        XCTAssertEqual(core.probesAwaitingLateReplies, 1)
        clock.now = 1_001.4
        core.receive(transport.reply(ttl: 1, to: target, from: "198.51.100.1"), from: transport)
        XCTAssertEqual(outcomes.late.count, 1)
        XCTAssertEqual(outcomes.late.first?.ttl, 1)
        XCTAssertEqual(outcomes.late.first?.round, 0)
        XCTAssertEqual(outcomes.late.first?.rtt ?? 0, 1_400, accuracy: 1e-6)
        XCTAssertEqual(outcomes.rounds[0].probes.first?.outcome, .timeout, "a late reply is never credited")
        // Listened for a bounded time only.
        advance(to: 1_000 + ReactorCore.lateWindow + 1)
        XCTAssertEqual(core.probesAwaitingLateReplies, 0)
    }

    func testCancellationEndsARoundAtOnce() {
        core.attach(transport)
        core.start(request(1, index: 0, ttls: 1...3))
        advance(to: 1_000)
        core.cancel(round: 1)
        XCTAssertEqual(outcomes.rounds.count, 1, "ended without waiting for the deadline")
        XCTAssertEqual(core.activeRounds, 0)
        XCTAssertEqual(core.probesInFlight, 0)
        // A cancellation that overtakes its round's start ends it before it sends anything.
        core.cancel(round: 2)
        core.start(request(2, index: 1, ttls: 1...3))
        advance(to: 1_000.1)
        XCTAssertEqual(outcomes.rounds.last?.probes, [])
        XCTAssertEqual(transport.sent.count, 3)
    }

    func testManyTargetsShareOneTransportAndNoReplyIsCreditedToTheWrongOne() {
        core.attach(transport)
        let targets = (1...200).map { IPAddress("198.51.100.\($0)")! }
        for (offset, destination) in targets.enumerated() {
            core.start(request(offset + 1, index: 0, to: destination, ttls: 1...2))
        }
        advance(to: 1_000)
        XCTAssertEqual(transport.sent.count, 400)
        for destination in targets {
            core.receive(transport.reply(ttl: 1, to: destination, from: "192.0.2.254"), from: transport)
            core.receive(transport.reply(ttl: 2, to: destination, from: destination.description, kind: .echoReply),
                         from: transport)
        }
        advance(to: 1_000.05)
        XCTAssertEqual(outcomes.rounds.count, 200)
        for round in outcomes.rounds {
            XCTAssertEqual(round.probes.count, 2)
            XCTAssertNotNil(round.destinationTTL)
        }
        let answeredBy = Set(outcomes.rounds.compactMap { $0.probes.last?.reply?.responder })
        XCTAssertEqual(answeredBy, Set(targets), "each target's destination reply went to that target")
    }

    func testNothingIsDueWhenNothingRuns() {
        core.attach(transport)
        XCTAssertNil(core.nextWakeup(), "an idle reactor sleeps until a command wakes it")
    }
}

private extension ProbeOutcome {
    var isTimeout: Bool { if case .timeout = self { true } else { false } }
}
