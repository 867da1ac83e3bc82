import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("Executor choice")
    struct ExecutorChoiceTests {
        func answer(knee: Int?, kneeThroughput: Double, peak: Double) -> KneeRecommendation {
            KneeRecommendation(
                recommendedWorkers: knee, peakThroughput: peak, kneeThroughput: kneeThroughput,
                method: .measured, reason: "", runs: 3, tolerance: 0.05, plateauReached: true,
                points: [], priors: SanityPriors()
            )
        }

        @Test("Fewer workers win among executors within tolerance of the best peak")
        func fewerWorkersWithinTolerance() throws {
            let choice = try #require(Knee.bestExecutor([
                "pool": answer(knee: 8, kneeThroughput: 970, peak: 990),
                "tasks": answer(knee: 64, kneeThroughput: 990, peak: 1_000),
                "threads": answer(knee: 4, kneeThroughput: 600, peak: 620),
            ]))
            #expect(choice.executor == "pool" && choice.workers == 8 && choice.throughput == 970)
            #expect(choice.bestPeakExecutor == "tasks" && choice.bestPeakThroughput == 1_000)
        }

        @Test("A clearly faster executor wins even with more workers")
        func clearlyFaster() {
            let choice = Knee.bestExecutor([
                "pool": answer(knee: 8, kneeThroughput: 800, peak: 820),
                "dispatch": answer(knee: 16, kneeThroughput: 1_000, peak: 1_030),
            ])
            #expect(choice?.executor == "dispatch" && choice?.workers == 16)
        }

        @Test("Executors without a recommendation are skipped, and none at all gives nil")
        func missingRecommendations() {
            #expect(Knee.bestExecutor(["pool": answer(knee: nil, kneeThroughput: 0, peak: 0)]) == nil)
            #expect(Knee.bestExecutor([:]) == nil)
        }
    }
}
