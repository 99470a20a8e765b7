import XCTest
@testable import TracemapStats

/// Every statistic against a value computed by hand.
final class RTTStatisticsTests: XCTestCase {
    /// Ten RTTs: sum 140, mean 14; deviations −2 1 −3 0 −1 4 −4 2 −2 5, squares sum 80.
    private let ten: [Double] = [12, 15, 11, 14, 13, 18, 10, 16, 12, 19]

    func testMeanAndSampleDeviationOfTwo() {
        var acc = RTTAccumulator()
        acc.add(1.5)
        acc.add(2.5)
        XCTAssertEqual(acc.mean, 2, accuracy: 1e-12)
        // √(((−0.5)² + 0.5²) / (2 − 1)) = √0.5.
        XCTAssertEqual(acc.standardDeviation, 0.7071067811865476, accuracy: 1e-12)
    }

    func testDeviationOfOneSampleIsZero() {
        var acc = RTTAccumulator()
        acc.add(42)
        XCTAssertEqual(acc.standardDeviation, 0)
        XCTAssertEqual(acc.meanJitter, 0)
        XCTAssertNil(acc.lastJitter)
    }

    func testMeanAndSampleDeviationOfTen() {
        var acc = RTTAccumulator()
        ten.forEach { acc.add($0) }
        XCTAssertEqual(acc.count, 10)
        XCTAssertEqual(acc.mean, 14, accuracy: 1e-12)
        // √(80 / 9) = 2.98142…
        XCTAssertEqual(acc.standardDeviation, (80.0 / 9).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(acc.standardDeviation, 2.9814239699997196, accuracy: 1e-12)
        XCTAssertEqual(acc.best, 10)
        XCTAssertEqual(acc.worst, 19)
        XCTAssertEqual(acc.last, 19)
    }

    /// |Δ| of consecutive replies: 3 4 3 1 5 8 6 4 7 — sum 41, max 8, last 7 (mtr's Jttr, Javg, Jmax).
    func testJitterAsMtr() {
        var acc = RTTAccumulator()
        ten.forEach { acc.add($0) }
        XCTAssertEqual(acc.lastJitter, 7)
        XCTAssertEqual(acc.meanJitter, 41.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(acc.maxJitter, 8)
    }

    /// RFC 3550 §6.4.1: J += (|D| − J) / 16, starting at 0.
    /// J₁ = 3/16 = 0.1875; J₂ = 0.1875 + (4 − 0.1875)/16 = 0.42578125; J₃ = 0.42578125 + (3 − 0.42578125)/16
    /// = 0.586669921875; … J₉ = 2.0984234856878174.
    func testInterarrivalJitterAsRFC3550() {
        var acc = RTTAccumulator()
        acc.add(12)
        acc.add(15)
        XCTAssertEqual(acc.interarrivalJitter, 0.1875, accuracy: 1e-12)
        acc.add(11)
        XCTAssertEqual(acc.interarrivalJitter, 0.42578125, accuracy: 1e-12)
        acc.add(14)
        XCTAssertEqual(acc.interarrivalJitter, 0.586669921875, accuracy: 1e-12)
        ten.dropFirst(4).forEach { acc.add($0) }
        XCTAssertEqual(acc.interarrivalJitter, 2.0984234856878174, accuracy: 1e-12)
    }

    func testWindowEvictsOldRoundsAndCountsLoss() {
        var window = RTTWindow(rounds: 3)
        window.add(round: 0, rtt: 10)
        window.add(round: 1, rtt: nil)
        window.add(round: 2, rtt: 30)
        window.add(round: 3, rtt: 40)
        XCTAssertEqual(window.samples.map(\.round), [1, 2, 3], "round 0 left the window")
        XCTAssertEqual(window.rtts, [30, 40])
        XCTAssertEqual(window.sent, 3)
        XCTAssertEqual(window.received, 2)
        XCTAssertEqual(window.lossPercent, 100.0 / 3, accuracy: 1e-12)
        window.add(round: 3, rtt: 50)
        XCTAssertEqual(window.sent, 4, "two flows in one round are two samples")
        window.evict(before: 3)
        XCTAssertEqual(window.rtts, [40, 50])
        XCTAssertEqual(window.summary.mean, 45)
    }

    func testMedianOfOddAndEvenCounts() {
        XCTAssertEqual(RTTSummary([5, 1, 3]).median, 3)
        // Sorted: 10 11 12 12 13 | 14 15 16 18 19 → (13 + 14) / 2.
        XCTAssertEqual(RTTSummary(ten).median, 13.5)
        XCTAssertNil(RTTSummary([]).median)
    }

    /// Nearest rank: the ⌈0.95·n⌉-th smallest sample.
    func testP95NearestRank() {
        XCTAssertEqual(RTTSummary(ten).p95, 19, "⌈9.5⌉ = 10th of 10")
        XCTAssertEqual(RTTSummary((1...20).map(Double.init).reversed()).p95, 19, "⌈19⌉ = 19th of 20")
        XCTAssertEqual(RTTSummary((1...100).map(Double.init).shuffled()).p95, 95)
        XCTAssertEqual(RTTSummary([7]).p95, 7)
    }

    func testSummaryMatchesTheAccumulator() {
        let summary = RTTSummary(ten)
        XCTAssertEqual(summary.count, 10)
        XCTAssertEqual(summary.mean ?? 0, 14, accuracy: 1e-12)
        XCTAssertEqual(summary.standardDeviation, 2.9814239699997196, accuracy: 1e-12)
        XCTAssertEqual(summary.meanJitter, 41.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(summary.best, 10)
        XCTAssertEqual(summary.worst, 19)
    }

    // MARK: Baselines

    func testBaselineIsTheMedianOfSamplesThatLeftTheRecentSet() {
        var baseline = RTTBaseline(recent: 3, baseline: 5)
        (1...8).forEach { baseline.add(Double($0)) }
        XCTAssertEqual(Array(baseline.recent), [6, 7, 8])
        XCTAssertEqual(Array(baseline.reference), [1, 2, 3, 4, 5])
        XCTAssertEqual(baseline.recentMedian, 7)
        XCTAssertEqual(baseline.baselineMedian(), 3)
        baseline.add(9)
        XCTAssertEqual(Array(baseline.reference), [2, 3, 4, 5, 6], "bounded: the oldest leaves")
        XCTAssertNil(baseline.baselineMedian(minimumSamples: 6))
    }

    func testRecentMedianNeedsAFullRecentSet() {
        var baseline = RTTBaseline(recent: 3, baseline: 5)
        baseline.add(1)
        baseline.add(2)
        XCTAssertNil(baseline.recentMedian)
        XCTAssertNil(baseline.baselineMedian())
    }

    /// Frozen, nothing enters; thawed, the samples recent at the thaw (the spike's tail) never enter either.
    func testFrozenBaselineNeverTakesInTheSpike() {
        var baseline = RTTBaseline(recent: 3, baseline: 10)
        for _ in 0..<10 { baseline.add(10) }
        XCTAssertEqual(baseline.reference.count, 7)
        baseline.freeze()
        for _ in 0..<4 { baseline.add(50) }
        XCTAssertEqual(baseline.reference.count, 7)
        XCTAssertEqual(baseline.baselineMedian(), 10)
        XCTAssertEqual(baseline.recentMedian, 50)
        baseline.thaw()
        for _ in 0..<3 { baseline.add(10) }
        XCTAssertEqual(baseline.reference.count, 7, "the three spike samples were dropped on their way out")
        baseline.add(10)
        XCTAssertEqual(baseline.reference.count, 8)
        XCTAssertEqual(Set(baseline.reference), [10])
    }
}
