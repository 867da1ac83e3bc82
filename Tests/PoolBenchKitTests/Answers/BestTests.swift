import Foundation
@testable import PoolBenchKit
import Testing

extension AnswersTests {
    @Suite("best")
    struct BestTests {
        func best(_ history: SyntheticHistory, filter: HistoryFilter = HistoryFilter(), tolerance: Double = 0.05) throws -> BestAnswer {
            BestAnswer(series: try history.store.seriesRuns(matching: filter, newestSweeps: 20), tolerance: tolerance, newestSweeps: 20)
        }

        @Test("A simulated server with 16 slots gets 16 workers with a band inside 12…20, the peak and the trade-off")
        func capacitySixteen() throws {
            var history = try SyntheticHistory(seed: 1)
            try history.sweep(workers: Array(1...48), curve: capacity(16))
            let report = try best(history)
            let answer = try #require(report.answers.first)
            #expect(report.answers.count == 1)
            let recommendation = answer.recommendation
            // 15 slots reach 93.75% of 16, 1.25 points under the cut: with
            // noisy runs 15 may measure within, but then not settled there.
            let recommended = try #require(recommendation.recommendedWorkers)
            #expect(recommended == 16
                || (recommended == 15 && !recommendation.settled && recommendation.undecidedWorkers.contains(15)))
            let band = try #require(recommendation.band)
            #expect(band.contains(16) && band.lowerBound >= 12 && band.upperBound <= 20)
            #expect(recommendation.method == .saturation && recommendation.plateauReached)
            #expect(recommendation.runs == 144 && answer.level.sweeps == 1)
            #expect(isClose(recommendation.priors.littlesLawWorkers, 16, tolerance: 0.1))

            let text = try render(report, as: .table)
            #expect(text.contains("sleep duration=20ms capacity=16 · pool · bench-1"))
            #expect(text.contains("Recommended: \(recommended) workers, band \(band.lowerBound)…\(band.upperBound)"))
            #expect(text.contains("Method: saturation model — saturation fit"))
            #expect(text.contains("Little's law 16"))
            let knee = try #require(text.split(separator: "\n").first { $0.contains("◀ recommended") })
            #expect(knee.hasPrefix("     \(recommended)") && knee.contains("████"))
        }

        @Test("A CPU-bound curve on 2 cores gets at most 2 workers, with the wait/compute prior from the host's cores")
        func cpuBoundTwoCores() throws {
            var history = try SyntheticHistory(seed: 9)
            try history.sweep(
                workload: "cpu", parameters: "size=1000000", executors: ["threads"], workers: Array(1...8),
                taskSeconds: 0.0025, cpuSecondsPerTask: 0.0025
            ) { _, n in 400 * Double(min(n, 2)) * (1 - 0.02 * Double(max(n - 2, 0))) }
            let answer = try #require(try best(history).answers.first)
            #expect((answer.recommendation.recommendedWorkers ?? 99) <= 2)
            // 2 cores × (1 + 0 wait / 2.5 ms compute)
            #expect(isClose(answer.recommendation.priors.waitRatioWorkers, 2))
            #expect(answer.logicalCores == 2)
        }

        @Test("When throughput still climbs at the largest count, best says so and suggests the next range")
        func noPlateau() throws {
            var history = try SyntheticHistory(seed: 3)
            try history.sweep(
                workload: "cpu", parameters: "size=1000", workers: [1, 2, 4, 8], spec: .cpu(size: 1000), curve: capacity(64)
            )
            let report = try best(history)
            let recommendation = try #require(report.answers.first?.recommendation)
            #expect(recommendation.recommendedWorkers == 8 && !recommendation.plateauReached)
            #expect(recommendation.nextRange == 8...32)
            let text = try render(report, as: .table)
            #expect(text.contains("no plateau reached"))
            #expect(text.contains("Next: `poolbench run cpu --size 1000 --executor pool --workers 8,12,16,24,32`"))
            #expect(try jsonObject(report)["answers"].flatMap { ($0 as? [[String: Any]])?.first?["nextRange"] } as? [Int] == [8, 32])
        }

