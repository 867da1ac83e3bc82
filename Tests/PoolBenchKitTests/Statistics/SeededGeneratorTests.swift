import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("Seeded generator")
    struct SeededGeneratorTests {
        @Test("SplitMix64 reproduces the reference outputs for seed 1234567")
        func referenceVector() {
            var generator = SeededGenerator(seed: 1_234_567)
            let outputs = (0..<5).map { _ in generator.next() }
            #expect(outputs == [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
            ])
        }

        @Test("Indices stay below the bound and cover it evenly")
        func indicesAreUniform() {
            var generator = SeededGenerator(seed: 7)
            var counts = [Int](repeating: 0, count: 5)
            for _ in 0..<50_000 { counts[generator.nextIndex(below: 5)] += 1 }
            // Each expected 10,000; the binomial sd is about 89.
            #expect(counts.allSatisfy { (9_600...10_400).contains($0) })
        }

        @Test("Unit draws lie in [0, 1)")
        func unitDraws() {
            var generator = SeededGenerator(seed: 3)
            let draws = (0..<1_000).map { _ in generator.nextUnit() }
            #expect(draws.allSatisfy { $0 >= 0 && $0 < 1 })
            #expect(isClose(Descriptive.mean(draws), 0.5, tolerance: 0.05))
        }
    }
}
