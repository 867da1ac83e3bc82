import Foundation
@testable import PoolBenchKit
import Testing

extension AnswersTests {
    @Suite("tune")
    struct TuneReportTests {
        @Test("When every probe failed tune recommends nothing and says so in one line, with the first error")
        func everyProbeFailed() throws {
            let records = [1, 1, 1, 2, 2, 2].enumerated().map { index, workers in
                var run = RunRecord.fixture(sweepId: 4, workers: workers, repetition: index % 3, throughput: 0)
                run.errorCount = run.tasks
                run.firstError = "connection refused"
                return run
            }
            let started = Date(timeIntervalSince1970: 1_795_000_000)
            let recommendation = Knee.recommend(records.map { Sample($0, sweepStartedAt: started) })
            let report = TuneReport(
                sweepId: 4, workload: .sleep(duration: 0.01, capacity: nil), executor: .pool, probeOrder: [1, 2],
                runs: records, recommendation: recommendation, fullSweepRuns: 768
            )
            let text = try render(report, as: .table)
            let lines = text.split(separator: "\n")
            #expect(lines.contains { $0 == "No recommendation: every one of the 6 runs failed, so there is no throughput to "
                + "compare (first error: connection refused); fix what the error says, check with a small run, then measure again." })
            #expect(lines.filter { $0.contains("connection refused") }.count == 1, "\(text)")
            #expect(!text.contains("◆ knee"))
        }
    }
}
