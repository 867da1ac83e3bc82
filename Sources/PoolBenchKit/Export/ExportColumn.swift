/// The columns of `poolbench export`, in their stable order: the run's own
/// fields, then its sweep's, then its host's. The raw value is the CSV header
/// and the JSON Lines key. Scripts index columns by position, so a column is
/// never renamed or moved; a new one goes at the end.
///
///  1 runUuid  2 startedAt  3 workload  4 parameters  5 executor  6 workers
///  7 tasks  8 repetition  9 wallSeconds  10 throughput  11 latencyP50
/// 12 latencyP90  13 latencyP99  14 latencyMax  15 cpuUserSeconds
/// 16 cpuSystemSeconds  17 peakRssBytes  18 voluntaryContextSwitches
/// 19 involuntaryContextSwitches  20 errorCount  21 firstError  22 sweepUuid
/// 23 sweepStatus  24 sweepStartedAt  25 sweepFinishedAt  26 label
/// 27 commandLine  28 gitCommit  29 gitBranch  30 hostName  31 hostOs
/// 32 hostKernel  33 hostCpuModel  34 hostLogicalCores  35 hostMemoryBytes
/// 36 hostPoolbenchVersion  37 bytesReceived  38 machineCpuSeconds
/// 39 otherCpuSeconds  40 stealSeconds  41 testbed  42 failures
/// 43 failedLatencyP50  44 steadyThroughput  45 workloadSpec
///
/// Files written before a column existed have a shorter header; import reads
/// them with the missing columns unknown.
public enum ExportColumn: String, CaseIterable, Sendable {
    case runUuid, startedAt, workload, parameters, executor, workers, tasks, repetition
    case wallSeconds, throughput, latencyP50, latencyP90, latencyP99, latencyMax
    case cpuUserSeconds, cpuSystemSeconds, peakRssBytes, voluntaryContextSwitches, involuntaryContextSwitches
    case errorCount, firstError
    case sweepUuid, sweepStatus, sweepStartedAt, sweepFinishedAt, label, commandLine, gitCommit, gitBranch
    case hostName, hostOs, hostKernel, hostCpuModel, hostLogicalCores, hostMemoryBytes, hostPoolbenchVersion
    case bytesReceived
    case machineCpuSeconds, otherCpuSeconds, stealSeconds
    case testbed
    /// The run's failed tasks by kind, as JSON (see `FailureCounts`).
    case failures
    /// The median latency of the run's failed tasks alone.
    case failedLatencyP50
    /// Succeeded tasks per second while every worker was busy (see
    /// `SteadyThroughput`), unknown for runs without such a window.
    case steadyThroughput
    /// The workload measured, as JSON (see `WorkloadSpec.storedJSON`).
    case workloadSpec

    /// What a column may hold; import checks every field against it.
    public enum Kind: Sendable, Equatable {
        /// Any text; an empty field is the empty string.
        case text
        /// Text that is never empty, such as a workload's name.
        case name
        /// Text or unknown; an empty field is unknown.
        case optionalText
        /// Text that is never empty, or unknown, such as a testbed (which
        /// `run --testbed ''` refuses): an empty field is unknown, quoted or not.
        case optionalName
        /// A UUID, in any case; stored in lower case, as poolbench writes it.
        case uuid
        /// A time in the history's format (see `Timestamp`).
        case time
        case optionalTime
        /// A whole number from `minimum` to `maximum`.
        case integer(minimum: Int64, maximum: Int64 = .max)
        /// A whole number ≥ 0, or unknown.
        case optionalInteger
        /// A finite number no smaller than `minimum`.
        case real(minimum: Double)
        /// A finite number ≥ 0, or unknown.
        case optionalReal
        /// One of `ExecutorKind`'s names.
        case executor
        /// One of `SweepStatus`'s names.
        case status
        /// A `FailureCounts` JSON object, or unknown.
        case failureCounts
        /// A `WorkloadSpec` as JSON (`storedJSON`), or unknown.
        case workloadSpec
    }

    public var kind: Kind {
        switch self {
        case .runUuid, .sweepUuid: .uuid
        case .workload: .name
        case .parameters, .commandLine, .hostName, .hostOs, .hostKernel, .hostCpuModel, .hostPoolbenchVersion:
            .text
        case .firstError, .label, .gitCommit, .gitBranch: .optionalText
        case .testbed: .optionalName
        case .startedAt, .sweepStartedAt: .time
        case .sweepFinishedAt: .optionalTime
        case .workers: .integer(minimum: 1, maximum: Int64(SweepPlan.maxWorkers))
        case .tasks, .hostLogicalCores: .integer(minimum: 1)
        case .repetition, .errorCount, .hostMemoryBytes: .integer(minimum: 0)
        case .peakRssBytes, .voluntaryContextSwitches, .involuntaryContextSwitches, .bytesReceived: .optionalInteger
        case .wallSeconds, .throughput: .real(minimum: 0)
        case .latencyP50, .latencyP90, .latencyP99, .latencyMax, .cpuUserSeconds, .cpuSystemSeconds, .machineCpuSeconds,
             .otherCpuSeconds, .stealSeconds, .failedLatencyP50, .steadyThroughput:
            .optionalReal
        case .failures: .failureCounts
        case .workloadSpec: .workloadSpec
        case .executor: .executor
        case .sweepStatus: .status
        }
    }

    /// The column's position in a row, from 0.
    public var index: Int { Self.indices[self]! }

    private static let indices = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

    /// The CSV header row's fields, in order.
    public static var header: [String] { allCases.map(\.rawValue) }

    /// How many columns the first exports had (up to `hostPoolbenchVersion`):
    /// the shortest header import accepts.
    public static let firstExportCount = hostPoolbenchVersion.index + 1
}
