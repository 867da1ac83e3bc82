import Dispatch
import Synchronization

/// GCD with at most N work items in flight: N serial queues ("lanes"); each
/// lane runs one task per work item and, when it ends, enqueues the work item
/// for the next unclaimed task.
///
/// Why not one concurrent queue throttled by a semaphore: on Linux,
/// libdispatch serves concurrent queues from a root queue that does not
/// overcommit, and it adds threads for blocked work items only slowly (1,000
/// sleeps of 10 ms throttled to 100 in flight took 28× the ideal time).
/// Serial queues overcommit, so each busy lane gets a thread of its own.
struct DispatchExecutor: Executor {
    var kind: ExecutorKind { .dispatch }

    init() {}

    func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        try PoolBenchError.validate(tasks: tasks, workers: workers)
        let ledger = TaskLedger(tasks: tasks)
        guard tasks > 0 else { return ledger.result(wallSeconds: 0) }
        let queue = TaskQueue(count: tasks)
        let lanes = min(workers, tasks)
        return await withCheckedContinuation { continuation in
            let start = MonotonicClock.now()
            let lanesRunning = Countdown(lanes)
            @Sendable func runNextTask(on lane: DispatchQueue) {
                guard let task = queue.claim() else {
                    if lanesRunning.countDown() {
                        continuation.resume(returning: ledger.result(wallSeconds: MonotonicClock.seconds(since: start)))
                    }
                    return
                }
                ledger.runBlocking(workload, task: task)
                lane.async { runNextTask(on: lane) }
            }
            for index in 0..<lanes {
                let lane = DispatchQueue(label: "poolbench.dispatch.\(index)")
                lane.async { runNextTask(on: lane) }
            }
        }
    }
}

/// Counts lanes down to zero; the last one to finish resumes the caller.
private final class Countdown: Sendable {
    private let remaining: Atomic<Int>

    init(_ count: Int) {
        remaining = Atomic(count)
    }

    /// True for exactly one caller: the one that reaches zero.
    func countDown() -> Bool {
        remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0
    }
}
