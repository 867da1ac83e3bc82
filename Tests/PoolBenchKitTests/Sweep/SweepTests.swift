import Foundation
import Testing
@testable import PoolBenchKit

/// A deterministic executor: every task "takes" `taskSeconds`, and wall
/// time is ⌈tasks ÷ workers⌉ of them. The first `failing` tasks fail.
struct FakeExecutor: Executor {
    var kind: ExecutorKind
    var taskSeconds = 0.01
    var failing = 0

    func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        let rounds = (tasks + workers - 1) / workers
        return ExecutionResult(
            wallSeconds: Double(rounds) * taskSeconds, latencies: Array(repeating: taskSeconds, count: tasks),
            errorCount: min(failing, tasks), firstError: failing > 0 ? "task 0: boom" : nil
        )
    }
}

struct BrokenExecutor: Executor {
    struct Failure: Error {}
    var kind: ExecutorKind { .processes }
    func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult { throw Failure() }
}

struct NoWorkload: Workload {
    var spec: WorkloadSpec { .sleep(duration: 0.01, capacity: nil) }
    func runBlocking(task: Int) throws {}
    func run(task: Int) async throws {}
}

@Suite struct SweepPlanTests {
    let plan = SweepPlan(
        workload: .sleep(duration: 0.01, capacity: nil), executors: [.sequential, .pool], workerCounts: [1, 2, 4],
        tasks: 10, repeats: 3, warmups: 1
    )

    @Test func sequentialIsOnePointWhateverTheWorkerCounts() {
        #expect(plan.points == [
            SweepPoint(executor: .sequential, workers: 1), SweepPoint(executor: .pool, workers: 1),
            SweepPoint(executor: .pool, workers: 2), SweepPoint(executor: .pool, workers: 4),
        ])
    }

    @Test func everyRoundVisitsEveryPointOnceWarmUpsFirst() {
        var generator = SeededGenerator(seed: 7)
        let schedule = plan.schedule(using: &generator)
        #expect(schedule.count == 4 * (1 + 3))
        for round in 0..<4 {
            let slice = schedule[(round * 4)..<(round * 4 + 4)]
            #expect(Set(slice.map(\.point)) == Set(plan.points))
            #expect(Set(slice.map(\.repetition)) == [round == 0 ? nil : round - 1])
        }
    }

    @Test func roundsAreShuffledNotRunInTheSameOrder() {
        var generator = SeededGenerator(seed: 7)
        let plan = SweepPlan(
            workload: .cpu(size: 1), executors: [.pool], workerCounts: Array(1...16), tasks: 1, repeats: 4, warmups: 0
        )
        let schedule = plan.schedule(using: &generator)
        let orders = Set((0..<4).map { round in schedule[(round * 16)..<(round * 16 + 16)].map(\.point.workers) })
        #expect(orders.count > 1)
    }
}

@Suite struct SweepRunnerTests {
    @Test func everyMeasuredRunIsStoredAndTheSweepCompletes() async throws {
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep()
        let plan = SweepPlan(
            workload: .sleep(duration: 0.01, capacity: nil), executors: [.pool], workerCounts: [1, 10],
            tasks: 10, repeats: 2, warmups: 1
        )
        var generator = SeededGenerator(seed: 7)
        let runner = SweepRunner(store: store) { FakeExecutor(kind: $0) }
        let runs = try await runner.run(plan, workload: NoWorkload(), schedule: plan.schedule(using: &generator), sweep: sweep)

        #expect(runs.count == 4)
        #expect(try store.runs(matching: HistoryFilter()).count == 4)
        #expect(try store.sweep(id: sweep.id!)?.status == .completed)
        let ten = try #require(runs.first { $0.workers == 10 })
        #expect(ten.wallSeconds == 0.01)
        #expect(ten.throughput == 1000)
        #expect(ten.latencyP50 == 0.01)
        #expect(ten.parameters == "duration=10ms")
        #expect(Set(runs.map(\.repetition)) == [0, 1])
    }

    @Test func throughputCountsOnlyTheTasksThatSucceeded() async throws {
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep()
        let plan = SweepPlan(
            workload: .sleep(duration: 0.01, capacity: nil), executors: [.pool], workerCounts: [10],
            tasks: 10, repeats: 1, warmups: 0
        )
        let point = SweepPoint(executor: .pool, workers: 10)
        func run(failing: Int) async throws -> RunRecord? {
            try await SweepRunner(store: store) { FakeExecutor(kind: $0, failing: failing) }
                .runOnce(point, workload: NoWorkload(), plan: plan, sweepId: sweep.id!, repetition: 0)
        }
        let some = try #require(try await run(failing: 4))
        #expect(some.throughput == 600, "6 of 10 tasks in 10 ms")
        #expect(some.errorCount == 4 && some.wallSeconds == 0.01)
        let all = try #require(try await run(failing: 10))
        #expect(all.throughput == 0 && all.errorCount == 10 && all.firstError == "task 0: boom")
    }

