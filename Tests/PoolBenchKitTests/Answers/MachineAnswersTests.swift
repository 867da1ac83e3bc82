import Foundation
@testable import PoolBenchKit
import Testing

/// Sweeps of a server with `slots` slots serving 20 ms tasks, stored as
/// `run` would: throughput min(N, K) ÷ 20 ms with seeded noise, p99
/// ⌈N ÷ K⌉ × 20 ms (past K every task queues), and the rest of the 2-core
/// machine using `othersShare` of it during every run.
struct QueueingHistory {
    let store: SQLiteHistoryStore
    var generator = SeededGenerator(seed: 5)
    var hour = 0.0

    init() throws {
        store = try SQLiteHistoryStore.inMemory()
    }

    @discardableResult
    mutating func sweep(
        slots: Int = 8, workers: [Int] = [1, 2, 4, 8, 16, 32], runs: Int = 3, factor: Double = 1, othersShare: Double? = 0.02
    ) throws -> SweepRecord {
        let startedAt = Date(timeIntervalSince1970: 1_795_000_000 + 3_600 * hour)
        hour += 1
        let host = try store.host(.fixture)
        let sweep = try store.beginSweep(SweepRecord(hostId: host.id!, startedAt: startedAt, commandLine: "poolbench run sleep"))
        for n in workers {
            for repetition in 0..<runs {
                let noise = 1 + 0.01 * (generator.nextUnit() - 0.5)
                let throughput = Double(min(n, slots)) / 0.020 * noise * factor
                let wall = 100 / throughput
                let p99 = 0.020 * Double((n + slots - 1) / slots) * noise
                try store.save(RunRecord(
                    sweepId: sweep.id!, workload: "sleep", parameters: "duration=20ms capacity=\(slots)", executor: "pool",
                    workers: n, tasks: 100, repetition: repetition, startedAt: startedAt, wallSeconds: wall,
                    throughput: throughput, latencyP50: 0.020, latencyP99: p99, cpuUserSeconds: 0.01, cpuSystemSeconds: 0.01,
                    machineCpuSeconds: othersShare.map { $0 * wall * 2 + 0.02 }, otherCpuSeconds: othersShare.map { $0 * wall * 2 },
                    stealSeconds: othersShare.map { _ in 0 }
                ))
            }
        }
        try store.finishSweep(id: sweep.id!, status: .completed, at: startedAt.addingTimeInterval(60))
        return sweep
    }

    func series(newest: Int = 10) throws -> [SeriesRuns] {
        try store.seriesRuns(matching: HistoryFilter(), newestSweeps: newest)
    }
}

extension AnswersTests {
    @Suite("Answers on a noisy job")
    struct MachineAnswersTests {
        @Test("best --max-p99 on a server whose latency grows past its 8 slots picks 8, beside the knee")
        func latencyLimitPicksTheCapacity() throws {
            var history = try QueueingHistory()
            try history.sweep()
            let report = BestAnswer(series: try history.series(), newestSweeps: 10, latencyLimit: 0.030)
            let answer = try #require(report.answers.first)
            #expect(answer.recommendation.recommendedWorkers == 8)
            #expect(answer.latencyLimited?.limitedWorkers == 8)
            let text = try render(report, as: .table)
            #expect(text.contains("Under p99 ≤ 30ms: 8 workers, band 8…8"))
            let json = try #require((try jsonObject(report)["answers"] as? [[String: Any]])?.first)
            #expect(json["latencyLimit"] as? Double == 0.030)
            #expect(json["limitedWorkers"] as? Int == 8)
            #expect(json["limitedBand"] as? [Int] == [8, 8])
            #expect(json["limitedSettled"] as? Bool == true && json["limitedUndecidedWorkers"] as? [Int] == [])
            let points = try #require(json["points"] as? [[String: Any]])
            #expect(points.map { $0["p99Verdict"] as? String } == ["meets", "meets", "meets", "meets", "exceeds", "exceeds"])
        }

        @Test("A limit no tested count meets gives one line and no recommendation under it")
        func latencyLimitNobodyMeets() throws {
            var history = try QueueingHistory()
            try history.sweep()
            let report = BestAnswer(series: try history.series(), newestSweeps: 10, latencyLimit: 0.010)
            let json = try #require((try jsonObject(report)["answers"] as? [[String: Any]])?.first)
            #expect(json["limitedWorkers"] is NSNull && json["limitedBand"] is NSNull)
            let lines = try render(report, as: .table).split(separator: "\n").filter { $0.contains("Under p99") }
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("Under p99 ≤ 10ms: no tested worker count meets the limit (the lowest median p99 was ") == true)
            #expect(lines.first?.hasSuffix("), so there is no recommendation under it.") == true)
        }

