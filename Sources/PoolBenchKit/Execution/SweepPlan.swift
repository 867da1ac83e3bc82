/// One executor at one worker count: what a sweep measures repeatedly.
public struct SweepPoint: Hashable, Sendable, Codable {
    public var executor: ExecutorKind
    public var workers: Int

    public init(executor: ExecutorKind, workers: Int) {
        self.executor = executor
        self.workers = workers
    }
}

/// What a sweep will run: every executor at every worker count, `repeats`
/// measured runs per point after `warmups` unrecorded ones.
public struct SweepPlan: Sendable {
    /// The most workers a point may have: `run --workers`, `tune
    /// --max-workers` and import all hold to it.
    public static let maxWorkers = 10_000

    public var workload: WorkloadSpec
    public var executors: [ExecutorKind]
    public var workerCounts: [Int]
    public var tasks: Int
    public var repeats: Int
    public var warmups: Int

    public init(workload: WorkloadSpec, executors: [ExecutorKind], workerCounts: [Int], tasks: Int, repeats: Int, warmups: Int) {
        self.workload = workload
        self.executors = executors
        self.workerCounts = workerCounts
        self.tasks = tasks
        self.repeats = repeats
        self.warmups = warmups
    }

    /// Each executor at each worker count; `sequential` is one point at one
    /// worker whatever the counts say.
    public var points: [SweepPoint] {
        executors.flatMap { executor in
            executor.isSingleWorker
                ? [SweepPoint(executor: executor, workers: 1)]
                : workerCounts.map { SweepPoint(executor: executor, workers: $0) }
        }
    }

    /// One entry per run in the order to run them: all warm-ups, then the
    /// measured repetitions. Each round visits every point once in a fresh
    /// shuffled order, so drift on a noisy machine spreads over all points
    /// instead of biasing whichever ran last.
    public func schedule(using generator: inout some RandomNumberGenerator) -> [ScheduledRun] {
        var runs: [ScheduledRun] = []
        for round in 0..<(warmups + repeats) {
            let repetition = round < warmups ? nil : round - warmups
            runs += points.shuffled(using: &generator).map { ScheduledRun(point: $0, repetition: repetition) }
        }
        return runs
    }
}

/// One entry of a sweep's schedule.
public struct ScheduledRun: Hashable, Sendable {
    public var point: SweepPoint
    /// Which measured repetition this is; nil for a warm-up, which is not stored.
    public var repetition: Int?
}
