import Dispatch

/// N long-lived threads pulling task indices from one shared queue, like
/// Python's `ThreadPoolExecutor(max_workers=N)`. The threads come from a
/// process-wide `ThreadCache`: an execution that needs more threads than are
/// parked creates the rest within its measured wall time, as Python's pool
/// does; later executions reuse them.
struct PoolExecutor: Executor {
    var kind: ExecutorKind { .pool }
    private let threads: ThreadCache

    init() {
        threads = .shared
    }

    func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        try PoolBenchError.validate(tasks: tasks, workers: workers)
        let ledger = TaskLedger(tasks: tasks)
        let queue = TaskQueue(count: tasks)
        let threads = threads
        return try await threads.run {
            let finished = DispatchSemaphore(value: 0)
            let start = MonotonicClock.now()
            var started = 0
            func waitForStartedWorkers() {
                for _ in 0..<started { finished.wait() }
            }
            for _ in 0..<min(workers, tasks) {
                do {
                    try threads.start {
                        while let task = queue.claim() {
                            ledger.runBlocking(workload, task: task)
                        }
                        finished.signal()
                    }
                } catch {
                    // The workers already started finish their current task and stop.
                    queue.drain()
                    waitForStartedWorkers()
                    throw error
                }
                started += 1
            }
            waitForStartedWorkers()
            return ledger.result(wallSeconds: MonotonicClock.seconds(since: start))
        }
    }
}
