/// Runs tasks one after another, like a plain loop; `workers` is ignored.
/// The loop runs on a thread of its own (a cached one), not on the
/// cooperative pool.
public struct SequentialExecutor: Executor {
    public var kind: ExecutorKind { .sequential }

    public init() {}

    public func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        try PoolBenchError.validate(tasks: tasks, workers: workers)
        let ledger = TaskLedger(tasks: tasks)
        return try await ThreadCache.shared.run {
            let start = MonotonicClock.now()
            for task in 0..<tasks {
                ledger.runBlocking(workload, task: task)
            }
            return ledger.result(wallSeconds: MonotonicClock.seconds(since: start))
        }
    }
}