        @Test("Without --max-p99 the latency keys are null")
        func latencyKeysAreNullWhenNotAsked() throws {
            var history = try QueueingHistory()
            try history.sweep()
            let json = try #require((try jsonObject(BestAnswer(series: try history.series(), newestSweeps: 10))["answers"]
                as? [[String: Any]])?.first)
            #expect(json["latencyLimit"] is NSNull && json["limitedWorkers"] is NSNull && json["limitedBand"] is NSNull)
            #expect(json["limitedSettled"] is NSNull && json["limitedUndecidedWorkers"] is NSNull)
            #expect((json["points"] as? [[String: Any]])?.allSatisfy { $0["p99Verdict"] is NSNull } == true)
        }

        @Test("best warns in one line when the answered sweeps ran on a busy machine, and not when they did not")
        func busyMachineWarning() throws {
            var quiet = try QueueingHistory()
            try quiet.sweep(othersShare: 0.05)
            let calm = BestAnswer(series: try quiet.series(), newestSweeps: 10)
            #expect(try !render(calm, as: .table).contains("Busy machine"))
            #expect(calm.answers.first?.busySweeps == [])

            var busy = try QueueingHistory()
            try busy.sweep(othersShare: 0.05)
            let loaded = try busy.sweep(othersShare: 0.6)
            let report = BestAnswer(series: try busy.series(), newestSweeps: 10)
            let answer = try #require(report.answers.first)
            #expect(answer.busyMachine.map(\.sweepID) == [loaded.id!])
            #expect(isClose(answer.busyMachine.first?.othersShare, 0.6, tolerance: 1e-9))
            let lines = try render(report, as: .table).split(separator: "\n").filter { $0.contains("Busy machine") }
            #expect(lines == ["Busy machine: other processes used 60% of the 2 cores on average during sweep \(loaded.id!)'s "
                + "runs (more than 25%), so the machine, not the job, may have moved these numbers; measure again on a quiet machine."])
            let json = try #require((try jsonObject(report)["answers"] as? [[String: Any]])?.first)
            #expect(json["busySweeps"] as? [Int] == [Int(loaded.id!)])
        }

        @Test("Runs recorded before the machine's load was measured never make a sweep busy")
        func unmeasuredRunsAreNotBusy() throws {
            var history = try QueueingHistory()
            try history.sweep(othersShare: nil)
            let answer = try #require(BestAnswer(series: try history.series(), newestSweeps: 10).answers.first)
            #expect(answer.busySweeps.isEmpty && answer.othersCpuShare == nil)
        }

        @Test("trend marks a regression a busy machine may explain, and still reports it")
        func trendAnnotatesBusyRegressions() throws {
            var history = try QueueingHistory()
            for _ in 0..<6 { try history.sweep(workers: [4, 8], othersShare: 0.02) }
            let loaded = try history.sweep(workers: [4, 8], factor: 0.7, othersShare: 0.7)
            let output = TrendAnswer(series: try history.series(newest: 20), newestSweeps: 20)
            #expect(output.hasRegression, "a regression is still one")
            let series = try #require(output.series.first)
            let change = try #require(series.changes.last)
            #expect(change.direction == .regression && change.sweepID == loaded.id!)
            #expect(series.changes.last?.busyMachine == true)
            let text = try render(output, as: .table)
            #expect(text.contains("▼ at newest: tasks/s −30% (busy machine)"))
            #expect(text.contains("▼ regression, busy machine"))
            #expect(text.contains("Busy machine: other processes used 70% of the 2 cores on average during sweep \(loaded.id!)'s runs"))
            let json = try jsonObject(output)
            #expect(json["busySweeps"] as? [Int] == [Int(loaded.id!)])
            let changes = try #require(((json["series"] as? [[String: Any]])?.first?["changes"]) as? [[String: Any]])
            #expect(changes.last?["busyMachine"] as? Bool == true)
        }

        @Test("trend leaves a regression on a quiet machine unmarked")
        func trendQuietRegression() throws {
            var history = try QueueingHistory()
            for _ in 0..<6 { try history.sweep(workers: [4, 8]) }
            try history.sweep(workers: [4, 8], factor: 0.7)
            let output = TrendAnswer(series: try history.series(newest: 20), newestSweeps: 20)
            #expect(output.series.allSatisfy { $0.changes.allSatisfy { !$0.busyMachine } && !$0.changes.isEmpty })
            #expect(try !render(output, as: .table).contains("busy machine"))
        }
    }
}