        @Test("With one worker count best recommends nothing and says what to run")
        func oneWorkerCount() throws {
            var history = try SyntheticHistory(seed: 4)
            try history.sweep(workers: [8], spec: .sleep(duration: 0.02, capacity: 16), curve: capacity(16))
            let report = try best(history)
            let recommendation = try #require(report.answers.first?.recommendation)
            #expect(recommendation.recommendedWorkers == nil && recommendation.method == .insufficientData)
            let text = try render(report, as: .table)
            #expect(text.contains("No recommendation yet."))
            #expect(text.contains("only 8 workers tested"))
            #expect(text.contains("Next: `poolbench run sleep --duration 20ms --capacity 16 --executor pool --workers 1,2,3,4,6,8,12,16,24,32`"))
            let answer = try #require((try jsonObject(report)["answers"] as? [[String: Any]])?.first)
            #expect(answer["recommendedWorkers"] is NSNull && answer["band"] is NSNull)
        }

        @Test("A history whose old sweeps peaked at 8 answers from the sweeps since the curve moved to 16")
        func answersFromTheCurrentLevel() throws {
            var history = try SyntheticHistory(seed: 5)
            for _ in 0..<8 { try history.sweep(workers: Array(1...24), curve: capacity(8)) }
            let firstNew = try history.sweep(workers: Array(1...24), curve: capacity(16))
            for _ in 0..<5 { try history.sweep(workers: Array(1...24), curve: capacity(16)) }

            let answer = try #require(try best(history).answers.first)
            #expect(answer.recommendation.recommendedWorkers == 16)
            #expect(answer.level.sinceSweepID == firstNew.id && answer.level.sweeps == 6, "\(answer.level)")
            #expect(answer.level.changedWorkers.count >= 8 && answer.level.changedWorkers.allSatisfy { $0 > 8 })
            #expect(answer.sweepsRead == 14)

            // Pooled with the old level, the runs above 8 workers mix both
            // plateaus and the knee falls back below 16 (14 here): the
            // restriction is what answers 16.
            let pooled = Knee.recommend(try history.store.seriesRuns(matching: HistoryFilter(), newestSweeps: 20)[0].samples)
            #expect((8...15).contains(pooled.recommendedWorkers ?? 0), "\(pooled.reason)")
        }

        @Test("Across executors best picks the fewest workers within tolerance of the highest peak")
        func acrossExecutors() throws {
            var history = try SyntheticHistory(seed: 6)
            try history.sweep(executors: ["pool", "tasks", "threads"], workers: Array(1...32)) { executor, n in
                switch executor {
                case "pool": Double(min(n, 16)) / 0.020
                case "tasks": Double(min(n, 24)) / 0.020 * 0.68
                default: Double(min(n, 8)) / 0.020
                }
            }
            let report = try best(history)
            #expect(report.answers.map(\.key.executor) == ["pool", "tasks", "threads"])
            let verdict = try #require(report.executors.first)
            #expect(verdict.choice.executor == "pool" && verdict.choice.workers == 16)
            #expect(verdict.executors == ["pool", "tasks", "threads"])
            let text = try render(report, as: .table)
            #expect(text.contains("sleep duration=20ms capacity=16 on bench-1: use pool with 16 workers"))
        }

