import Foundation
@testable import PoolBenchKit
import Testing

extension AnswersTests {
    @Suite("trend")
    struct TrendReportTests {
        func trend(_ history: SyntheticHistory, newestSweeps: Int = 20) throws -> TrendAnswer {
            TrendAnswer(series: try history.store.seriesRuns(matching: HistoryFilter(), newestSweeps: newestSweeps), newestSweeps: newestSweeps)
        }

        /// `steady` sweeps at the capacity-16 curve, then `stepped` at `factor` × it.
        func history(seed: UInt64, steady: Int, stepped: Int = 0, factor: Double = 0.8, workers: [Int] = [4, 8, 16]) throws -> SyntheticHistory {
            var history = try SyntheticHistory(seed: seed)
            for _ in 0..<steady { try history.sweep(workers: workers, noise: 0.02, curve: capacity(16)) }
            for _ in 0..<stepped { try history.sweep(workers: workers, noise: 0.02) { capacity(16)($0, $1) * factor } }
            return history
        }

        @Test("A 20% drop at the newest sweep is flagged as a regression and sets hasRegression")
        func injectedStep() throws {
            let output = try trend(try history(seed: 1, steady: 8, stepped: 1))
            #expect(output.hasRegression)
            #expect(output.series.count == 3 && output.series.allSatisfy { $0.regressedAtNewest == [.throughput] })
            let change = try #require(output.series.first?.changes.last)
            #expect(change.direction == .regression && change.metric == .throughput)
            #expect(abs(change.relativeChange + 0.2) < 0.05)
            let text = try render(output, as: .table)
            #expect(text.contains("▼ at newest: tasks/s −2"))
            #expect(text.contains("3 series regressed at the newest sweep"))
            #expect(try jsonObject(output)["hasRegression"] as? Bool == true)
        }

        @Test("A steady history has no regression")
        func steadyHistory() throws {
            let output = try trend(try history(seed: 2, steady: 10))
            #expect(!output.hasRegression)
            #expect(output.series.allSatisfy { $0.changes.isEmpty })
            #expect(try render(output, as: .table).contains("No series regressed at its newest sweep."))
        }

        @Test("An older regression is listed but no longer fails: its window has restarted at the new level")
        func olderRegression() throws {
            let output = try trend(try history(seed: 3, steady: 6, stepped: 4))
            #expect(!output.hasRegression)
            #expect(output.series.contains { $0.changes.contains { $0.direction == .regression } })
            let text = try render(output, as: .table)
            #expect(text.contains("Changes"))
            #expect(text.contains("▼ regression"))
        }

        @Test("A regression at one worker count stops failing once newer sweeps of the series measured only other counts")
        func regressionAtACountLaterSweepsSkipped() throws {
            /// Six steady sweeps of 4 and 32 workers, a seventh where 32 lost
            /// 20%, then `later` sweeps of 4 workers alone.
            func history(later: Int) throws -> SyntheticHistory {
                var history = try SyntheticHistory(seed: 12)
                for _ in 0..<6 { try history.sweep(workers: [4, 32], noise: 0.02, curve: capacity(16)) }
                try history.sweep(workers: [4, 32], noise: 0.02) { capacity(16)($0, $1) * ($1 == 32 ? 0.8 : 1) }
                for _ in 0..<later { try history.sweep(workers: [4], noise: 0.02, curve: capacity(16)) }
                return history
            }
            let atSeven = try trend(try history(later: 0))
            #expect(atSeven.hasRegression, "the regression is found while sweep 7 is the newest")

            let output = try trend(try history(later: 3))
            #expect(!output.hasRegression)
            let thirtyTwo = try #require(output.series.first { $0.workers == 32 })
            #expect(thirtyTwo.regressedAtNewest.isEmpty)
            #expect(thirtyTwo.changes.last?.sweepID == 7 && thirtyTwo.changes.last?.direction == .regression)
            let text = try render(output, as: .table)
            #expect(text.contains("▼ tasks/s −2") && text.contains("% at sweep 7"))
            #expect(!text.contains("▼ at newest"))
            #expect(text.contains("No series regressed at its newest sweep."))
        }

        @Test("Each series lists every sweep's median throughput and p99, oldest to newest, with a sparkline")
        func perSweepSummaries() throws {
            var history = try SyntheticHistory(seed: 4)
            for level in [1.0, 1.0, 1.2, 1.2, 1.2, 0.9] {
                try history.sweep(workers: [8], noise: 0.01) { capacity(16)($0, $1) * level }
            }
            let output = try trend(history)
            let series = try #require(output.series.first)
            #expect(series.workers == 8 && series.sweeps.count == 6)
            #expect(series.sweeps.map(\.sweepID) == [1, 2, 3, 4, 5, 6])
            #expect(series.sweeps.allSatisfy { isClose($0.medianLatencyP99, 0.021) })
            let throughput = series.sweeps.map(\.medianThroughput)
            #expect(isClose(throughput[2] / throughput[0], 1.2, tolerance: 0.05))
            let row = try #require(try render(output, as: .table).split(separator: "\n").first { $0.hasPrefix("sleep") })
            #expect(row.contains(Sparkline.render(throughput)))

            let json = try #require((try jsonObject(output)["series"] as? [[String: Any]])?.first)
            let sweeps = try #require(json["sweeps"] as? [[String: Any]])
            #expect(sweeps.map { $0["sweepId"] as? Int } == [1, 2, 3, 4, 5, 6])
            #expect(sweeps.allSatisfy { $0["medianThroughput"] is Double && $0["medianLatencyP99"] is Double })
            #expect(json["workers"] as? Int == 8 && json["executor"] as? String == "pool")
        }

        @Test("A recommended worker count that moves from 8 to 16 is flagged as drift")
        func workerDrift() throws {
            var history = try SyntheticHistory(seed: 5)
            for _ in 0..<3 { try history.sweep(workers: Array(1...24), curve: capacity(8)) }
            for _ in 0..<3 { try history.sweep(workers: Array(1...24), curve: capacity(16)) }
            let output = try trend(history)
            let drift = try #require(output.recommendations.first)
            // 15 workers give 93.75% of 16, within 1.25% of the 5% cut: with
            // 3% noise and three runs a sweep's estimate lands above the cut
            // about one time in four, and that sweep answers 15 (undecided).
            let recommended = drift.points.map(\.recommendedWorkers)
            #expect(recommended.count == 6, "\(recommended)")
            #expect(recommended.prefix(3).allSatisfy { (7...10).contains($0) }, "\(recommended)")
            #expect(recommended.suffix(3).allSatisfy { (15...18).contains($0) }, "\(recommended)")
            #expect(drift.shifts.map(\.sweepID) == [4])
            let shift = drift.shifts.first.map { ($0.fromWorkers, $0.toWorkers) } ?? (0, 0)
            #expect((7...10).contains(shift.0) && (15...18).contains(shift.1), "\(shift)")
            #expect(try render(output, as: .table).contains("\(shift.0) → \(shift.1) at sweep 4"))
        }

        @Test("--last reads only each series' newest sweeps")
        func newestSweepsOnly() throws {
            let history = try history(seed: 6, steady: 7)
            let series = try history.store.seriesRuns(matching: HistoryFilter(), newestSweeps: 3)
            #expect(series.count == 1 && series[0].sweeps.map(\.id) == [5, 6, 7])
            #expect(Set(series[0].samples.map(\.sweepID)) == [5, 6, 7] && series[0].samples.count == 27)
        }
    }
}
