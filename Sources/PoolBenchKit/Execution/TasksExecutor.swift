/// A Swift task group with at most N child tasks, running the workload's
/// async body. Each child claims the next task index from a shared queue
/// until none are left, like N asyncio workers pulling from one queue;
/// a child task per item would add the cost of creating a task (about a
/// microsecond) to every item.
public struct TasksExecutor: Executor {
    public var kind: ExecutorKind { .tasks }

    public init() {}

    public func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        try PoolBenchError.validate(tasks: tasks, workers: workers)
        let ledger = TaskLedger(tasks: tasks)
        let queue = TaskQueue(count: tasks)
        let start = MonotonicClock.now()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<min(workers, tasks) {
                group.addTask {
                    while let task = queue.claim() {
                        await ledger.run(workload, task: task)
                    }
                }
            }
        }
        return ledger.result(wallSeconds: MonotonicClock.seconds(since: start))
    }
}
