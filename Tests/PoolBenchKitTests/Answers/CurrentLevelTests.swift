import Foundation
@testable import PoolBenchKit
import Testing

extension AnswersTests {
    @Suite("Current level")
    struct CurrentLevelTests {
        /// Sweeps of literal medians per worker count (runs at ±0.5%), an hour apart.
        func curve(_ sweeps: [[Int: Double]]) -> [Sample] {
            sweeps.enumerated().flatMap { index, levels in
                levels.flatMap { workers, level in
                    [0.995, 1.0, 1.005].map { factor in
                        sample(
                            sweep: Int64(index + 1), at: Date(timeIntervalSince1970: 3_600 * Double(index)),
                            workers: workers, throughput: level * (factor + 0.0001 * Double(index))
                        )
                    }
                }
            }
        }

        @Test("A step at one worker count of four does not cut the curve; at two of four it does")
        func quorum() throws {
            let steady: [Int: Double] = [1: 100, 2: 200, 4: 400, 8: 800]
            var oneMoved = steady
            oneMoved[8] = 600
            var twoMoved = oneMoved
            twoMoved[4] = 300

            let lone = try #require(Trend.currentLevel(of: curve(Array(repeating: steady, count: 5) + [oneMoved, oneMoved])))
            #expect(lone.since == 1 && lone.sweeps == 7 && lone.changedWorkers.isEmpty)

            let both = try #require(Trend.currentLevel(of: curve(Array(repeating: steady, count: 5) + [twoMoved, twoMoved])))
            #expect(both.since == 6 && both.sweeps == 2 && both.changedWorkers == [4, 8] && both.measuredWorkers == 4)
            #expect(both.samples.count == 24 && both.samples.allSatisfy { $0.sweepID >= 6 })
            #expect(Trend.currentLevel(of: []) == nil)
        }
    }
}
