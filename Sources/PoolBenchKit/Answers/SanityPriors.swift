/// Back-of-the-envelope worker counts shown next to a recommendation, so a
/// measured knee far from both invites a second look.
public struct SanityPriors: Sendable, Hashable, Codable {
    /// Little's law L = X·W (Little 1961): to sustain the peak throughput X
    /// when each task takes W seconds on its own, X·W tasks must be in flight.
    /// W is the median p50 task latency of the runs at 1 worker.
    public var littlesLawWorkers: Double?
    /// N_cpu × (1 + W/C) (Goetz et al., "Java Concurrency in Practice",
    /// §8.2): with C the CPU seconds per task and W the rest of its latency,
    /// each core stays busy with 1 + W/C threads. C = cpuSeconds/tasks and
    /// W = p50 latency − C, both medians of the runs at 1 worker.
    public var waitRatioWorkers: Double?
    /// W: median task latency at 1 worker, seconds.
    public var taskLatency: Double?
    /// C: median CPU seconds per task at 1 worker.
    public var taskCPUSeconds: Double?

    public init(littlesLawWorkers: Double? = nil, waitRatioWorkers: Double? = nil,
                taskLatency: Double? = nil, taskCPUSeconds: Double? = nil) {
        self.littlesLawWorkers = littlesLawWorkers
        self.waitRatioWorkers = waitRatioWorkers
        self.taskLatency = taskLatency
        self.taskCPUSeconds = taskCPUSeconds
    }

    /// The priors for one series; each is `nil` when its inputs were not
    /// measured (no runs at 1 worker, no latency, no CPU time, no `cores`).
    public static func estimate(_ samples: [Sample], peakThroughput: Double?, cores: Int?) -> SanityPriors {
        let single = samples.filter { $0.workers == 1 }
        let latency = Descriptive.median(single.compactMap(\.latencyP50))
        let cpu = Descriptive.median(single.compactMap { run in
            run.cpuSeconds.flatMap { run.tasks > 0 ? $0 / Double(run.tasks) : nil }
        })
        var priors = SanityPriors(taskLatency: latency, taskCPUSeconds: cpu)
        if let latency, let peakThroughput {
            priors.littlesLawWorkers = peakThroughput * latency
        }
        if let latency, let cpu, cpu > 0, let cores, cores > 0 {
            let wait = max(latency - cpu, 0)
            priors.waitRatioWorkers = Double(cores) * (1 + wait / cpu)
        }
        return priors
    }
}
