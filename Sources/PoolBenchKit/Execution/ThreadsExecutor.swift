import Dispatch
import Glibc
import Synchronization

/// A new OS thread per task, at most N alive at once, each joined — the
/// `Thread(...).start()` / `join()` pattern. A finished thread is joined
/// before the next one starts, so "alive" counts threads until they are
/// joined, not merely until their task returns.
struct ThreadsExecutor: Executor {
    var kind: ExecutorKind { .threads }

    init() {}

    func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        try PoolBenchError.validate(tasks: tasks, workers: workers)
        let ledger = TaskLedger(tasks: tasks)
        return try await ThreadCache.shared.run {
            let finished = FinishedThreads()
            let start = MonotonicClock.now()
            var alive = 0
            func joinAll() {
                while alive > 0 {
                    finished.joinNext()
                    alive -= 1
                }
            }
            for task in 0..<tasks {
                if alive == workers {
                    finished.joinNext()
                    alive -= 1
                }
                do {
                    // Joined through `finished`, by the handle the thread announces.
                    _ = try OSThread.spawn {
                        ledger.runBlocking(workload, task: task)
                        finished.announce(pthread_self())
                    }
                } catch {
                    joinAll()
                    throw error
                }
                alive += 1
            }
            joinAll()
            return ledger.result(wallSeconds: MonotonicClock.seconds(since: start))
        }
    }
}

/// Threads announce themselves here as their task ends; the controller joins
/// them in that order.
private final class FinishedThreads: Sendable {
    private let handles = Mutex<[pthread_t]>([])
    private let available = DispatchSemaphore(value: 0)

    func announce(_ handle: pthread_t) {
        handles.withLock { $0.append(handle) }
        available.signal()
    }

    /// Blocks the controller thread (never a cooperative one) until a thread
    /// has finished its task, then joins it.
    func joinNext() {
        available.wait()
        let handle = handles.withLock { $0.removeFirst() }
        pthread_join(handle, nil)
    }
}
