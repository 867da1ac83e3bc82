import Foundation

// The result shapes both stores read, each one list of columns, and the
// one decoder of each. A store's SQL selects a shape's `names`; the rows
// come back here, read by name.

/// A run as the answers read it (`Sample`), with the series it belongs to.
enum SampleColumn: String, StoredShape {
    case sweepId, workers, throughput, wallSeconds, latencyP50, latencyP99, cpuUserSeconds, cpuSystemSeconds, tasks
    case errorCount, firstError, otherCpuSeconds, failures, steadyThroughput, workload, parameters, executor
}

/// A sweep as the answers stamp its runs: its start, label and machine.
/// `hostName` is the host's `name`; a dialect may hand `startedAt` as epoch
/// milliseconds (see its `StoredRow.date`).
enum StampColumn: String, StoredShape {
    case id, startedAt, label, hostName, logicalCores, testbed, cpuModel
}

/// One number a query answers, such as a count.
enum NumberColumn: String, StoredShape {
    case number
}

/// A run's workload, as `WorkloadSpec.storedJSON`.
enum SpecColumn: String, StoredShape {
    case workloadSpec
}

/// A `sweep` row.
enum SweepColumn: String, StoredShape {
    case id, uuid, hostId, status, startedAt, finishedAt, commandLine, label, gitCommit, gitBranch, testbed
}

/// What `history` adds up beside each sweep (`SweepListing`).
enum ListingColumn: String, StoredShape {
    case hostName, workloads, executors, points, runs, errors

    /// The select list, from `sweep` joined with `host`; `join` writes the
    /// dialect's aggregate of the text of a `SELECT DISTINCT … AS value`
    /// joined with the unit separator (parameters may hold commas).
    static func selection(joining join: (_ distinctValues: String) -> String) -> [String] {
        let ofSweep = "FROM run WHERE run.sweepId = sweep.id"
        return allCases.map { column in
            let expression = switch column {
            case .hostName: "host.name"
            case .workloads:
                join("SELECT DISTINCT workload || CASE WHEN parameters = '' THEN '' ELSE ' ' || parameters END AS value \(ofSweep)")
            case .executors: join("SELECT DISTINCT executor AS value \(ofSweep)")
            case .points: "(SELECT COUNT(DISTINCT executor || ':' || workers) \(ofSweep))"
            case .runs: "(SELECT COUNT(*) \(ofSweep))"
            case .errors: "(SELECT COALESCE(SUM(errorCount), 0) \(ofSweep))"
            }
            return "\(expression) AS \(column.rawValue)"
        }
    }
}

/// A `run` row, `id` first; the rest are the columns a `RunRecord` fills.
enum RunColumn: String, StoredShape {
    case id, uuid, sweepId, workload, parameters, executor, workers, tasks, repetition, startedAt
    case wallSeconds, throughput, latencyP50, latencyP90, latencyP99, latencyMax, cpuUserSeconds
    case cpuSystemSeconds, peakRssBytes, voluntaryContextSwitches, involuntaryContextSwitches, errorCount
    case firstError, bytesReceived, machineCpuSeconds, otherCpuSeconds, stealSeconds, failures, failedLatencyP50
    case steadyThroughput, workloadSpec
}

extension StoredColumns where Shape == SampleColumn {
    func seriesKey(_ row: some StoredRow) throws -> SeriesKey {
        SeriesKey(workload: try text(row, .workload), parameters: try text(row, .parameters), executor: try text(row, .executor))
    }

    func sample(_ row: some StoredRow, of sweep: SweepStamp) throws -> Sample {
        let user = try optionalDouble(row, .cpuUserSeconds), system = try optionalDouble(row, .cpuSystemSeconds)
        return Sample(
            sweepID: sweep.id, sweepStartedAt: sweep.startedAt, workers: try int(row, .workers),
            throughput: try double(row, .throughput), wallSeconds: try double(row, .wallSeconds),
            latencyP50: try optionalDouble(row, .latencyP50), latencyP99: try optionalDouble(row, .latencyP99),
            cpuSeconds: user.flatMap { user in system.map { user + $0 } }, tasks: try int(row, .tasks),
            errorCount: try int(row, .errorCount), firstError: try optionalText(row, .firstError),
            otherCpuSeconds: try optionalDouble(row, .otherCpuSeconds),
            failures: try optionalText(row, .failures).flatMap(FailureCounts.init(json:)) ?? FailureCounts(),
            steadyThroughput: try optionalDouble(row, .steadyThroughput)
        )
    }
}

extension StoredColumns where Shape == StampColumn {
    func stamp(_ row: some StoredRow) throws -> SweepStamp {
        SweepStamp(
            id: try int64(row, .id), startedAt: try date(row, .startedAt), label: try optionalText(row, .label),
            host: try text(row, .hostName), logicalCores: try int(row, .logicalCores),
            testbed: try optionalText(row, .testbed), cpuModel: try text(row, .cpuModel)
        )
    }
}