    @Test func aFailedJobRunHasNoThroughputThoughItCountsOneError() async throws {
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep()
        let job = try JobWorkload(arguments: ["sh", "-c", "echo cannot reach {workers} >&2; exit 1"], items: 10)
        let plan = SweepPlan(workload: job.spec, executors: [.job], workerCounts: [2], tasks: 10, repeats: 1, warmups: 0)
        let run = try #require(try await SweepRunner(store: store) { $0.makeExecutor(workerCommand: []) }.runOnce(
            SweepPoint(executor: .job, workers: 2), workload: job, plan: plan, sweepId: sweep.id!, repetition: 0
        ))
        #expect(run.throughput == 0 && run.errorCount == 1 && run.tasks == 10)
        #expect(run.firstError?.contains("cannot reach 2") == true, "\(run.firstError ?? "no error")")
    }

    @Test func aRunRecordsWhatItsTasksReceivedAndNothingForOtherWorkloads() async throws {
        let server = try HTTPTestServer(.init(bytes: 512))
        defer { server.stop() }
        let http = try HTTPWorkload(urls: [server.url], timeout: 10)
        defer { http.close() }
        let store = try SQLiteHistoryStore.inMemory()
        let runner = SweepRunner(store: store) { $0.makeExecutor(workerCommand: []) }
        let point = SweepPoint(executor: .pool, workers: 2)
        let httpPlan = SweepPlan(workload: http.spec, executors: [.pool], workerCounts: [2], tasks: 6, repeats: 2, warmups: 1)
        let sweep = try store.makeSweep()
        _ = try await runner.runOnce(point, workload: http, plan: httpPlan, sweepId: sweep.id!, repetition: nil)
        let first = try await runner.runOnce(point, workload: http, plan: httpPlan, sweepId: sweep.id!, repetition: 0)
        let second = try await runner.runOnce(point, workload: http, plan: httpPlan, sweepId: sweep.id!, repetition: 1)
        let expected: Int64 = 6 * 512
        #expect(first?.bytesReceived == expected, "the warm-up's bytes are not this run's")
        #expect(second?.bytesReceived == expected)
        #expect(try store.runs(matching: HistoryFilter()).map(\.bytesReceived) == [expected, expected])

        let sleepPlan = SweepPlan(
            workload: .sleep(duration: 0, capacity: nil), executors: [.pool], workerCounts: [2], tasks: 2, repeats: 1, warmups: 0
        )
        let sleep = try await runner.runOnce(
            point, workload: try SleepWorkload(duration: 0), plan: sleepPlan, sweepId: sweep.id!, repetition: 0
        )
        #expect(sleep?.bytesReceived == nil)
    }

    @Test func aRunThatCannotBeCarriedOutMarksTheSweepFailedAndKeepsEarlierRuns() async throws {
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep()
        let plan = SweepPlan(
            workload: .sleep(duration: 0.01, capacity: nil), executors: [.pool, .processes], workerCounts: [1],
            tasks: 1, repeats: 1, warmups: 0
        )
        let schedule = plan.points.map { ScheduledRun(point: $0, repetition: 0) }
        let runner = SweepRunner(store: store) { kind in
            kind == .processes ? BrokenExecutor() as any Executor : FakeExecutor(kind: kind)
        }
        await #expect(throws: BrokenExecutor.Failure.self) {
            _ = try await runner.run(plan, workload: NoWorkload(), schedule: schedule, sweep: sweep)
        }
        #expect(try store.sweep(id: sweep.id!)?.status == .failed)
        #expect(try store.runs(matching: HistoryFilter()).map(\.executor) == ["pool"])
    }

    @Test func theReportMarksTheFastestPointAndTheSpeedUp() throws {
        let runs = [(1, 100.0), (1, 110.0), (2, 190.0), (4, 200.0), (4, 210.0)].map { workers, throughput in
            RunRecord.fixture(sweepId: 1, workers: workers, throughput: throughput)
        }
        let report = SweepReport(sweepId: 1, workload: .sleep(duration: 0.01, capacity: nil), tasks: 100, runs: runs)
        #expect(report.rows.map(\.workers) == [1, 2, 4])
        #expect(report.rows.map(\.throughput) == [105, 190, 205])
        #expect(report.rows.map(\.fastest) == [false, false, true])
        #expect(report.rows[2].speedup == 205.0 / 105.0)
        let text = try TextTableFormatter().format(report)
        #expect(text.contains("★ fastest"))
        #expect(text.contains("1.95×"))
        #expect(!text.contains("received"), "a sleep sweep receives nothing")
    }

    @Test func withoutAOneWorkerRunTheSpeedUpIsAgainstTheFewestWorkersAndSaysSo() throws {
        let runs = [(4, 100.0), (8, 150.0), (16, 160.0)].map { workers, throughput in
            RunRecord.fixture(sweepId: 1, workers: workers, throughput: throughput)
        }
        let report = SweepReport(sweepId: 1, workload: .sleep(duration: 0.01, capacity: nil), tasks: 100, runs: runs)
        #expect(report.rows.map(\.speedup) == [1, 1.5, 1.6])
        #expect(report.rows.map(\.speedupBaselineWorkers) == [4, 4, 4])
        #expect(report.notes[0].hasSuffix("speed-up against each executor's fewest workers (no one-worker run)."))
        #expect(report.notes[1] == "Fastest: pool with 16 workers, 625ms per run, 1.60× the throughput of 4 workers.", "\(report.notes)")
    }

    @Test func whenEveryTaskFailedNoPointIsCalledFastest() {
        let runs = [1, 2, 4].map { workers in
            var run = RunRecord.fixture(sweepId: 1, workers: workers, throughput: 0)
            (run.wallSeconds, run.errorCount, run.firstError) = (0.01, 100, "connection refused")
            return run
        }
        let report = SweepReport(sweepId: 1, workload: .sleep(duration: 0.01, capacity: nil), tasks: 100, runs: runs)
        #expect(report.rows.allSatisfy { !$0.fastest })
        #expect(!report.notes.contains { $0.hasPrefix("Fastest") })
        #expect(report.notes.contains("300 tasks failed; first error: connection refused"))
        #expect(report.notes.last == "Nothing succeeded, so there is nothing to recommend from: fix what the error says and run again.")
    }

    /// Runs of a server with 8 slots: throughput λ·min(N, 8) with seeded ±2% noise, 4 runs a count.
    static func slotRuns(capacity: Int, workers: [Int]) -> [RunRecord] {
        var generator = SeededGenerator(seed: 7)
        return workers.flatMap { count in
            (0..<4).map { repetition in
                let noise = 1 + Double.random(in: -0.02...0.02, using: &generator)
                return RunRecord.fixture(sweepId: 1, workers: count, repetition: repetition, throughput: 100 * Double(min(count, capacity)) * noise)
            }
        }
    }

    @Test func theSummaryEndsInTheAnswerTheRunsGive() {
        let runs = Self.slotRuns(capacity: 8, workers: [1, 2, 4, 8, 16, 32])
        let answers = SweepAnswer.answers(runs, sweepStartedAt: runs[0].startedAt)
        #expect(answers.map(\.executor) == ["pool"])
        #expect(answers.first?.recommendation.recommendedWorkers == 8)
        let report = SweepReport(sweepId: 1, workload: .sleep(duration: 0.01, capacity: 8), tasks: 100, runs: runs, answers: answers)
        #expect(report.notes.contains { $0.hasPrefix("Recommended: 8 workers") }, "\(report.notes)")
        #expect(!report.notes.contains { $0.contains("--capacity") }, "a bounded sweep needs no hint")
        #expect(report.notes.last?.hasPrefix("`poolbench best --sweep 1` explains the answer") == true)
    }

    @Test func anUnboundedSleepSaysNoPlateauAndHowToGetAnAnswer() {
        let runs = Self.slotRuns(capacity: 1_000, workers: [1, 2, 4, 8, 16, 32])
        let answers = SweepAnswer.answers(runs, sweepStartedAt: runs[0].startedAt)
        #expect(answers.first?.recommendation.plateauReached == false)
        let report = SweepReport(sweepId: 1, workload: .sleep(duration: 0.01, capacity: nil), tasks: 100, runs: runs, answers: answers)
        #expect(report.notes.contains("No plateau reached: throughput still rising at 32 workers, so no count is recommended yet; try up to 128."), "\(report.notes)")
        #expect(report.notes.contains { $0.contains("add `--capacity 8`") })
        #expect(!report.notes.contains { $0.hasPrefix("Recommended") })
    }

    @Test func sequentialGetsNoAnswerOfItsOwnAndSeveralExecutorsAreNamed() {
        let pool = Self.slotRuns(capacity: 8, workers: [1, 2, 4, 8, 16])
        let threads = pool.map { run in
            var run = run
            run.executor = "threads"
            return run
        }
        let sequential = [RunRecord.fixture(sweepId: 1, executor: "sequential", workers: 1)]
        let answers = SweepAnswer.answers(sequential + threads + pool, sweepStartedAt: pool[0].startedAt)
        #expect(answers.map(\.executor) == ["threads", "pool"])
        let report = SweepReport(sweepId: 1, workload: .sleep(duration: 0.01, capacity: 8), tasks: 100, runs: sequential + threads + pool, answers: answers)
        #expect(report.notes.contains { $0.hasPrefix("Recommended (threads): 8 workers") }, "\(report.notes)")
        #expect(report.notes.contains { $0.hasPrefix("Recommended (pool): 8 workers") })
    }

    @Test func rowsGoFromTheSimplestExecutorToTheMostElaborate() {
        let runs = [("tasks", 2), ("pool", 2), ("sequential", 1), ("dispatch", 2), ("threads", 2)].map { executor, workers in
            RunRecord.fixture(sweepId: 1, executor: executor, workers: workers, throughput: 100)
        }
        let report = SweepReport(sweepId: 1, workload: .sleep(duration: 0.01, capacity: nil), tasks: 100, runs: runs)
        #expect(report.rows.map(\.executor) == ["sequential", "threads", "pool", "dispatch", "tasks"])
    }

    @Test func anHTTPSweepShowsWhatItReceivedPerSecond() throws {
        let runs = [(1, 50.0), (2, 100.0)].map { workers, throughput in
            var run = RunRecord.fixture(sweepId: 1, workers: workers, throughput: throughput)
            run.bytesReceived = 100 * 4096  // 100 tasks of 4 KiB, over a wall of 100 ÷ throughput
            return run
        }
        let report = SweepReport(sweepId: 1, workload: .http(urls: ["http://127.0.0.1:8080/"], timeout: 30), tasks: 100, runs: runs)
        #expect(report.rows.map(\.bytesPerSecond) == [50 * 4096, 100 * 4096])
        let text = try TextTableFormatter().format(report)
        #expect(text.contains("received"))
        #expect(text.contains("200 KiB/s") && text.contains("400 KiB/s"), "\(text)")
    }

    static let byteRates: [(Double, String)] = [
        (0, "0 B/s"), (512, "512 B/s"), (1536, "1.5 KiB/s"), (10_240, "10 KiB/s"),
        (129_394_278.4, "123 MiB/s"), (2_684_354_560, "2.5 GiB/s"),
    ]

    @Test(arguments: byteRates)
    func byteRatesReadInBinaryUnits(value: Double, text: String) {
        #expect(Formatting.byteRate(value) == text)
    }
}

