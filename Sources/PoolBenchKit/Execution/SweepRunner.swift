import Foundation

/// Told after every run, so a command can show progress.
public protocol SweepProgress: Sendable {
    func runFinished(done: Int, total: Int, point: SweepPoint, elapsed: Double)
}

/// Runs a sweep's schedule and stores every measured run the moment it
/// ends, each in its own transaction: a crash loses at most the run in flight.
public struct SweepRunner: Sendable {
    public var store: any HistoryStore
    public var makeExecutor: @Sendable (ExecutorKind) -> any Executor

    public init(store: any HistoryStore, makeExecutor: @escaping @Sendable (ExecutorKind) -> any Executor) {
        self.store = store
        self.makeExecutor = makeExecutor
    }

    /// Runs `schedule` for `plan` within the already-recorded `sweep`, marks
    /// the sweep completed (or failed, when a run cannot be carried out) and
    /// returns the stored runs.
    public func run(
        _ plan: SweepPlan, workload: any Workload, schedule: [ScheduledRun], sweep: SweepRecord,
        progress: (any SweepProgress)? = nil
    ) async throws -> [RunRecord] {
        guard let sweepID = sweep.id else { preconditionFailure("the sweep must be stored before it runs") }
        let clock = ContinuousClock()
        let start = clock.now
        var stored: [RunRecord] = []
        do {
            for (index, entry) in schedule.enumerated() {
                let record = try await runOnce(
                    entry.point, workload: workload, plan: plan, sweepId: sweepID, repetition: entry.repetition
                )
                if let record { stored.append(record) }
                let elapsed = start.duration(to: clock.now)
                progress?.runFinished(
                    done: index + 1, total: schedule.count, point: entry.point,
                    elapsed: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                )
            }
        } catch {
            _ = try? store.finishSweep(id: sweepID, status: .failed)
            throw error
        }
        try store.finishSweep(id: sweepID, status: .completed)
        return stored
    }

    /// `run --repeat auto`: runs `schedule` (the first round), then round
    /// after round at the points `sampler` still finds open, each round in a
    /// fresh shuffled order, until every series is settled or `budget` ends
    /// (the first round always runs whole).
    /// Marks the sweep like `run` and says where sampling stopped.
    public func runUntilSettled(
        _ plan: SweepPlan, workload: any Workload, schedule: [ScheduledRun], sweep: SweepRecord,
        sampler: SettlingSampler, budget: SamplingBudget, generator: inout some RandomNumberGenerator,
        progress: (any SweepProgress)? = nil
    ) async throws -> (runs: [RunRecord], sampling: SamplingOutcome) {
        guard let sweepID = sweep.id else { preconditionFailure("the sweep must be stored before it runs") }
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let duration = start.duration(to: clock.now)
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        var stored: [RunRecord] = []
        let sampling: SamplingOutcome
        do {
            sampling = try await sampler.sample(
                firstRound: schedule, budget: budget, elapsed: elapsed, shuffle: { $0.shuffled(using: &generator) },
                measureRun: { entry -> MeasuredRun? in
                let record = try await runOnce(entry.point, workload: workload, plan: plan, sweepId: sweepID, repetition: entry.repetition)
                guard let record else { return nil }
                stored.append(record)
                progress?.runFinished(done: stored.count, total: max(budget.maxRuns, stored.count), point: entry.point, elapsed: elapsed())
                return record.measuredRun
            }).outcome
        } catch {
            _ = try? store.finishSweep(id: sweepID, status: .failed)
            throw error
        }
        try store.finishSweep(id: sweepID, status: .completed)
        return (stored, sampling)
    }

    /// Runs `point` once and stores it as measured repetition `repetition`
    /// of the sweep; a warm-up (`repetition` nil) is run but not stored.
    public func runOnce(
        _ point: SweepPoint, workload: any Workload, plan: SweepPlan, sweepId: Int64, repetition: Int?
    ) async throws -> RunRecord? {
        let measured = try await measure(point, workload: workload, tasks: plan.tasks)
        guard let repetition else { return nil }
        return try store.save(measured.record(sweepId: sweepId, workload: plan.workload, repetition: repetition))
    }