extension AnalysisTests {
    @Suite("Busy machine")
    struct BusyMachineTests {
        func run(sweep: Int64, wall: Double, other: Double?) -> Sample {
            var run = sample(sweep: sweep, workers: 1, throughput: 100 / wall)
            run.otherCpuSeconds = other
            return run
        }

        @Test func theOthersShareIsWeightedByWallTimeOverEveryCore() {
            // 1 s at 0.2 of 2 cores and 3 s at 0.6: (0.4 + 3.6) ÷ (4 × 2) = 0.5.
            let runs = [run(sweep: 1, wall: 1, other: 0.4), run(sweep: 1, wall: 3, other: 3.6), run(sweep: 1, wall: 5, other: nil)]
            #expect(isClose(BusyMachine.othersShare(runs, cores: 2), 0.5))
            #expect(BusyMachine.othersShare([run(sweep: 1, wall: 1, other: nil)], cores: 2) == nil)
        }

        @Test func aSweepIsBusyAboveAQuarterOfTheCores() {
            let runs = [
                run(sweep: 3, wall: 1, other: 0.5), run(sweep: 3, wall: 1, other: 0.5),  // exactly 25%: not busy
                run(sweep: 4, wall: 1, other: 0.6), run(sweep: 5, wall: 1, other: 1.8),
            ]
            #expect(BusyMachine.busySweeps(runs, cores: 2).map(\.sweepID) == [4, 5])
            let warning = BusyMachine.warning(BusyMachine.busySweeps(runs, cores: 2), cores: 2)
            #expect(warning?.hasPrefix("Busy machine: other processes used up to 90% of the 2 cores on average during sweeps 4, 5") == true)
            #expect(BusyMachine.warning([], cores: 2) == nil)
            let many = (1...9).map { SweepLoad(sweepID: $0, othersShare: 0.3) }
            #expect(BusyMachine.warning(many, cores: 2)?.contains("during 9 sweeps, newest 6, 7, 8, 9 (more than 25%)") == true)
        }

        @Test func aBusySweepExplainsARegressionAtItAndAnImprovementAfterIt() {
            func change(_ direction: ChangeDirection, at sweep: Int64, confirmedAt detected: Int64? = nil) -> ChangePoint {
                ChangePoint(
                    metric: .throughput, direction: direction, sweepID: sweep, detectedAtSweepID: detected ?? sweep,
                    before: 1, after: 1, relativeChange: 0, pValue: 0, threshold: 0
                )
            }
            let order: [Int64] = [1, 2, 3, 4, 5]
            #expect(BusyMachine.mayExplain(change(.regression, at: 3), order: order, busy: [3]))
            #expect(BusyMachine.mayExplain(change(.regression, at: 2, confirmedAt: 3), order: order, busy: [3]))
            #expect(!BusyMachine.mayExplain(change(.regression, at: 4), order: order, busy: [3]))
            #expect(BusyMachine.mayExplain(change(.improvement, at: 4), order: order, busy: [3]))
            #expect(!BusyMachine.mayExplain(change(.improvement, at: 3), order: order, busy: [3]))
        }
    }
}

extension AnswersTests {
    @Suite("run and tune on a busy machine")
    struct BusyRunReportTests {
        func runs(othersShare: Double) -> [RunRecord] {
            [1, 2].map { workers in
                RunRecord(
                    sweepId: 3, workload: "sleep", parameters: "duration=10ms", executor: "pool", workers: workers, tasks: 10,
                    repetition: 0, startedAt: Date(timeIntervalSince1970: 0), wallSeconds: 1, throughput: 10 * Double(workers),
                    otherCpuSeconds: othersShare * 2
                )
            }
        }

        @Test func runsSummaryWarnsInOneLineOnlyWhenTheMachineWasBusy() throws {
            let sleep = WorkloadSpec.sleep(duration: 0.01, capacity: nil)
            let busy = SweepReport(sweepId: 3, workload: sleep, tasks: 10, runs: runs(othersShare: 0.4), logicalCores: 2)
            let lines = try render(busy, as: .table).split(separator: "\n").filter { $0.hasPrefix("Busy machine") }
            #expect(lines == ["Busy machine: other processes used 40% of the 2 cores on average during sweep 3's runs (more than 25%), "
                + "so the machine, not the job, may have moved these numbers; measure again on a quiet machine."])
            #expect(try jsonObject(busy)["busyMachine"] as? Bool == true)
            let quiet = SweepReport(sweepId: 3, workload: sleep, tasks: 10, runs: runs(othersShare: 0.1), logicalCores: 2)
            #expect(try !render(quiet, as: .table).contains("Busy machine"))
        }
    }
}
