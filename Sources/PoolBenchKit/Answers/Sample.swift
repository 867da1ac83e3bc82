import Foundation

/// One measured run as the statistics see it.
///
/// The statistics and answers never group runs themselves: the caller hands them
/// the runs of one series (one workload with its parameters, one executor,
/// one host), so nothing here knows how runs are stored or filtered.
public struct Sample: Sendable, Hashable {
    /// Which sweep (invocation) the run came from.
    public var sweepID: Int64
    /// Orders sweeps in time.
    public var sweepStartedAt: Date
    public var workers: Int
    /// Tasks per second that succeeded.
    public var throughput: Double
    public var wallSeconds: Double
    /// Median task latency in seconds.
    public var latencyP50: Double?
    /// 99th-percentile task latency in seconds.
    public var latencyP99: Double?
    /// User plus system CPU seconds of the whole run.
    public var cpuSeconds: Double?
    public var tasks: Int
    /// Tasks that failed, and the first one's message.
    public var errorCount: Int
    public var firstError: String?
    /// CPU-seconds the rest of the machine used during the run (all cores
    /// summed; see `MachineLoad`), nil when it was not measured.
    public var otherCpuSeconds: Double?
    /// The failed tasks by kind; empty when none failed or the run was
    /// recorded before kinds were kept.
    public var failures: FailureCounts
    /// Succeeded tasks per second while every worker was busy (see
    /// `SteadyThroughput`); nil when the run had no such window or was
    /// recorded before it was kept.
    public var steadyThroughput: Double?

    public init(
        sweepID: Int64,
        sweepStartedAt: Date,
        workers: Int,
        throughput: Double,
        wallSeconds: Double,
        latencyP50: Double?,
        latencyP99: Double?,
        cpuSeconds: Double?,
        tasks: Int,
        errorCount: Int = 0,
        firstError: String? = nil,
        otherCpuSeconds: Double? = nil,
        failures: FailureCounts = FailureCounts(),
        steadyThroughput: Double? = nil
    ) {
        self.sweepID = sweepID
        self.sweepStartedAt = sweepStartedAt
        self.workers = workers
        self.throughput = throughput
        self.wallSeconds = wallSeconds
        self.latencyP50 = latencyP50
        self.latencyP99 = latencyP99
        self.cpuSeconds = cpuSeconds
        self.tasks = tasks
        self.errorCount = errorCount
        self.firstError = firstError
        self.otherCpuSeconds = otherCpuSeconds
        self.failures = failures
        self.steadyThroughput = steadyThroughput
    }

    /// The throughput the knee decision uses: the steady-state one where the
    /// run has it (less noisy, see `SteadyThroughput`), else the whole run's.
    /// Trends and comparisons stay on `throughput`, which every run has, so
    /// a history recorded before the steady measure shows no false step.
    public var decisionThroughput: Double {
        guard let steady = steadyThroughput, steady.isFinite else { return throughput }
        return steady
    }

    /// Whether nothing the run did succeeded: it has errors and either no
    /// throughput or as many errors as tasks. The second test catches runs
    /// recorded when throughput still counted failed tasks.
    public var failedEntirely: Bool {
        errorCount > 0 && (throughput <= 0 || errorCount >= tasks)
    }

    /// Tasks that did not succeed: every task of a run that failed
    /// entirely (a job whose program failed counts one error for all its
    /// items), else the errors, at most the tasks.
    public var failedTasks: Int {
        failedEntirely ? tasks : min(max(errorCount, 0), tasks)
    }
}