    /// Runs `point` once and stores it as measured repetition `repetition`.
    public func measureAndStore(
        _ point: SweepPoint, workload: any Workload, plan: SweepPlan, sweepId: Int64, repetition: Int
    ) async throws -> RunRecord {
        let measured = try await measure(point, workload: workload, tasks: plan.tasks)
        return try store.save(measured.record(sweepId: sweepId, workload: plan.workload, repetition: repetition))
    }

    private func measure(_ point: SweepPoint, workload: any Workload, tasks: Int) async throws -> Measurement {
        let executor = makeExecutor(point.executor)
        let startedAt = Date()
        let bytesBefore = workload.bytesReceived
        let retriesBefore = workload.retries
        let before = ResourceUsage.startingNewPeak()
        let machineBefore = ProcessorTimes.now()
        var result = try await executor.execute(workload, tasks: tasks, workers: point.workers)
        result.failures.add(workload.retries.since(retriesBefore))
        let machineAfter = ProcessorTimes.now()
        var usage = ResourceUsage.now().since(before)
        usage.userSeconds += result.workerUserSeconds
        usage.systemSeconds += result.workerSystemSeconds
        let load = MachineLoad(
            from: machineBefore, to: machineAfter, ownCpuSeconds: usage.userSeconds + usage.systemSeconds
        )
        let bytesReceived = bytesBefore.map { (workload.bytesReceived ?? $0) - $0 + result.workerBytesReceived }
        return Measurement(
            point: point, tasks: tasks, startedAt: startedAt, result: result, usage: usage, bytesReceived: bytesReceived,
            machineLoad: load
        )
    }
}

extension RunRecord {
    /// The run as sampling sees it: the throughput the decision uses, its
    /// tasks and failed tasks, and its p99.
    public var measuredRun: MeasuredRun {
        let sample = Sample(self, sweepStartedAt: startedAt)
        return MeasuredRun(
            throughput: sample.decisionThroughput, tally: TaskTally(tasks: tasks, failed: sample.failedTasks),
            latencyP99: sample.failedEntirely ? nil : sample.latencyP99
        )
    }
}

/// What one execution measured, before it becomes a stored run.
struct Measurement {
    var point: SweepPoint
    var tasks: Int
    var startedAt: Date
    var result: ExecutionResult
    var usage: ResourceUsage
    /// Nil when the workload does not count what it receives.
    var bytesReceived: Int?
    /// Nil where /proc/stat could not be read.
    var machineLoad: MachineLoad? = nil

    /// Throughput counts tasks that succeeded: a run against an unreachable
    /// URL fails every task fast, and tasks ÷ wall would make it the
    /// fastest point of the sweep. The latency percentiles are of succeeded
    /// tasks too; the failed ones' median is kept apart.
    func record(sweepId: Int64, workload: WorkloadSpec, repetition: Int) -> RunRecord {
        let latency = LatencySummary(result.latencies)
        let tasks = result.tasks ?? tasks
        let succeeded = max(tasks - result.failedTasks, 0)
        return RunRecord(
            sweepId: sweepId, workload: workload.name, parameters: workload.parameterText,
            executor: point.executor.rawValue, workers: point.workers, tasks: tasks, repetition: repetition,
            startedAt: startedAt, wallSeconds: result.wallSeconds,
            throughput: result.wallSeconds > 0 ? Double(succeeded) / result.wallSeconds : 0,
            latencyP50: latency?.p50, latencyP90: latency?.p90, latencyP99: latency?.p99, latencyMax: latency?.max,
            cpuUserSeconds: usage.userSeconds, cpuSystemSeconds: usage.systemSeconds, peakRssBytes: usage.peakRssBytes,
            voluntaryContextSwitches: usage.voluntaryContextSwitches,
            involuntaryContextSwitches: usage.involuntaryContextSwitches,
            errorCount: result.errorCount, firstError: result.firstError, bytesReceived: bytesReceived.map(Int64.init),
            machineCpuSeconds: machineLoad?.machineCpuSeconds, otherCpuSeconds: machineLoad?.otherCpuSeconds,
            stealSeconds: machineLoad?.stealSeconds, failures: result.failures.json,
            failedLatencyP50: Descriptive.median(result.failedLatencies),
            steadyThroughput: SteadyThroughput.estimate(
                taskStarts: result.taskStarts, taskSeconds: result.taskSeconds, failed: result.taskFailed,
                workers: point.executor.isSingleWorker ? 1 : point.workers
            ), workloadSpec: workload.storedJSON
        )
    }
}
