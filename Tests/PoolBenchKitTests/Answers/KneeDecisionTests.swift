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
