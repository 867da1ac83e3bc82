import Foundation

extension PostgreSQLHistoryStore {
    /// As SQLite's merge, in bulk: the rows stream by binary `COPY` into a
    /// temporary table while their sweeps (and which series each ran) are
    /// gathered here, and then a few set-based statements move them into
    /// the history, all in one transaction. Row by row, every imported run
    /// would cost a round trip to the server.
    ///
    /// What SQLite's merge checks row by row is checked here on the whole:
    /// a sweep new to the history whose rows disagree, or a run UUID new to
    /// it given to two different runs, throws `ImportConflict` and nothing
    /// is kept.
    public func merge(_ produce: (_ insert: (ExportValues) throws -> Void) throws -> Void) throws -> ImportSummary {
        try withConnection(retrying: false) { connection in
            do {
                let summary = try connection.transaction { try ImportBatch(connection).merge(produce) }
                // Until autovacuum next looks, the planner would take the
                // grown tables for the small ones it last saw, and answer
                // `best` and `history` by scanning them. Statistics only:
                // a failure here leaves the import as it is.
                if summary.newRuns >= 10_000 { _ = try? connection.execute("ANALYZE host, sweep, run, seriesSweep") }
                return summary
            } catch let error as PoolBenchError {
                // The schema's constraints refused a row (class 23, integrity).
                if case let .postgreSQLFailed(_, state, reason) = error, state.hasPrefix("23") {
                    throw ImportConflict(reason: "the history refuses a row (\(reason))")
                }
                throw error
            }
        }
    }
}

/// One import into PostgreSQL, inside its transaction.
private struct ImportBatch {
    let connection: PostgreSQLConnection

    /// The run columns of an export row, as `run` and the staging table name them.
    static let runColumns: [ExportColumn] = [
        .runUuid, .workload, .parameters, .executor, .workers, .tasks, .repetition, .startedAt, .wallSeconds,
        .throughput, .latencyP50, .latencyP90, .latencyP99, .latencyMax, .cpuUserSeconds, .cpuSystemSeconds,
        .peakRssBytes, .voluntaryContextSwitches, .involuntaryContextSwitches, .errorCount, .firstError,
        .bytesReceived, .machineCpuSeconds, .otherCpuSeconds, .stealSeconds, .failures, .failedLatencyP50, .steadyThroughput,
        .workloadSpec,
    ]
    static let sweepColumns: [ExportColumn] = [
        .sweepStatus, .sweepStartedAt, .sweepFinishedAt, .commandLine, .label, .gitCommit, .gitBranch, .testbed,
    ]
    static let hostColumns: [ExportColumn] = [
        .hostName, .hostOs, .hostKernel, .hostCpuModel, .hostLogicalCores, .hostMemoryBytes, .hostPoolbenchVersion,
    ]
    static let runIndices = runColumns.map(\.index)
    static let runTypes = runColumns.map(PostgreSQLBinaryCopy.type(of:))
    static let sweepAndHostIndices = (sweepColumns + hostColumns).map(\.index)

    init(_ connection: PostgreSQLConnection) { self.connection = connection }

    /// A sweep as the import's rows describe it.
    struct PendingSweep {
        var uuid: String
        /// Its sweep and host fields, from its first row.
        var fields: [ExportValues.Value]
        /// Status and finish time of its first row that has ended.
        var end: (status: String, finishedAt: ExportValues.Value)?
        /// Whether a later row disagreed with the first.
        var disagrees = false
        var series: Set<SeriesKey> = []
    }

