/// Job mode's executor: runs the job's whole program once, with the point's
/// worker count substituted, and reports it as one task whose latency is
/// the program's wall time. A failing program is that run's one error; the
/// sweep goes on. The task count is the job's items, so the stored
/// throughput (tasks ÷ wall) is items per second, or runs per second.
public struct JobExecutor: Executor {
    public var kind: ExecutorKind { .job }

    public init() {}

    public func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        try ExecutionError.validate(tasks: tasks, workers: workers)
        guard let job = workload as? JobWorkload else { throw ExecutionError.notAJob(workload: workload.spec.name) }
        return try await BlockingCall.run {
            let start = MonotonicClock.now()
            var failure: String?
            do {
                try job.run(workers: workers)
            } catch {
                failure = String(describing: error)
            }
            let wall = MonotonicClock.seconds(since: start)
            return ExecutionResult(wallSeconds: wall, latencies: [wall], errorCount: failure == nil ? 0 : 1, firstError: failure)
        }
    }
}
