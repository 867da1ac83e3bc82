import Testing

@testable import PoolBenchKit

/// Against the order-statistic table of Conover (1999), Table A3, and the
/// binomial arithmetic behind it.
@Suite struct MedianIntervalTests {
    @Test func tenValuesGiveTheSecondAndNinthAt97Point9Percent() throws {
        let interval = try #require(MedianInterval((1...10).map(Double.init).reversed()))
        #expect(interval.lower == 2)
        #expect(interval.upper == 9)
        #expect(interval.median == 5.5)
        #expect(abs(interval.coverage - (1 - 2 * 11.0 / 1024)) < 1e-12)
    }

    @Test func threeValuesCannotReach95PercentAndSaySo() throws {
        let interval = try #require(MedianInterval([3, 1, 2]))
        #expect(interval.lower == 1 && interval.upper == 3 && interval.median == 2)
        #expect(abs(interval.coverage - 0.75) < 1e-12)
    }

    @Test func twentyValuesGiveTheSixthAndFifteenth() throws {
        // P(B ≤ 5) = 21700/2²⁰ = 0.0207 for n = 20, so coverage 95.9%; P(B ≤ 6) would give 88.5%.
        let interval = try #require(MedianInterval((1...20).map(Double.init)))
        #expect(interval.lower == 6)
        #expect(interval.upper == 15)
        #expect(abs(interval.coverage - (1 - 2 * 21700.0 / 1_048_576)) < 1e-9)
    }

    @Test func noValuesHaveNoInterval() {
        #expect(MedianInterval([]) == nil)
    }
}
