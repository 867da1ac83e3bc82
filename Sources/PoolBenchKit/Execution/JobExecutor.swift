/// Job mode's executor: runs the job's whole program once, with the point's
/// worker count substituted. A failing program is that run's one error; the
/// sweep goes on. The task count is the job's items, so the stored
/// throughput (succeeded tasks ÷ wall) is items per second, or runs per
/// second — and 0 for a failed run, since poolbench cannot tell which of
/// the program's items it finished.
/// No task latency is reported: the program's items are timed only by the
/// program, and its whole wall time as a "task latency" would mislead
/// Little's law and the latency percentiles.
struct JobExecutor: Executor {
    var kind: ExecutorKind { .job }

    init() {}

    func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        try PoolBenchError.validate(tasks: tasks, workers: workers)
        guard let job = workload as? JobWorkload else { throw PoolBenchError.notAJob(workload: workload.spec.name) }
        return try await BlockingCall.run {
            let start = MonotonicClock.now()
            var failure: String?
            var failures = FailureCounts()
            do {
                try job.run(workers: workers)
            } catch {
                failure = String(describing: error)
                failures.add(FailureKind(of: error))
            }
            let wall = MonotonicClock.seconds(since: start)
            var result = ExecutionResult(
                wallSeconds: wall, latencies: [], errorCount: failure == nil ? 0 : 1, firstError: failure,
                failedTasks: failure == nil ? 0 : tasks
            )
            result.failures = failures
            return result
        }
    }
}
