import Foundation

extension PostgreSQLHistoryStore {
    /// As SQLite's merge, in bulk: the rows stream by binary `COPY`, and a
    /// few set-based statements settle the rest, all in one transaction.
    /// Row by row, every imported run would cost a round trip to the server.
    ///
    /// The runs of sweeps this import creates go straight into `run`
    /// (`ImportBatch`); any other row goes through a staging table and an
    /// `INSERT … SELECT … ON CONFLICT DO NOTHING`, which is what the rows
    /// of a file imported again need. If a run UUID of a new sweep is
    /// already stored (a crafted or mixed file), the direct copy fails on
    /// `run`'s unique UUID: the attempt is rolled back to its savepoint and
    /// `produce` is asked for the rows again, all of them staged this time,
    /// so the result is the one the staged path alone gives.
    ///
    /// What SQLite's merge checks row by row is checked here on the whole:
    /// a sweep new to the history whose rows disagree, or a run UUID new to
    /// it given to two different runs, throws `ImportConflict` and nothing
    /// is kept.
    public func merge(_ produce: (_ insert: (ExportValues) throws -> Void) throws -> Void) throws -> ImportSummary {
        try withConnection(retrying: false) { connection in
            do {
                let summary = try connection.transaction { try ImportBatch.merge(produce, on: connection) }
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

/// One attempt at an import into PostgreSQL, inside its transaction.
///
/// Why the runs of new sweeps skip the staging table: staging every row
/// and then moving it cost as much again as PostgreSQL's own `INSERT …
/// SELECT` of the same rows (300,000 runs: 3.65 s of copy into staging
/// beside 4.99 s of insert into `run`). To copy a run into `run` its sweep
/// must be stored first, and a statement cannot run while a copy is open;
/// so rows wait in a window of a few thousand, the window's new sweeps are
/// stored, and its rows follow in one copy, which stays open for as long
/// as no new sweep appears. Rows keep the file's order: staged rows are
/// moved into `run` before a later direct copy begins, so run ids ascend in
/// the order of the file, as the staged path alone gives them.
private final class ImportBatch {
    let connection: PostgreSQLConnection
    /// Whether the runs of sweeps this import creates are copied into `run`
    /// directly; false stages every row (the retry after a collision).
    let direct: Bool
    let lastRunIDBefore: Int

    private var sweeps: [PendingSweep] = []
    private var position: [String: Int] = [:]
    /// Sweeps first seen in the window, not yet looked up in the history.
    private var unresolved: [Int] = []
    /// Rows waiting for their sweeps to be looked up, with their sweep's position.
    private var window: [(row: ExportValues, sweep: Int)] = []
    /// Hosts stored or found by this import: their fields and id.
    private var hosts: [(fields: ArraySlice<ExportValues.Value>, id: Int64)] = []
    /// The copy in progress, if any, and its bytes not yet sent.
    private var copy: Destination?
    private var writer = PostgreSQLCopyWriter()
    private var rowCount = 0
    private var staged = 0
    /// Staged rows already moved into `run` (the staging table numbers them from 1).
    private var movedThrough = 0
    private var summary = ImportSummary()

    static let windowSize = 4_096
    static let savepoint = "poolbench_import"

    /// Where a run row is copied: into `run` with its sweep's id, or into the
    /// staging table with its sweep's UUID.
    enum Destination {
        case run, staging

        var sql: String {
            switch self {
            case .run: "COPY run (\(ImportBatch.runNames.joined(separator: ", ")), sweepId) FROM STDIN (FORMAT binary)"
            case .staging: "COPY poolbench_import_run (\(ImportBatch.stagingRunColumns)) FROM STDIN (FORMAT binary)"
            }
        }
    }

    /// A direct copy refused a run UUID the history already holds.
    struct RunUUIDCollision: Error {}

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
    static let runNames = runColumns.map(\.postgreSQLRunColumn)
    static let runIndices = runColumns.map(\.index)
    static let runTypes = runColumns.map(PostgreSQLBinaryCopy.type(of:))
    static let sweepAndHostIndices = (sweepColumns + hostColumns).map(\.index)

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
        /// What the history holds of it, once looked up (direct attempts only).
        var stored = Stored.unknown

        enum Stored: Equatable {
            case unknown, present
            case created(id: Int64)
        }

        var hostFields: ArraySlice<ExportValues.Value> { fields[ImportBatch.sweepColumns.count...] }
    }

    /// The import in the caller's transaction: directly first, and staged
    /// if a run UUID collides.
    static func merge(
        _ produce: (_ insert: (ExportValues) throws -> Void) throws -> Void, on connection: PostgreSQLConnection
    ) throws -> ImportSummary {
        // A sort and hash of a million rows fit in memory, and the few
        // statements are not worth compiling.
        try connection.execute("SET LOCAL work_mem = '256MB'")
        try connection.execute("SET LOCAL jit = off")
        let lastRunIDBefore = try connection.execute("SELECT COALESCE(MAX(id), 0) AS number FROM run")
            .number(location: connection.location.description)
        try connection.execute("SAVEPOINT \(savepoint)")
        do {
            return try ImportBatch(connection, direct: true, lastRunIDBefore: lastRunIDBefore).attempt(produce)
        } catch is RunUUIDCollision {
            try connection.execute("ROLLBACK TO SAVEPOINT \(savepoint)")
            return try ImportBatch(connection, direct: false, lastRunIDBefore: lastRunIDBefore).attempt(produce)
        }
    }

    init(_ connection: PostgreSQLConnection, direct: Bool, lastRunIDBefore: Int) {
        self.connection = connection
        self.direct = direct
        self.lastRunIDBefore = lastRunIDBefore
    }

    func attempt(_ produce: (_ insert: (ExportValues) throws -> Void) throws -> Void) throws -> ImportSummary {
        try createStagingTables()
        do {
            try produce { row in try take(row) }
            try flushWindow()
            try endCopy()
        } catch {
            if copy != nil { connection.abandonCopy() }
            throw error
        }
        try copySweeps(sweeps)
        try settleSweeps()
        try moveStagedRuns()
        summary.presentRuns = rowCount - summary.newRuns
        try checkUnstoredRuns()
        try connection.execute("""
            INSERT INTO seriesSweep (workload, parameters, executor, machine, startedAt, sweepId)
            SELECT DISTINCT s.workload, s.parameters, s.executor, \(PostgreSQLHistoryStore.machineExpression),
                sweep.startedAt, sweep.id
            FROM poolbench_import_series AS s JOIN sweep ON sweep.uuid = s.sweepUuid JOIN host ON host.id = sweep.hostId
            ON CONFLICT DO NOTHING
            """)
        return summary
    }

    // MARK: - Rows

    private func take(_ row: ExportValues) throws {
        guard case let .text(sweepUuid) = row.values[ExportColumn.sweepUuid.index] else {
            preconditionFailure("rows are checked before they are merged")
        }
        let index: Int
        if let last = window.last?.sweep, sweeps[last].uuid == sweepUuid {
            index = last
        } else if let known = position[sweepUuid] {
            index = known
        } else {
            index = sweeps.count
            position[sweepUuid] = index
            sweeps.append(PendingSweep(uuid: sweepUuid, fields: Self.sweepAndHostIndices.map { row.values[$0] }))
            if direct { unresolved.append(index) }
        }
        Self.note(row, in: &sweeps[index])
        rowCount += 1
        window.append((row, index))
        if window.count == Self.windowSize { try flushWindow() }
    }

    /// Stores the window's new sweeps, then copies its rows.
    private func flushWindow() throws {
        if !unresolved.isEmpty {
            try endCopy()
            for index in unresolved { try resolve(index) }
            unresolved.removeAll()
        }
        for (row, index) in window {
            if case let .created(id) = sweeps[index].stored {
                try open(.run)
                writeRun(row)
                writer.append(integer: id)
                summary.newRuns += 1
            } else {
                try open(.staging)
                writeRun(row)
                writer.append(text: sweeps[index].uuid)
                staged += 1
            }
            if writer.isFull { try sendWritten() }
        }
        window.removeAll(keepingCapacity: true)
    }

    private func writeRun(_ row: ExportValues) {
        writer.beginTuple(fields: Self.runIndices.count + 1)
        for (index, type) in zip(Self.runIndices, Self.runTypes) {
            writer.append(row.values[index], as: type)
        }
    }

    /// Makes `destination` the copy in progress, ending another first.
    private func open(_ destination: Destination) throws {
        guard copy != destination else { return }
        try endCopy()
        // Staged rows before these direct ones take the smaller ids.
        if destination == .run { try moveStagedRuns() }
        try connection.beginCopy(destination.sql)
        copy = destination
        writer = PostgreSQLCopyWriter()
    }

    private func sendWritten() throws {
        guard let copy else { return }
        try writer.bytes.withUnsafeBytes { try connection.sendCopy($0, sql: copy.sql) }
        writer.removeAll()
    }

    private func endCopy() throws {
        guard let ending = copy else { return }
        writer.appendTrailer()
        try sendWritten()
        copy = nil
        do {
            try connection.endCopy(sql: ending.sql)
        } catch let PoolBenchError.postgreSQLFailed(_, state, _) where ending == .run && state == "23505" {
            throw RunUUIDCollision()
        }
    }

    /// Moves the staged rows not yet moved into `run`, in the file's order;
    /// a run whose UUID is stored already stays as it is.
    private func moveStagedRuns() throws {
        guard staged > movedThrough else { return }
        summary.newRuns += try connection.execute("""
            INSERT INTO run (\(Self.runNames.joined(separator: ", ")), sweepId)
            SELECT \(Self.runNames.map { "i.\($0)" }.joined(separator: ", ")), sweep.id
            FROM poolbench_import_run AS i JOIN sweep ON sweep.uuid = i.sweepUuid
            WHERE i.ord > $1
            ORDER BY i.ord
            ON CONFLICT (uuid) DO NOTHING
            """, [String(movedThrough)]).affected
        movedThrough = staged
    }

    // MARK: - Sweeps and hosts

    /// Looks a sweep up, and stores it (and its host) if the history does
    /// not hold it yet.
    private func resolve(_ index: Int) throws {
        let sweep = sweeps[index]
        let hostID: Int64
        if let known = hosts.first(where: { $0.fields == sweep.hostFields }) {
            hostID = known.id
        } else {
            // A host is stored only for a sweep that is new.
            if try connection.execute("SELECT 1 FROM sweep WHERE uuid = $1", [sweep.uuid]).count > 0 {
                sweeps[index].stored = .present
                return
            }
            hostID = try storeHost(sweep.hostFields)
        }
        let names = ["uuid", "hostId"] + Self.sweepColumns.map(\.postgreSQLSweepColumn)
        let created = try connection.execute("""
            INSERT INTO sweep (\(names.joined(separator: ", ")))
            SELECT \(names.indices.map { "$\($0 + 1)" }.joined(separator: ", "))
            WHERE NOT EXISTS (SELECT 1 FROM sweep WHERE uuid = $1)
            ON CONFLICT (uuid) DO NOTHING
            RETURNING id AS number
            """, [sweep.uuid, String(hostID)] as [String?] + sweep.fields.prefix(Self.sweepColumns.count).map(Self.parameter))
        if let id = try created.map(NumberColumn.self, location: location, { try $0.int64($1, .number) }).first {
            sweeps[index].stored = .created(id: id)
            summary.newSweeps += 1
        } else {
            sweeps[index].stored = .present
        }
    }

    private func storeHost(_ fields: ArraySlice<ExportValues.Value>) throws -> Int64 {
        let names = Self.hostColumns.map(\.hostColumnName)
        let values = fields.map(Self.parameter)
        summary.newHosts += try connection.execute("""
            INSERT INTO host (\(names.joined(separator: ", ")))
            VALUES (\(names.indices.map { "$\($0 + 1)" }.joined(separator: ", ")))
            ON CONFLICT DO NOTHING
            """, values).affected
        let id = try connection.execute(
            "SELECT id AS number FROM host WHERE \(names.indices.map { "\(names[$0]) = $\($0 + 1)" }.joined(separator: " AND "))",
            values
        ).number(location: location)
        hosts.append((fields, Int64(id)))
        return Int64(id)
    }

    private var location: String { connection.location.description }

    /// A sweep or host field as a bound parameter's text.
    private static func parameter(_ value: ExportValues.Value) -> String? {
        switch value {
        case .null: nil
        case let .integer(number): String(number)
        case let .real(number): "\(number)"
        case let .text(text): text
        }
    }

    /// Checks the sweeps' rows agreed, ends present sweeps the rows say
    /// ended, and stores the sweeps (and hosts) not stored yet: every one
    /// of a staged attempt's.
    private func settleSweeps() throws {
        for sweep in sweeps where sweep.disagrees {
            if try isNew(sweep) {
                throw ImportConflict(reason: "sweep \(sweep.uuid) appears twice with different values; a UUID names one sweep")
            }
        }
        // A sweep this import created agrees with itself, so it is not
        // stored as running with an end in the rows.
        summary.endedSweeps = try connection.execute("""
            UPDATE sweep SET status = i.endStatus, finishedAt = i.endFinishedAt
            FROM poolbench_import_sweep AS i
            WHERE sweep.uuid = i.sweepUuid AND sweep.status = 'running' AND i.endStatus IS NOT NULL
            """).affected
        let hostColumns = Self.hostColumns.map(\.hostColumnName).joined(separator: ", ")
        let newSweeps = "NOT EXISTS (SELECT 1 FROM sweep WHERE sweep.uuid = i.sweepUuid)"
        summary.newHosts += try connection.execute("""
            INSERT INTO host (\(hostColumns))
            SELECT DISTINCT \(Self.hostColumns.map { "i.\($0.hostColumnName)" }.joined(separator: ", "))
            FROM poolbench_import_sweep AS i WHERE \(newSweeps)
            ON CONFLICT DO NOTHING
            """).affected
        let sameHost = Self.hostColumns.map { "host.\($0.hostColumnName) = i.\($0.hostColumnName)" }
            .joined(separator: " AND ")
        summary.newSweeps += try connection.execute("""
            INSERT INTO sweep (uuid, hostId, status, startedAt, finishedAt, commandLine, label, gitCommit, gitBranch, testbed)
            SELECT i.sweepUuid, host.id, i.status, i.startedAt, i.finishedAt, i.commandLine, i.label, i.gitCommit,
                i.gitBranch, i.testbed
            FROM poolbench_import_sweep AS i JOIN host ON \(sameHost)
            WHERE \(newSweeps)
            ORDER BY i.ord
            """).affected
        summary.presentSweeps = sweeps.count - summary.newSweeps
    }

    /// Whether the history held no sweep of this UUID before the import.
    private func isNew(_ sweep: PendingSweep) throws -> Bool {
        switch sweep.stored {
        case .created: true
        case .present: false
        case .unknown: try connection.execute("SELECT 1 FROM sweep WHERE uuid = $1", [sweep.uuid]).count == 0
        }
    }

    /// Some rows were not stored: runs already there, or a UUID this import
    /// gave twice, which must then be the same run twice.
    private func checkUnstoredRuns() throws {
        guard summary.presentRuns > 0 else { return }
        let differs = (Self.runNames.map { "i.\($0)" } + ["sweep.id"]).joined(separator: ", ")
        let stored = (Self.runNames.map { "run.\($0)" } + ["run.sweepId"]).joined(separator: ", ")
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
        (runNames + ["sweepUuid"]).joined(separator: ", ")
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