    func merge(_ produce: (_ insert: (ExportValues) throws -> Void) throws -> Void) throws -> ImportSummary {
        // A sort and hash of a million rows fit in memory, and the few
        // statements are not worth compiling.
        try connection.execute("SET LOCAL work_mem = '256MB'")
        try connection.execute("SET LOCAL jit = off")
        try createStagingTables()
        let lastRunIDBefore = try number("SELECT COALESCE(MAX(id), 0) AS number FROM run")

        var sweeps: [PendingSweep] = []
        var position: [String: Int] = [:]
        var rowCount = 0
        try connection.copyIn(
            "COPY poolbench_import_run (\(Self.stagingRunColumns)) FROM STDIN (FORMAT binary)"
        ) { send in try withoutActuallyEscaping(send) { send in
            var writer = PostgreSQLCopyWriter()
            var current = -1
            try produce { row in
                guard case let .text(sweepUuid) = row.values[ExportColumn.sweepUuid.index] else {
                    preconditionFailure("rows are checked before they are merged")
                }
                if current < 0 || sweeps[current].uuid != sweepUuid {
                    if let known = position[sweepUuid] {
                        current = known
                    } else {
                        current = sweeps.count
                        position[sweepUuid] = current
                        sweeps.append(PendingSweep(uuid: sweepUuid, fields: Self.sweepAndHostIndices.map { row.values[$0] }))
                    }
                }
                Self.note(row, in: &sweeps[current])
                writer.beginTuple(fields: Self.runIndices.count + 1)
                for (index, type) in zip(Self.runIndices, Self.runTypes) {
                    writer.append(row.values[index], as: type)
                }
                writer.append(text: sweepUuid)
                rowCount += 1
                if writer.isFull {
                    try send(Data(writer.bytes))
                    writer.removeAll()
                }
            }
            writer.appendTrailer()
            try send(Data(writer.bytes))
        } }
        try copySweeps(sweeps)

        var summary = ImportSummary()
        for sweep in sweeps where sweep.disagrees {
            if try connection.execute("SELECT 1 FROM sweep WHERE uuid = $1", [sweep.uuid]).count == 0 {
                throw ImportConflict(reason: "sweep \(sweep.uuid) appears twice with different values; a UUID names one sweep")
            }
        }
        summary.presentSweeps = try number("""
            SELECT COUNT(*) AS number FROM poolbench_import_sweep AS i JOIN sweep ON sweep.uuid = i.sweepUuid
            """)
        summary.endedSweeps = try connection.execute("""
            UPDATE sweep SET status = i.endStatus, finishedAt = i.endFinishedAt
            FROM poolbench_import_sweep AS i
            WHERE sweep.uuid = i.sweepUuid AND sweep.status = 'running' AND i.endStatus IS NOT NULL
            """).affected
        let hostColumns = Self.hostColumns.map(\.hostColumnName).joined(separator: ", ")
        let newSweeps = "NOT EXISTS (SELECT 1 FROM sweep WHERE sweep.uuid = i.sweepUuid)"
        summary.newHosts = try connection.execute("""
            INSERT INTO host (\(hostColumns))
            SELECT DISTINCT \(Self.hostColumns.map { "i.\($0.hostColumnName)" }.joined(separator: ", "))
            FROM poolbench_import_sweep AS i WHERE \(newSweeps)
            ON CONFLICT DO NOTHING
            """).affected
        let sameHost = Self.hostColumns.map { "host.\($0.hostColumnName) = i.\($0.hostColumnName)" }
            .joined(separator: " AND ")
        summary.newSweeps = try connection.execute("""
            INSERT INTO sweep (uuid, hostId, status, startedAt, finishedAt, commandLine, label, gitCommit, gitBranch, testbed)
            SELECT i.sweepUuid, host.id, i.status, i.startedAt, i.finishedAt, i.commandLine, i.label, i.gitCommit,
                i.gitBranch, i.testbed
            FROM poolbench_import_sweep AS i JOIN host ON \(sameHost)
            WHERE \(newSweeps)
            ORDER BY i.ord
            """).affected
        let runNames = Self.runColumns.map(\.postgreSQLRunColumn)
        summary.newRuns = try connection.execute("""
            INSERT INTO run (\(runNames.joined(separator: ", ")), sweepId)
            SELECT \(runNames.map { "i.\($0)" }.joined(separator: ", ")), sweep.id
            FROM poolbench_import_run AS i JOIN sweep ON sweep.uuid = i.sweepUuid
            ORDER BY i.ord
            ON CONFLICT (uuid) DO NOTHING
            """).affected
        summary.presentRuns = rowCount - summary.newRuns
        if summary.presentRuns > 0 {
            // Some rows were not stored: runs already there, or a UUID this
            // import gave twice, which must then be the same run twice.
            let differs = (runNames.map { "i.\($0)" } + ["sweep.id"]).joined(separator: ", ")
            let stored = (runNames.map { "run.\($0)" } + ["run.sweepId"]).joined(separator: ", ")
            let conflicting = try connection.execute("""
                SELECT i.uuid FROM poolbench_import_run AS i
                JOIN run ON run.uuid = i.uuid AND run.id > $1
                JOIN sweep ON sweep.uuid = i.sweepUuid
                WHERE ROW(\(differs)) IS DISTINCT FROM ROW(\(stored))
                LIMIT 1
                """, [String(lastRunIDBefore)])
            if let uuid = conflicting.text(0, 0) {
                throw ImportConflict(reason: "run \(uuid) appears twice with different values; a UUID names one run")
            }
        }
        try connection.execute("""
            INSERT INTO seriesSweep (workload, parameters, executor, machine, startedAt, sweepId)
            SELECT DISTINCT s.workload, s.parameters, s.executor, \(PostgreSQLHistoryStore.machineExpression),
                sweep.startedAt, sweep.id
            FROM poolbench_import_series AS s JOIN sweep ON sweep.uuid = s.sweepUuid JOIN host ON host.id = sweep.hostId
            ON CONFLICT DO NOTHING
            """)
        return summary
    }

