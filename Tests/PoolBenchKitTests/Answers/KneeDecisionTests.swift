import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("Knee decision")
    struct KneeDecisionTests {
        @Test("A lucky fastest count does not raise the plateau: every count it cannot be told from is pooled")
        func plateauIsPooled() throws {
            // 8 and 16 measured alike; 16's median is the largest by luck.
            // Against that largest median (210) the cut is 199.5 and 8's
            // median of 198 misses it; against the pooled plateau it passes.
            let decision = try #require(KneeDecision.decide(
                workers: [1, 2, 4, 8, 16],
                groups: [[25, 26, 24], [50, 51, 49], [100, 104, 96], [198, 210, 190], [210, 185, 220]],
                tolerance: 0.05, confidence: 0.95
            ))
            #expect(Knee.kneeIndex(of: [25, 50, 100, 198, 210], tolerance: 0.05) == 4, "the old rule answered 16")
            #expect(decision.knee == 8)
            #expect(decision.counts.filter(\.onPlateau).map(\.workers) == [8, 16])
            #expect(decision.counts.first { $0.workers == 4 }?.verdict == .outside)
        }

        @Test("Without spread every verdict is exact and the knee is settled")
        func exactRunsSettle() throws {
            let decision = try #require(KneeDecision.decide(
                workers: [1, 2, 3, 4], groups: [[10, 10], [20, 20], [30, 30], [30, 30]], tolerance: 0.05
            ))
            #expect(decision.knee == 3 && decision.settled && decision.undecided.isEmpty)
            #expect(decision.counts.map(\.verdict) == [.outside, .outside, .within, .within])
        }

        @Test("Noisy runs near the cut leave the knee unsettled and name the counts to run again")
        func noisyRunsStayOpen() throws {
            let decision = try #require(KneeDecision.decide(
                workers: [1, 2, 3, 4], groups: [[10, 11, 9], [17, 21, 19], [18, 22, 20], [19, 21, 23]], tolerance: 0.05
            ))
            #expect(!decision.settled)
            #expect(decision.undecided.contains(decision.knee ?? 0))
            #expect(decision.counts.first?.verdict == .outside)
        }

        @Test("A run dragged down by one long task does not pull its count below the cut when tails are heavy")
        func heavyTailsTrim() throws {
            // 8 workers is on the plateau, but one of its five runs drew a
            // Pareto-sized task and measured 45. Its mean (89) lies 11% under
            // the plateau; its 20% trimmed mean (100) does not.
            let groups: [[Double]] = [
                [12, 12.5, 11.5, 12, 12.2], [25, 24, 26, 25.5, 24.5], [50, 49, 51, 50.5, 49.5],
                [100, 101, 99, 100.5, 45], [101, 99, 100, 102, 98], [99, 101, 100, 98, 102],
            ]
            #expect(TrimmedSummary.tailsAreHeavy(groups.map { $0.map { log($0) } }))
            let decision = try #require(KneeDecision.decide(workers: [1, 2, 4, 8, 16, 32], groups: groups, tolerance: 0.05))
            #expect(decision.knee == 8)
            // Without the long task the same runs are near-normal: nothing is trimmed.
            var calm = groups
            calm[3][4] = 100
            #expect(!TrimmedSummary.tailsAreHeavy(calm.map { $0.map { log($0) } }))
        }

        @Test("A verdict the t bounds give stands only if the rank bound agrees")
        func ranksConfirmTheSettledKnee() {
            // Three of the knee's eight runs measured 6% under the plateau:
            // the 98% Hodges–Lehmann interval's lower end is one of those
            // differences, below the 5% cut, so the knee is not yet within.
            let plateau = (0..<30).map { log(100 + Double($0 % 3) - 1) }
            let split = [94, 94, 94, 100, 100, 100, 100, 100].map { log(Double($0)) }
            let cut = log(0.95)
            func verdict(of knee: [Double]) -> KneeDecision.Verdict {
                var counts = [KneeDecision.Count(workers: 8, runs: knee.count, ratio: 1, lower: 0.96, upper: 1, verdict: .within, onPlateau: false)]
                counts.append(KneeDecision.Count(workers: 16, runs: 30, ratio: 1, lower: 0.98, upper: 1.02, verdict: .within, onPlateau: true))
                KneeDecision.confirmByRanks(&counts, logs: [knee, plateau], onPlateau: [false, true], knee: 0, cut: cut, confidence: 0.99)
                return counts[0].verdict
            }
            #expect(verdict(of: split) == .undecided)
            #expect(verdict(of: Array(split.suffix(5)) + [log(99), log(101), log(100)]) == .within)
            // Three runs against three give only the whole range of
            // differences: every one of them must be past the cut.
            var small = [KneeDecision.Count(workers: 1, runs: 3, ratio: 0.25, lower: 0.2, upper: 0.3, verdict: .outside, onPlateau: false)]
            small.append(KneeDecision.Count(workers: 4, runs: 3, ratio: 1, lower: 0.98, upper: 1.02, verdict: .within, onPlateau: true))
            KneeDecision.confirmByRanks(
                &small, logs: [[24, 25, 26].map { log($0) }, [99, 100, 101].map { log($0) }], onPlateau: [false, true],
                knee: 1, cut: cut, confidence: 0.99
            )
            #expect(small[0].verdict == .outside)
        }

        @Test("One run per count gives no noise to judge by: nothing is settled")
        func oneRunPerCount() throws {
            let decision = try #require(KneeDecision.decide(workers: [1, 2, 4], groups: [[10], [20], [20]], tolerance: 0.05))
            #expect(decision.knee == 2 && !decision.settled && !decision.hasNoiseEstimate)
        }

        @Test("A curve of zeros has no knee")
        func zeros() {
            #expect(KneeDecision.decide(workers: [1, 2], groups: [[0, 0], [0]], tolerance: 0.05) == nil)
        }

        @Test("The t quantile matches published values")
        func studentQuantile() {
            // Student's t table: t(0.95, 10) = 1.8125, t(0.99, 20) = 2.5280, t(0.95, 3) = 2.3534.
            #expect(abs(KneeDecision.studentQuantile(0.95, degrees: 10) - 1.8125) < 0.002)
            #expect(abs(KneeDecision.studentQuantile(0.99, degrees: 20) - 2.5280) < 0.003)
            #expect(abs(KneeDecision.studentQuantile(0.95, degrees: 3) - 2.3534) < 0.02)
        }
    }
}