extension StoredColumns where Shape == SweepColumn {
    func sweep(_ row: some StoredRow) throws -> SweepRecord {
        SweepRecord(
            id: try int64(row, .id), uuid: try text(row, .uuid), hostId: try int64(row, .hostId),
            status: try value(row, .status, as: SweepStatus.self), startedAt: try date(row, .startedAt),
            finishedAt: try optionalDate(row, .finishedAt), commandLine: try text(row, .commandLine),
            label: try optionalText(row, .label), gitCommit: try optionalText(row, .gitCommit),
            gitBranch: try optionalText(row, .gitBranch), testbed: try optionalText(row, .testbed)
        )
    }
}

extension StoredColumns where Shape == ListingColumn {
    /// `sweep` with what its runs add up to.
    func listing(_ row: some StoredRow, of sweep: SweepRecord) throws -> SweepListing {
        func list(_ column: ListingColumn) throws -> [String] {
            try optionalText(row, column)?.split(separator: "\u{1F}").map(String.init) ?? []
        }
        return SweepListing(
            sweep: sweep, hostName: try text(row, .hostName), workloads: try list(.workloads).sorted(),
            executors: try list(.executors).sorted {
                (ExecutorKind.listingRank(of: $0), $0) < (ExecutorKind.listingRank(of: $1), $1)
            },
            points: try int(row, .points), runs: try int(row, .runs), errors: try int(row, .errors)
        )
    }
}

extension StoredColumns where Shape == RunColumn {
    func run(_ row: some StoredRow) throws -> RunRecord {
        RunRecord(
            id: try int64(row, .id), uuid: try text(row, .uuid), sweepId: try int64(row, .sweepId),
            workload: try text(row, .workload), parameters: try text(row, .parameters),
            executor: try text(row, .executor), workers: try int(row, .workers), tasks: try int(row, .tasks),
            repetition: try int(row, .repetition), startedAt: try date(row, .startedAt),
            wallSeconds: try double(row, .wallSeconds), throughput: try double(row, .throughput),
            latencyP50: try optionalDouble(row, .latencyP50), latencyP90: try optionalDouble(row, .latencyP90),
            latencyP99: try optionalDouble(row, .latencyP99), latencyMax: try optionalDouble(row, .latencyMax),
            cpuUserSeconds: try optionalDouble(row, .cpuUserSeconds),
            cpuSystemSeconds: try optionalDouble(row, .cpuSystemSeconds),
            peakRssBytes: try optionalInt64(row, .peakRssBytes),
            voluntaryContextSwitches: try optionalInt64(row, .voluntaryContextSwitches),
            involuntaryContextSwitches: try optionalInt64(row, .involuntaryContextSwitches),
            errorCount: try int(row, .errorCount), firstError: try optionalText(row, .firstError),
            bytesReceived: try optionalInt64(row, .bytesReceived),
            machineCpuSeconds: try optionalDouble(row, .machineCpuSeconds),
            otherCpuSeconds: try optionalDouble(row, .otherCpuSeconds),
            stealSeconds: try optionalDouble(row, .stealSeconds), failures: try optionalText(row, .failures),
            failedLatencyP50: try optionalDouble(row, .failedLatencyP50),
            steadyThroughput: try optionalDouble(row, .steadyThroughput), workloadSpec: try optionalText(row, .workloadSpec)
        )
    }
}

/// A `running` sweep with the process that runs it, to judge whether it died.
enum OwnerColumn: String, StoredShape {
    case id, startedAt, hostName, processId, processStartTime, bootId, pidNamespace

    /// The select list, from `sweep` joined with `sweepProcess` and `host`.
    static var selection: String {
        allCases.map { column in
            let source = switch column {
            case .id, .startedAt: "sweep.\(column.rawValue)"
            case .hostName: "host.name"
            case .processId, .processStartTime, .bootId, .pidNamespace: "sweepProcess.\(column.rawValue)"
            }
            return "\(source) AS \(column.rawValue)"
        }.joined(separator: ", ")
    }
}

extension StoredColumns where Shape == OwnerColumn {
    /// The sweep's ID when its process, judged from `host`, has died.
    func deadSweep(_ row: some StoredRow, from host: SweepOwner.Host) throws -> Int64? {
        let owner = SweepOwner(
            processId: Int32(truncatingIfNeeded: try int64(row, .processId)),
            processStartTime: try int64(row, .processStartTime), bootId: try text(row, .bootId),
            pidNamespace: try text(row, .pidNamespace)
        )
        let liveness = owner.liveness(hostName: try text(row, .hostName), startedAt: try date(row, .startedAt), from: host)
        return liveness == .dead ? try int64(row, .id) : nil
    }
}
