import Foundation

/// How tasks are scheduled onto workers. One type per strategy; each runs
/// `tasks` tasks with at most `workers` in flight and reports every task's
/// latency and failure.
public protocol Executor: Sendable {
    var kind: ExecutorKind { get }
    /// Runs tasks `0..<tasks` of `workload` with at most `workers` in flight.
    /// Thread-based executors must not block the cooperative pool while they
    /// wait: they run on threads of their own and resume the caller when done.
    func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult
}

/// The executors poolbench offers; the raw value is the command-line name and
/// what the history stores.
public enum ExecutorKind: String, CaseIterable, Codable, Sendable {
    case sequential, threads, pool, dispatch, tasks, processes
    /// The `python` workload's executors: Python's `ThreadPoolExecutor`,
    /// `ProcessPoolExecutor` (made inside each run) and asyncio with a
    /// `Semaphore(N)`, run by its resident worker (see `PythonWorker`).
    case pyThreads = "py-threads", pyProcesses = "py-processes", pyAsyncio = "py-asyncio"
    /// Job mode: the program is its own executor, sized by `{workers}`;
    /// poolbench only runs it once per run. Not offered by `--executor`.
    case job

    /// The executors that schedule a workload's tasks: what `--executor` offers.
    public static let forTasks: [ExecutorKind] = [.sequential, .threads, .pool, .dispatch, .tasks, .processes]

    /// `sequential` has one worker whatever the sweep asks for.
    public var isSingleWorker: Bool { self == .sequential }

    /// Whether this executor runs the `python` workload's function, and only that.
    public var isPython: Bool { PythonWorkload.executors.contains(self) }

    /// Where the executor named `name` goes in a listing: from the simplest
    /// (sequential) to the most elaborate, as declared; unknown names last.
    public static func listingRank(of name: String) -> Int {
        ExecutorKind(rawValue: name).flatMap { allCases.firstIndex(of: $0) } ?? allCases.count
    }
}

/// What one execution observed: wall time from first submission to last
/// completion, and per task its latency (seconds its body took) and error.
public struct ExecutionResult: Sendable {
    public var wallSeconds: Double
    /// Seconds each succeeded task's body took, in task order.
    public var latencies: [Double]
    /// Seconds each failed task took, apart: a refusal's latency is not the job's.
    public var failedLatencies: [Double] = []
    /// The failed tasks by kind (see `FailureKind`).
    public var failures = FailureCounts()
    /// Every task's start (seconds after the execution began), seconds and
    /// whether it failed, in task order: what `SteadyThroughput` needs.
    /// Empty where tasks are not seen one by one (a job).
    public var taskStarts: [Double] = []
    public var taskSeconds: [Double] = []
    public var taskFailed: [Bool] = []
    public var errorCount: Int
    /// Tasks that did not succeed, for throughput: `errorCount` where each
    /// task fails on its own; every item of a job whose program failed.
    public var failedTasks: Int
    /// The first failure's message, like `future.result()` raising.
    public var firstError: String?
    /// Tasks the execution itself counted, in place of those it was asked
    /// for: a job that reports its own items (`JobReport`).
    public var tasks: Int?
    /// Bytes received by tasks that ran in worker processes, which the
    /// workload in this process never saw (see `Workload.bytesReceived`).
    public var workerBytesReceived: Int
    /// CPU seconds spent by a resident worker that outlives the run (the
    /// `python` workload's), which `getrusage` of this process cannot see.
    public var workerUserSeconds = 0.0
    public var workerSystemSeconds = 0.0

    public init(
        wallSeconds: Double, latencies: [Double], errorCount: Int, firstError: String?, workerBytesReceived: Int = 0,
        failedTasks: Int? = nil
    ) {
        self.wallSeconds = wallSeconds
        self.latencies = latencies
        self.errorCount = errorCount
        self.failedTasks = failedTasks ?? errorCount
        self.firstError = firstError
        self.workerBytesReceived = workerBytesReceived
    }
}

extension ExecutorKind {
    /// The executor of this kind. `workerCommand` is what `processes`
    /// launches for each worker (e.g. `[poolbench path, "worker"]`); the
    /// others ignore it.
    public func makeExecutor(workerCommand: [String]) -> any Executor {
        switch self {
        case .sequential: SequentialExecutor()
        case .threads: ThreadsExecutor()
        case .pool: PoolExecutor()
        case .dispatch: DispatchExecutor()
        case .tasks: TasksExecutor()
        case .processes: ProcessesExecutor(workerCommand: workerCommand)
        case .job: JobExecutor()
        case .pyThreads, .pyProcesses, .pyAsyncio: PythonExecutor(kind: self)
        }
    }
}
