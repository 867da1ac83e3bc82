import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("CPU-bound cap")
    struct CPUBoundCapTests {
        /// A CPU-bound job on 2 cores: each task computes 10 ms and waits for
        /// nothing, so throughput stops at 2 workers; `above` are the runs'
        /// throughputs past 2 workers.
        func cpuBound(above: [Double], runs: Int = 3, latency: Double = 0.010) -> [Sample] {
            let at1 = [99.0, 100, 101, 100, 99, 101].prefix(runs)
            let at2 = [196.0, 200, 204, 198, 202, 200].prefix(runs)
            var samples = at1.map { sample(workers: 1, throughput: $0, latencyP50: latency, cpuSeconds: 1.0) }
            samples += at2.map { sample(workers: 2, throughput: $0, latencyP50: latency, cpuSeconds: 1.0) }
            for workers in [4, 8] {
                samples += above.prefix(runs).map { sample(workers: workers, throughput: $0, latencyP50: 0.02, cpuSeconds: 1.0) }
            }
            return samples
        }

        @Test func moreWorkersThanCoresThatAreNotSignificantlyFasterAreCappedAtTheCores() throws {
            // 4 and 8 measure 6% above 2 by luck: the knee rule alone takes 4.
            let runs = cpuBound(above: [208, 212, 216])
            let knee = Knee.recommend(runs, cores: 2)
            try #require(knee.recommendedWorkers == 4, "the rule this step corrects")
            let capped = CPUBoundCap.apply(knee, samples: runs, cores: 2)
            #expect(try #require(capped.recommendedWorkers) <= 2)
            #expect(capped.recommendedWorkers == 2)
            #expect(capped.band.map { $0.upperBound <= 2 } == true)
            #expect(isClose(capped.kneeThroughput, 200))
            #expect(capped.plateauReached && capped.nextRange == nil)
            #expect(capped.reason.contains("capped at 2 for a CPU-bound job on 2 cores"))
            #expect(capped.reason.contains("4 workers were not significantly faster (Mann–Whitney p = 0.1)"))
        }

        @Test func aCpuBoundJobThatWaitsForItsCoreALittleIsStillCapped() {
            // 12 ms of latency for 10 ms of CPU: wait/compute 0.2, other processes holding the core.
            let runs = cpuBound(above: [208, 212, 216], latency: 0.012)
            #expect(CPUBoundCap.apply(Knee.recommend(runs, cores: 2), samples: runs, cores: 2).recommendedWorkers == 2)
            let waits = cpuBound(above: [208, 212, 216], latency: 0.013)
            #expect(CPUBoundCap.apply(Knee.recommend(waits, cores: 2), samples: waits, cores: 2).recommendedWorkers == 4)
        }

        @Test func moreWorkersMeasuredSignificantlyFasterStand() {
            let runs = cpuBound(above: [220, 222, 224, 226, 228, 230], runs: 6)
            let knee = Knee.recommend(runs, cores: 2)
            #expect(knee.recommendedWorkers == 4)
            #expect(CPUBoundCap.apply(knee, samples: runs, cores: 2) == knee)
        }

        @Test func aJobThatWaitsIsNeverCapped() {
            // 10 ms tasks that compute 1 ms: wait/compute 9, room for 20 threads on 2 cores.
            let runs = [1, 2, 4, 8].flatMap { n in
                [0.99, 1, 1.01].map { sample(workers: n, throughput: 100 * Double(n) * $0, latencyP50: 0.010, cpuSeconds: 0.1) }
            }
            let knee = Knee.recommend(runs, cores: 2)
            #expect(knee.recommendedWorkers == 8)
            #expect(CPUBoundCap.apply(knee, samples: runs, cores: 2) == knee)
        }

        @Test func withoutCpuTimeTheStepDoesNotApply() {
            let runs = [1, 2, 4].flatMap { n in [0.99, 1, 1.01].map { sample(workers: n, throughput: Double(n) * $0 * 100) } }
            let knee = Knee.recommend(runs, cores: 2)
            #expect(CPUBoundCap.apply(knee, samples: runs, cores: 2) == knee)
        }
    }
}
