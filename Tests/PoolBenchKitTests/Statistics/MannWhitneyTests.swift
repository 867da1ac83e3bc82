import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    /// Expected values from scipy.stats.mannwhitneyu (scipy 1.17) with the
    /// method named in each test.
    @Suite("Mann–Whitney U")
    struct MannWhitneyTests {
        @Test("Small samples without ties use the exact distribution")
        func exactSmall() throws {
            let result = try #require(MannWhitney.test([1.1, 2.3, 3.5, 4.2, 5.9], [6.1, 7.4, 8.8, 2.9]))
            #expect(result.method == .exact)
            #expect(result.u == 3)
            #expect(isClose(result.pValue, 0.1111111111111111))
        }

        @Test("Three runs against three can do no better than p = 0.1")
        func threeAgainstThree() throws {
            let result = try #require(MannWhitney.test([19.2, 20.1, 18.7], [22.0, 21.5, 23.1]))
            #expect(result.u == 0)
            #expect(isClose(result.pValue, 0.1))
            #expect(isClose(MannWhitney.smallestPossiblePValue(3, 3), 0.1))
            #expect(isClose(MannWhitney.smallestPossiblePValue(5, 5), 2.0 / 252))
        }

        @Test("Ten against eleven stays exact where scipy's default would approximate")
        func exactMedium() throws {
            let x = [0.8, 1.9, 2.2, 3.4, 4.0, 5.1, 6.3, 7.7, 8.2, 9.9]
            let y = [2.5, 4.4, 6.6, 8.8, 10.1, 11.3, 12.6, 13.9, 15.2, 16.4, 17.0]
            let result = try #require(MannWhitney.test(x, y))
            #expect(result.method == .exact)
            #expect(result.u == 16)
            #expect(isClose(result.pValue, 0.004785719955998594, tolerance: 1e-10))
        }

        @Test("Ties use the tie-corrected normal approximation with continuity correction")
        func tiesAreAsymptotic() throws {
            let result = try #require(MannWhitney.test([1, 2, 2, 3, 3, 3, 4, 5], [3, 4, 4, 5, 5, 6, 7, 7, 8]))
            #expect(result.method == .asymptotic)
            #expect(result.u == 7.5)
            #expect(isClose(result.pValue, 0.006373133838085873, tolerance: 1e-10))
        }

        @Test("Identical samples give p = 1, and an empty sample no result")
        func degenerateInputs() {
            #expect(MannWhitney.test([5, 5, 5], [5, 5, 5])?.pValue == 1)
            #expect(MannWhitney.test([], [1]) == nil)
        }

        @Test("The exact null distribution counts arrangements like a Gaussian binomial")
        func exactDistributionCounts() throws {
            // Counts of U for sizes 4 and 5, enumerated over all C(9, 4) = 126 rankings.
            let distribution = try #require(UDistribution(4, 5))
            #expect(distribution.counts == [1, 1, 2, 3, 5, 6, 8, 9, 11, 11, 12, 11, 11, 9, 8, 6, 5, 3, 2, 1, 1])
            #expect(distribution.total == 126)
        }
    }
}
