/// Job mode's executor: runs the job's whole program once, with the point's
/// worker count substituted. A failing program is that run's one error; the
/// sweep goes on. The task count is the job's items, so the stored
/// throughput (succeeded tasks ÷ wall) is items per second, or runs per
/// second — and 0 for a failed run, since poolbench cannot tell which of
/// the program's items it finished.
/// No task latency is reported: the program's items are timed only by the
/// program, and its whole wall time as a "task latency" would mislead
/// Little's law and the latency percentiles.
///
/// A program that reports its own measurement (`JobReport`, on
/// `POOLBENCH_REPORT_FD`) is taken at its word: its seconds are the run's
/// wall time, its items the run's tasks, its failed items failed tasks, and
/// its latencies the percentiles'. That leaves out the interpreter's
/// start-up and imports, which flatten an outside-timed curve early.
struct JobExecutor: Executor {
    var kind: ExecutorKind { .job }

    init() {}

    func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        try PoolBenchError.validate(tasks: tasks, workers: workers)
        guard let job = workload as? JobWorkload else { throw PoolBenchError.notAJob(workload: workload.spec.name) }
        return try await BlockingCall.run {
            let start = MonotonicClock.now()
            do {
                let report = try job.run(workers: workers)
                let wall = MonotonicClock.seconds(since: start)
                return report.map(Self.result) ?? ExecutionResult(wallSeconds: wall, latencies: [], errorCount: 0, firstError: nil)
            } catch {
                let wall = MonotonicClock.seconds(since: start)
                var result = ExecutionResult(
                    wallSeconds: wall, latencies: [], errorCount: 1, firstError: String(describing: error), failedTasks: tasks
                )
                result.failures = FailureCounts([FailureKind(of: error): 1])
                return result
            }
        }
    }

    /// The run as the job reported it; its failed items are of unknown kind.
    static func result(_ report: JobReport) -> ExecutionResult {
        var result = ExecutionResult(
            wallSeconds: report.seconds, latencies: report.latencies, errorCount: report.failed,
            firstError: report.failed > 0 ? "the job reported \(report.failed) of \(report.items) items failed" : nil
        )
        result.tasks = report.items
        result.failures = FailureCounts([.other: report.failed])
        return result
    }
}
