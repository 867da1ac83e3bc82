import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    /// Expected values computed by brute force: all m·n differences, and the
    /// null distribution of U enumerated over every ranking.
    @Suite("Hodges–Lehmann shift")
    struct HodgesLehmannTests {
        @Test("The shift is the median of pairwise differences, with the exact 95% interval")
        func exactInterval() throws {
            let first = [10.2, 11.5, 9.8, 10.9, 12.1, 10.4]
            let second = [12.9, 13.4, 11.8, 14.2, 13.1, 12.6, 13.9]
            let estimate = try #require(HodgesLehmann.shift(from: first, to: second))
            #expect(isClose(estimate.shift, 2.4))
            #expect(isClose(estimate.lower, 1.1))
            #expect(isClose(estimate.upper, 3.5))
            #expect(isClose(estimate.confidence, 0.965034965034965))
        }

        @Test("Too few runs widen the interval to every difference and say how confident it really is")
        func achievedConfidenceFallsShort() throws {
            let estimate = try #require(HodgesLehmann.shift(from: [1, 2, 3], to: [2.5, 3.5, 4.5], confidence: 0.95))
            #expect(estimate.shift == 1.5)
            #expect(estimate.lower == -0.5 && estimate.upper == 3.5)
            #expect(isClose(estimate.confidence, 0.9))
        }

        @Test("A lower confidence narrows the interval to the next order statistics")
        func lowerConfidence() throws {
            let estimate = try #require(HodgesLehmann.shift(from: [1, 2, 3], to: [2.5, 3.5, 4.5], confidence: 0.75))
            #expect(estimate.lower == 0.5 && estimate.upper == 2.5)
            #expect(isClose(estimate.confidence, 0.8))
        }

        @Test("Large samples use the normal approximation and still cover the true shift")
        func largeSamples() throws {
            let first = (0..<60).map { Double($0) }
            let second = (0..<60).map { Double($0) + 10 }
            let estimate = try #require(HodgesLehmann.shift(from: first, to: second))
            #expect(estimate.shift == 10)
            #expect(estimate.lower < 10 && estimate.upper > 10)
            #expect(isClose(estimate.confidence, 0.95, tolerance: 0.01))
        }
    }
}
