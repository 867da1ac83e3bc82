import Foundation

/// What `best`, `trend` and `compare` call one curve: a workload with its
/// parameters, run by one executor. `sleep duration=20ms capacity=16` and
/// `sleep duration=10ms` are different workloads.
public struct SeriesKey: Hashable, Comparable, Sendable {
    public var workload: String
    /// `name=value` pairs as stored, e.g. `duration=20ms capacity=16`.
    public var parameters: String
    public var executor: String

    public init(workload: String, parameters: String, executor: String) {
        self.workload = workload
        self.parameters = parameters
        self.executor = executor
    }

    /// `sleep duration=20ms capacity=16`
    public var workloadDescription: String {
        parameters.isEmpty ? workload : "\(workload) \(parameters)"
    }

    public static func < (a: SeriesKey, b: SeriesKey) -> Bool {
        (a.workload, a.parameters, a.executor) < (b.workload, b.parameters, b.executor)
    }
}

/// A sweep as the answers place it in time.
public struct SweepStamp: Hashable, Sendable {
    public var id: Int64
    public var startedAt: Date
    public var label: String?
    public var host: String
    public var logicalCores: Int
    /// The class of comparable machines it ran on (`--testbed`), if given.
    public var testbed: String?
    /// The host's CPU model as the sweep recorded it.
    public var cpuModel: String

    public init(
        id: Int64, startedAt: Date, label: String? = nil, host: String, logicalCores: Int, testbed: String? = nil,
        cpuModel: String = ""
    ) {
        self.id = id
        self.startedAt = startedAt
        self.label = label
        self.host = host
        self.logicalCores = logicalCores
        self.testbed = testbed
        self.cpuModel = cpuModel
    }

    /// What a series of this sweep is kept apart by: its testbed when it
    /// has one, else its host name. A host name cannot hold a space, so the
    /// two never meet.
    public var machine: String {
        SeriesRuns.machine(host: host, testbed: testbed)
    }

    /// Oldest first; sweeps started in the same millisecond by ID.
    static func isOlder(_ a: SweepStamp, _ b: SweepStamp) -> Bool {
        (a.startedAt, a.id) < (b.startedAt, b.id)
    }
}

/// The newest runs of one series on one machine — a testbed when its
/// sweeps named one, else a host — as `best` and `trend` read them.
public struct SeriesRuns: Sendable {
    public var key: SeriesKey
    /// The host name of the newest sweep read. Hosts are told apart by name
    /// only, so a kernel or poolbench upgrade stays in the same series,
    /// where `trend` can see what it changed.
    public var host: String
    /// The testbed the series is kept by; nil when it is kept by host.
    /// Hosted CI gives every runner a new name, so there the testbed is
    /// what makes one nightly sweep follow the last.
    public var testbed: String?
    /// Logical cores of the host as its newest sweep recorded them.
    public var logicalCores: Int
    /// The sweeps read, oldest first.
    public var sweeps: [SweepStamp]
    /// Their runs, oldest sweep first, then by worker count.
    public var samples: [Sample]
    /// The workload, as the newest of those runs that kept it stored it.
    public var spec: WorkloadSpec?

    public init(
        key: SeriesKey, host: String, testbed: String? = nil, logicalCores: Int, sweeps: [SweepStamp], samples: [Sample],
        spec: WorkloadSpec? = nil
    ) {
        self.key = key
        self.host = host
        self.testbed = testbed
        self.logicalCores = logicalCores
        self.sweeps = sweeps
        self.samples = samples
        self.spec = spec
    }

    /// `testbed ci-large` or `bench-1`: how reports name the machine.
    public var machine: String {
        Self.machine(host: host, testbed: testbed)
    }

    static func machine(host: String, testbed: String?) -> String {
        testbed.map { "testbed \($0)" } ?? host
    }

    /// One line when the sweeps of a testbed ran on hosts that differ in
    /// logical cores or CPU model, whose answers pool unlike machines; nil
    /// when they agree or the series is kept by host.
    public var mixedHardwareWarning: String? {
        guard let testbed else { return nil }
        let cores = Set(sweeps.map(\.logicalCores)).sorted()
        let models = Set(sweeps.map(\.cpuModel)).sorted()
        guard cores.count > 1 || models.count > 1 else { return nil }
        var differences: [String] = []
        if cores.count > 1 { differences.append("\(cores.map(String.init).joined(separator: ", ")) logical cores") }
        if models.count > 1 { differences.append("CPU models \(models.joined(separator: ", "))") }
        let hosts = Set(sweeps.map(\.host)).count
        return "Warning: testbed \(testbed) ran on \(hosts) host\(hosts == 1 ? "" : "s") that differ "
            + "(\(differences.joined(separator: "; "))); its answers pool unlike machines — "
            + "give each kind of machine its own --testbed."
    }
}

extension Sample {
    /// The statistics' view of a stored run of a sweep that started at
    /// `sweepStartedAt`, for answering from runs just measured (`tune`).
    public init(_ run: RunRecord, sweepStartedAt: Date) {
        self.init(
            sweepID: run.sweepId, sweepStartedAt: sweepStartedAt, workers: run.workers, throughput: run.throughput,
            wallSeconds: run.wallSeconds, latencyP50: run.latencyP50, latencyP99: run.latencyP99,
            cpuSeconds: run.cpuSeconds, tasks: run.tasks, errorCount: run.errorCount, firstError: run.firstError,
            otherCpuSeconds: run.otherCpuSeconds, failures: run.failureCounts, steadyThroughput: run.steadyThroughput
        )
    }
}