/// What a stored run keeps of an execution whose tasks partly failed.
@Suite struct FailedTaskRecordTests {
    @Test func aRunsLatenciesAreOfSucceededTasksAndItsFailuresAreCountedByKind() throws {
        // Eight tasks of 20 ms succeeded; four were refused in a millisecond.
        var result = ExecutionResult(
            wallSeconds: 0.1, latencies: Array(repeating: 0.020, count: 8), errorCount: 4, firstError: "GET u: status 429"
        )
        result.failedLatencies = [0.001, 0.001, 0.002, 0.001]
        result.failures = FailureCounts([.http(429): 3, .timeout: 1])
        let measured = Measurement(
            point: SweepPoint(executor: .pool, workers: 4), tasks: 12, startedAt: Date(timeIntervalSince1970: 0), result: result,
            usage: ResourceUsage(userSeconds: 0, systemSeconds: 0, peakRssBytes: 0, voluntaryContextSwitches: 0, involuntaryContextSwitches: 0),
            bytesReceived: nil
        )
        let run = measured.record(sweepId: 1, workload: .sleep(duration: 0.02, capacity: nil), repetition: 0)
        #expect(run.latencyP50 == 0.020 && run.latencyP99 == 0.020, "a refusal is not the job getting faster")
        #expect(run.failedLatencyP50 == 0.001)
        #expect(run.failureCounts == FailureCounts([.http(429): 3, .timeout: 1]))
        #expect(run.failures == #"{"http 429":3,"timeout":1}"#)
        #expect(run.throughput == 80)
        #expect(run.measuredRun == MeasuredRun(throughput: 80, tally: TaskTally(tasks: 12, failed: 4), latencyP99: 0.020))
    }
}