        @Test("Workloads with different parameters, and different hosts, are answered apart")
        func seriesAreKeptApart() throws {
            var history = try SyntheticHistory(seed: 7)
            var other = HostRecord.fixture
            other.name = "bench-2"
            try history.sweep(parameters: "duration=20ms capacity=16", workers: [1, 2, 4, 8, 16, 32], curve: capacity(16))
            try history.sweep(parameters: "duration=10ms", workers: [1, 2, 4, 8, 16, 32], curve: capacity(64))
            try history.sweep(parameters: "duration=10ms", workers: [1, 2, 4, 8], host: other, curve: capacity(4))
            let report = try best(history)
            #expect(report.answers.map { "\($0.key.parameters)@\($0.host)" } == [
                "duration=10ms@bench-1", "duration=10ms@bench-2", "duration=20ms capacity=16@bench-1",
            ])
            #expect(report.answers.map(\.recommendation.recommendedWorkers) == [32, 4, 16])
            let filtered = try best(history, filter: HistoryFilter(host: "bench-2"))
            #expect(filtered.answers.map(\.host) == ["bench-2"])
        }

        @Test("The same history gives the same answer, band included")
        func reproducible() throws {
            var history = try SyntheticHistory(seed: 8)
            try history.sweep(workers: Array(1...24), noise: 0.10, curve: capacity(12))
            #expect(try render(try best(history), as: .json) == render(try best(history), as: .json))
        }

        @Test("The JSON carries the promised keys, numbers as numbers")
        func jsonKeys() throws {
            var history = try SyntheticHistory(seed: 10)
            // 1% noise: at 3% the fastest of the nine plateau medians can sit
            // more than the tolerance above the knee's, and the measured
            // medians answer instead of the saturation fit this test expects.
            try history.sweep(workers: Array(1...24), noise: 0.01, curve: capacity(16))
            let json = try jsonObject(try best(history, tolerance: 0.1))
            #expect(json["tolerance"] as? Double == 0.1)
            let answer = try #require((json["answers"] as? [[String: Any]])?.first)
            for key in ["recommendedWorkers", "band", "peakWorkers", "executor", "workload", "method", "runs"] {
                #expect(answer[key] != nil, "missing \(key)")
            }
            #expect(answer["workload"] as? String == "sleep" && answer["parameters"] as? String == "duration=20ms capacity=16")
            #expect(answer["executor"] as? String == "pool" && answer["method"] as? String == "saturation")
            #expect((answer["band"] as? [Int])?.count == 2 && answer["runs"] as? Int == 72)
            #expect(answer["peakThroughput"] is Double)
        }

        @Test("The peak line gives the measured peak, with the model's own peak beside it")
        func measuredPeakLine() throws {
            var history = try SyntheticHistory(seed: 12)
            try history.sweep(workers: Array(1...24), noise: 0, curve: capacity(16))
            let answer = try #require(try best(history).answers.first)
            #expect(answer.recommendation.method == .saturation)
            let text = try render(try best(history), as: .table)
            #expect(text.contains("Peak: 16 workers, 800 tasks/s measured; the saturation model levels off at 16.0 workers, 800 tasks/s."), "\(text)")
            let json = try #require((try jsonObject(try best(history))["answers"] as? [[String: Any]])?.first)
            #expect(json["peakWorkers"] as? Int == 16 && (json["modelPeakWorkers"] as? Double).map { abs($0 - 16) < 1e-9 } == true)
        }

        @Test("A series whose every run failed gets one line: that they failed, the first error and what to do")
        func everyRunFailed() throws {
            let store = try SQLiteHistoryStore.inMemory()
            let sweep = try store.makeSweep()
            for workers in [1, 2, 4, 8] {
                for repetition in 0..<3 {
                    var run = RunRecord.fixture(sweepId: sweep.id!, workers: workers, repetition: repetition, throughput: 0)
                    run.wallSeconds = 0.003
                    run.errorCount = run.tasks
                    run.firstError = "connection refused: http://127.0.0.1:9/"
                    try store.save(run)
                }
            }
            try store.finishSweep(id: sweep.id!, status: .completed)
            let report = BestAnswer(series: try store.seriesRuns(matching: HistoryFilter(), newestSweeps: 10), newestSweeps: 10)
            let recommendation = try #require(report.answers.first?.recommendation)
            #expect(recommendation.method == .allRunsFailed && recommendation.recommendedWorkers == nil)
            let text = try render(report, as: .table)
            let lines = text.split(separator: "\n")
            #expect(lines.filter { $0.contains("failed") }.count == 1, "\(text)")
            #expect(lines.contains { $0 == "No recommendation: every one of the 12 runs failed, so there is no throughput "
                + "to compare (first error: connection refused: http://127.0.0.1:9/); fix what the error says, check with "
                + "a small run, then measure again." })
            #expect(!text.contains("★") && !text.contains("Method:") && !text.contains("Next:"))
            let json = try #require((try jsonObject(report)["answers"] as? [[String: Any]])?.first)
            #expect(json["method"] as? String == "allRunsFailed" && json["recommendedWorkers"] is NSNull)
            #expect(json["firstError"] as? String == "connection refused: http://127.0.0.1:9/")
        }

        @Test("The sequential baseline gets no answer of its own")
        func sequentialIsSkipped() throws {
            var history = try SyntheticHistory(seed: 11)
            try history.sweep(executors: ["sequential", "pool"], workers: [1, 2, 4], curve: capacity(16))
            let report = try best(history)
            #expect(report.answers.map(\.key.executor) == ["pool"] && report.skippedSequential == 1)
        }
    }
}

@Suite struct NextRangeTests {
    @Test func aShortRangeIsSuggestedAsARangeAndAWideOneAsAGeometricList() {
        #expect(SeriesKey.workerList(4...16) == "4...16")
        #expect(SeriesKey.workerList(32...128) == "32,48,64,96,128")
        #expect(SeriesKey.workerList(1...32) == "1,2,3,4,6,8,12,16,24,32")
        #expect(SeriesKey.workerList(10...100) == "10,15,20,30,40,60,80,100")
    }
}
