import Foundation
import GRDB

/// Dates in every table use the history's text format (see `Timestamp`).
protocol HistoryRecord: FetchableRecord, EncodableRecord {}

extension HistoryRecord {
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { Timestamp.format($0) }
    }

    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .custom { value in String.fromDatabaseValue(value).flatMap(Timestamp.parse) }
    }
}

/// The machine a sweep ran on. Rows are shared by every sweep with the same
/// description, so histories merged from several machines keep one row each.
public struct HostRecord: Codable, Hashable, Sendable, HistoryRecord, MutablePersistableRecord {
    public static let databaseTableName = "host"
    public var id: Int64?
    public var name: String
    public var os: String
    public var kernel: String
    public var cpuModel: String
    public var logicalCores: Int
    public var memoryBytes: Int64
    public var poolbenchVersion: String

    public init(
        id: Int64? = nil, name: String, os: String, kernel: String, cpuModel: String,
        logicalCores: Int, memoryBytes: Int64, poolbenchVersion: String
    ) {
        self.id = id
        self.name = name
        self.os = os
        self.kernel = kernel
        self.cpuModel = cpuModel
        self.logicalCores = logicalCores
        self.memoryBytes = memoryBytes
        self.poolbenchVersion = poolbenchVersion
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// How a sweep ended, or that it is still going. `abandoned` is a sweep
/// whose process died without saying how it ended (see `SweepOwner`); its
/// runs count like an interrupted sweep's.
public enum SweepStatus: String, Codable, Sendable, CaseIterable {
    case running, completed, interrupted, failed, abandoned
}

/// One `run` or `tune` invocation.
public struct SweepRecord: Codable, Hashable, Sendable, HistoryRecord, MutablePersistableRecord {
    public static let databaseTableName = "sweep"
    public var id: Int64?
    /// Stable across machines, so merged histories never duplicate a sweep.
    public var uuid: String
    public var hostId: Int64
    public var status: SweepStatus
    public var startedAt: Date
    public var finishedAt: Date?
    public var commandLine: String
    public var label: String?
    public var gitCommit: String?
    public var gitBranch: String?
    /// The class of comparable machines it ran on (`--testbed`), if given.
    public var testbed: String?

    public init(
        id: Int64? = nil, uuid: String = UUID().uuidString.lowercased(), hostId: Int64,
        status: SweepStatus = .running, startedAt: Date, finishedAt: Date? = nil, commandLine: String,
        label: String? = nil, gitCommit: String? = nil, gitBranch: String? = nil, testbed: String? = nil
    ) {
        self.id = id
        self.uuid = uuid
        self.hostId = hostId
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.commandLine = commandLine
        self.label = label
        self.gitCommit = gitCommit
        self.gitBranch = gitBranch
        self.testbed = testbed
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// One measured point of a sweep: a workload run once by one executor at
/// one worker count.
public struct RunRecord: Codable, Hashable, Sendable, HistoryRecord, MutablePersistableRecord {
    public static let databaseTableName = "run"
    public var id: Int64?
    public var uuid: String
    public var sweepId: Int64
    public var workload: String
    /// The workload's parameters as `name=value` pairs, e.g. `duration=10ms`.
    public var parameters: String
    public var executor: String
    public var workers: Int
    public var tasks: Int
    /// Which measured repetition of its point this run was, from 0.
    public var repetition: Int
    public var startedAt: Date
    public var wallSeconds: Double
    /// Tasks per second that succeeded: (tasks − failed) ÷ wall seconds, so
    /// a run whose tasks all failed has 0. (Runs recorded before this rule
    /// counted failed tasks too.)
    public var throughput: Double
    public var latencyP50: Double?
    public var latencyP90: Double?
    public var latencyP99: Double?
    public var latencyMax: Double?
    public var cpuUserSeconds: Double?
    public var cpuSystemSeconds: Double?
    public var peakRssBytes: Int64?
    public var voluntaryContextSwitches: Int64?
    public var involuntaryContextSwitches: Int64?
    public var errorCount: Int
    public var firstError: String?
    /// What the run's tasks received (an `http` run's response bodies), in
    /// bytes; nil for workloads that receive nothing.
    public var bytesReceived: Int64?
    /// The whole machine's non-idle CPU-seconds during the run, summed
    /// over its cores (see `MachineLoad`); nil where /proc/stat is unreadable.
    public var machineCpuSeconds: Double?
    /// `machineCpuSeconds` less poolbench's own and its children's: what
    /// the rest of the machine used while the run ran.
    public var otherCpuSeconds: Double?
    /// CPU-seconds the hypervisor gave to other guests during the run.
    public var stealSeconds: Double?
    /// The failed tasks by kind, as `FailureCounts.json` (`{"http 429":31}`);
    /// nil when none failed, or for runs recorded before kinds were kept.
    public var failures: String?
    /// The median latency of the failed tasks alone; the percentiles above
    /// are of succeeded tasks (for runs recorded since failures were kept).
    public var failedLatencyP50: Double?
    /// Succeeded tasks per second while every worker was busy (see
    /// `SteadyThroughput`): the measure the knee decision uses. Nil when the
    /// run had no such window (no more tasks than workers, a job) and for
    /// runs recorded before it was kept; the decision then uses `throughput`.
    public var steadyThroughput: Double?
    /// The workload measured, as `WorkloadSpec.storedJSON`; nil for runs
    /// recorded before specs were kept.
    public var workloadSpec: String?

    public init(
        id: Int64? = nil, uuid: String = UUID().uuidString.lowercased(), sweepId: Int64,
        workload: String, parameters: String, executor: String, workers: Int, tasks: Int,
        repetition: Int, startedAt: Date, wallSeconds: Double, throughput: Double,
        latencyP50: Double? = nil, latencyP90: Double? = nil, latencyP99: Double? = nil,
        latencyMax: Double? = nil, cpuUserSeconds: Double? = nil, cpuSystemSeconds: Double? = nil,
        peakRssBytes: Int64? = nil, voluntaryContextSwitches: Int64? = nil,
        involuntaryContextSwitches: Int64? = nil, errorCount: Int = 0, firstError: String? = nil,
        bytesReceived: Int64? = nil, machineCpuSeconds: Double? = nil, otherCpuSeconds: Double? = nil,
        stealSeconds: Double? = nil, failures: String? = nil, failedLatencyP50: Double? = nil,
        steadyThroughput: Double? = nil, workloadSpec: String? = nil
    ) {
        self.id = id
        self.uuid = uuid
        self.sweepId = sweepId
        self.workload = workload
        self.parameters = parameters
        self.executor = executor
        self.workers = workers
        self.tasks = tasks
        self.repetition = repetition
        self.startedAt = startedAt
        self.wallSeconds = wallSeconds
        self.throughput = throughput
        self.latencyP50 = latencyP50
        self.latencyP90 = latencyP90
        self.latencyP99 = latencyP99
        self.latencyMax = latencyMax
        self.cpuUserSeconds = cpuUserSeconds
        self.cpuSystemSeconds = cpuSystemSeconds
        self.peakRssBytes = peakRssBytes
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
        self.errorCount = errorCount
        self.firstError = firstError
        self.bytesReceived = bytesReceived
        self.machineCpuSeconds = machineCpuSeconds
        self.otherCpuSeconds = otherCpuSeconds
        self.stealSeconds = stealSeconds
        self.failures = failures
        self.failedLatencyP50 = failedLatencyP50
        self.steadyThroughput = steadyThroughput
        self.workloadSpec = workloadSpec
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// `failures` read back; empty when none were recorded.
    public var failureCounts: FailureCounts {
        failures.flatMap(FailureCounts.init(json:)) ?? FailureCounts()
    }

    /// User plus system CPU seconds, when both were measured.
    public var cpuSeconds: Double? {
        guard let user = cpuUserSeconds, let system = cpuSystemSeconds else { return nil }
        return user + system
    }
}