    /// Notes what `row` says of its sweep.
    private static func note(_ row: ExportValues, in sweep: inout PendingSweep) {
        if !sweep.disagrees {
            for (offset, index) in sweepAndHostIndices.enumerated() where row.values[index] != sweep.fields[offset] {
                sweep.disagrees = true
                break
            }
        }
        if sweep.end == nil, case let .text(status) = row.values[ExportColumn.sweepStatus.index],
           status != SweepStatus.running.rawValue {
            sweep.end = (status, row.values[ExportColumn.sweepFinishedAt.index])
        }
        guard case let .text(workload) = row.values[ExportColumn.workload.index],
              case let .text(parameters) = row.values[ExportColumn.parameters.index],
              case let .text(executor) = row.values[ExportColumn.executor.index]
        else { return }
        sweep.series.insert(SeriesKey(workload: workload, parameters: parameters, executor: executor))
    }

    private func createStagingTables() throws {
        func definition(_ column: ExportColumn) -> String {
            switch PostgreSQLBinaryCopy.type(of: column) {
            case .integer: "BIGINT"
            case .real: "DOUBLE PRECISION"
            case .text: "TEXT COLLATE \"C\""
            }
        }
        let runs = Self.runColumns.map { "\($0.postgreSQLRunColumn) \(definition($0))" }.joined(separator: ", ")
        let sweeps = (Self.sweepColumns.map { "\($0.postgreSQLSweepColumn) \(definition($0))" }
            + Self.hostColumns.map { "\($0.hostColumnName) \(definition($0))" }).joined(separator: ", ")
        try connection.executeScript("""
            CREATE TEMPORARY TABLE poolbench_import_run (
                ord BIGINT GENERATED ALWAYS AS IDENTITY, \(runs), sweepUuid TEXT COLLATE "C"
            ) ON COMMIT DROP;
            CREATE TEMPORARY TABLE poolbench_import_sweep (
                ord BIGINT GENERATED ALWAYS AS IDENTITY, sweepUuid TEXT COLLATE "C", \(sweeps),
                endStatus TEXT COLLATE "C", endFinishedAt TEXT COLLATE "C"
            ) ON COMMIT DROP;
            CREATE TEMPORARY TABLE poolbench_import_series (
                workload TEXT COLLATE "C", parameters TEXT COLLATE "C", executor TEXT COLLATE "C",
                sweepUuid TEXT COLLATE "C"
            ) ON COMMIT DROP;
            """)
    }

    static var stagingRunColumns: String {
        (runColumns.map(\.postgreSQLRunColumn) + ["sweepUuid"]).joined(separator: ", ")
    }

    private func copySweeps(_ sweeps: [PendingSweep]) throws {
        let sweepTypes = (Self.sweepColumns + Self.hostColumns).map(PostgreSQLBinaryCopy.type(of:))
        let names = ["sweepUuid"] + Self.sweepColumns.map(\.postgreSQLSweepColumn)
            + Self.hostColumns.map(\.hostColumnName) + ["endStatus", "endFinishedAt"]
        try connection.copyIn(
            "COPY poolbench_import_sweep (\(names.joined(separator: ", "))) FROM STDIN (FORMAT binary)"
        ) { send in
            var writer = PostgreSQLCopyWriter()
            for sweep in sweeps {
                writer.beginTuple(fields: names.count)
                writer.append(text: sweep.uuid)
                for (value, type) in zip(sweep.fields, sweepTypes) { writer.append(value, as: type) }
                if let end = sweep.end {
                    writer.append(text: end.status)
                    writer.append(end.finishedAt, as: .text)
                } else {
                    writer.appendNull()
                    writer.appendNull()
                }
            }
            writer.appendTrailer()
            try send(Data(writer.bytes))
        }
        try connection.copyIn(
            "COPY poolbench_import_series (workload, parameters, executor, sweepUuid) FROM STDIN (FORMAT binary)"
        ) { send in
            var writer = PostgreSQLCopyWriter()
            for sweep in sweeps {
                for key in sweep.series {
                    writer.beginTuple(fields: 4)
                    writer.append(text: key.workload)
                    writer.append(text: key.parameters)
                    writer.append(text: key.executor)
                    writer.append(text: sweep.uuid)
                    if writer.isFull {
                        try send(Data(writer.bytes))
                        writer.removeAll()
                    }
                }
            }
            writer.appendTrailer()
            try send(Data(writer.bytes))
        }
    }

    private func number(_ sql: String) throws -> Int {
        try connection.execute(sql).number(location: connection.location.description)
    }
}

extension ExportColumn {
    /// The `run` table's name for a run column.
    var postgreSQLRunColumn: String {
        self == .runUuid ? "uuid" : rawValue
    }

    /// The `sweep` table's name for a sweep column.
    var postgreSQLSweepColumn: String {
        switch self {
        case .sweepStatus: "status"
        case .sweepStartedAt: "startedAt"
        case .sweepFinishedAt: "finishedAt"
        default: rawValue
        }
    }
}
