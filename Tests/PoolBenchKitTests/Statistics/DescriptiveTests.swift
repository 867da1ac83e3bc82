import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    /// Expected values from NumPy 2 and scipy.stats on the same literal arrays.
    @Suite("Descriptive statistics")
    struct DescriptiveTests {
        let values = [12.5, 3.0, 7.25, 9.0, 1.5, 20.0, 7.25]

        @Test("The mean and the sample standard deviation match NumPy with ddof 1")
        func meanAndStandardDeviation() {
            #expect(isClose(Descriptive.mean(values), 8.642857142857142))
            #expect(isClose(Descriptive.standardDeviation(values), 6.201238355591337))
        }

        @Test("Quantiles interpolate linearly between order statistics, as NumPy's percentile does")
        func quantilesAreTypeSeven() {
            #expect(Descriptive.quantile(values, at: 0) == 1.5)
            #expect(isClose(Descriptive.quantile(values, at: 0.1), 2.4))
            #expect(isClose(Descriptive.quantile(values, at: 0.25), 5.125))
            #expect(isClose(Descriptive.quantile(values, at: 0.9), 15.5))
            #expect(Descriptive.quantile(values, at: 1) == 20)
            #expect(Descriptive.quantile(values, at: 1.5) == nil)
        }

        @Test("The median of an even count averages the two middle values")
        func medianOfEvenCount() {
            #expect(Descriptive.median(values) == 7.25)
            #expect(Descriptive.median([4, 1, 3, 2]) == 2.5)
        }

        @Test("The MAD and relative noise match scipy's median_abs_deviation")
        func madAndRelativeNoise() {
            #expect(Descriptive.medianAbsoluteDeviation(values) == 4.25)
            #expect(isClose(Descriptive.relativeNoise(values), 0.8691116453308702))
            #expect(Descriptive.medianAbsoluteDeviation([1, 2, 3, 4]) == 1)
        }

        @Test("Statistics of too few values are nil, not invented")
        func tooFewValues() {
            #expect(Descriptive.mean([]) == nil)
            #expect(Descriptive.median([]) == nil)
            #expect(Descriptive.standardDeviation([3]) == nil)
            #expect(Descriptive.relativeNoise([0, 0, 0]) == nil)
        }
    }
}
