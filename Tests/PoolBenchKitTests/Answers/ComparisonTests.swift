import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    /// Expected values from scipy.stats.mannwhitneyu (exact) and a brute-force
    /// Hodges–Lehmann interval on log throughput.
    @Suite("Compare")
    struct ComparisonTests {
        let a = [100.0, 104, 98, 101, 103, 99]

        @Test("A clearly faster B is significant, with the ratio and its 99% interval")
        func faster() throws {
            let point = try #require(Comparison.comparePoint(workers: 8, a: a, b: [112, 115, 109, 118, 111, 114]))
            #expect(point.verdict == .faster)
            #expect(isClose(point.pValue, 0.0021645021645021645))
            #expect(point.medianA == 100.5 && point.medianB == 113)
            #expect(isClose(point.ratio, 1.1206058967172958))
            // The interval's ends are pairwise ratios: 111/104 and 118/100.
            #expect(isClose(point.ratioLow, 111.0 / 104) && isClose(point.ratioHigh, 1.18))
            #expect(isClose(point.confidence, 0.9913419913419913))
        }

        @Test("Swapping the groups inverts the ratio and the verdict")
        func symmetric() throws {
            let forward = try #require(Comparison.comparePoint(workers: 8, a: a, b: [112, 115, 109, 118, 111, 114]))
            let backward = try #require(Comparison.comparePoint(workers: 8, a: [112, 115, 109, 118, 111, 114], b: a))
            #expect(backward.verdict == .slower)
            #expect(isClose(backward.ratio, 1 / forward.ratio))
            #expect(isClose(backward.ratioLow, 1 / forward.ratioHigh))
        }

        @Test("Overlapping groups are not significantly different and the interval contains 1")
        func noDifference() throws {
            let point = try #require(Comparison.comparePoint(workers: 8, a: a, b: [101.5, 105, 97, 100.5, 102, 99.5]))
            #expect(point.verdict == .noSignificantDifference)
            #expect(isClose(point.pValue, 0.9372294372294373))
            #expect(isClose(point.ratio, 1.004975247219926))
            #expect(point.ratioLow < 1 && point.ratioHigh > 1)
        }

        @Test("Three runs against three are too few for α = 0.01, however far apart")
        func tooFewRuns() throws {
            let point = try #require(Comparison.comparePoint(workers: 4, a: [10, 11, 12], b: [50, 51, 52]))
            #expect(point.verdict == .tooFewRuns)
            #expect(isClose(point.pValue, 0.1))
            #expect(isClose(point.confidence, 0.9))
        }

        @Test("Samples are compared at every worker count both groups tested, in order")
        func sharedPoints() {
            let first = [16, 4, 1].flatMap { n in a.map { sample(workers: n, throughput: $0 * Double(n)) } }
            let second = [2, 4, 16].flatMap { n in a.map { sample(workers: n, throughput: $0 * Double(n) * 1.2) } }
            let points = Comparison.compare(first, second)
            #expect(points.map(\.workers) == [4, 16])
            #expect(points.allSatisfy { $0.verdict == .faster && isClose($0.ratio, 1.2) })
            #expect(Comparison.comparePoint(workers: 1, a: [0, -1], b: [5]) == nil)
        }
    }
}
