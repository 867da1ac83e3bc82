import Foundation

/// One measured run as the statistics see it.
///
/// The Analysis functions never group runs themselves: the caller hands them
/// the runs of one series (one workload with its parameters, one executor,
/// one host), so nothing here knows how runs are stored or filtered.
public struct Sample: Sendable, Hashable {
    /// Which sweep (invocation) the run came from.
    public var sweepID: Int64
    /// Orders sweeps in time.
    public var sweepStartedAt: Date
    public var workers: Int
    /// Tasks per second.
    public var throughput: Double
    public var wallSeconds: Double
    /// Median task latency in seconds.
    public var latencyP50: Double?
    /// 99th-percentile task latency in seconds.
    public var latencyP99: Double?
    /// User plus system CPU seconds of the whole run.
    public var cpuSeconds: Double?
    public var tasks: Int

    public init(
        sweepID: Int64,
        sweepStartedAt: Date,
        workers: Int,
        throughput: Double,
        wallSeconds: Double,
        latencyP50: Double?,
        latencyP99: Double?,
        cpuSeconds: Double?,
        tasks: Int
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
    }
}
