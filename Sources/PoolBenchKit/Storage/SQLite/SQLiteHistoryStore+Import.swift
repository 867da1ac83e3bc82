import Foundation
import GRDB
import GRDBSQLite

extension SQLiteHistoryStore {
    /// Merges rows in `ExportColumn` order, each already checked, into the
    /// history: `produce` hands every row to the function it is given.
    ///
    /// All or nothing: one immediate transaction, rolled back if `produce` or
    /// an insert throws. Idempotent: a run or sweep whose UUID is already
    /// stored is left as it is and counted as present, so importing the same
    /// rows twice adds nothing; a host is shared by its full description, the
    /// table's UNIQUE key. A sweep's fields come from its first row.
    ///
    /// A present sweep is changed in one way only, the way `run` itself
    /// changes it: stored as `running` while the rows say it has ended, it
    /// takes their status and finish time. Nothing else stored is altered.
    ///
    /// `insert` throws `ImportConflict` for a row the history cannot take:
    /// a UUID this import already gave to a different run or sweep, or one
    /// the schema's CHECK constraints refuse.
    public func merge(_ produce: (_ insert: (ExportValues) throws -> Void) throws -> Void) throws -> ImportSummary {
        try writer.writeWithoutTransaction { db in
            // Runs' UUIDs arrive in random order, so each insert touches a
            // random page of the UUID index: a cache the size of that index
            // (64 MiB is a million runs' worth) keeps it off the disk.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // PRAGMA takes no bound parameters; this is an integer SQLite just reported.
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            var merger: RowMerger?
            try db.inTransaction(.immediate) {
                merger = try RowMerger(db)
                try produce { try merger!.insert($0) }
                try merger!.addNewRunsToSeriesSweeps()
                return .commit
            }
            return merger!.summary
        }
    }
}

/// The statements of one merge, prepared once and reused for every row.
private struct RowMerger {
    let db: Database
    var summary = ImportSummary()
    /// Sweeps and runs with an id up to these were there before the import.
    let lastSweepIdBefore: Int64
    let lastRunIdBefore: Int64
    var presentSweepIds: Set<Int64> = []
    /// Runs of one sweep come together; skip the lookups while they do.
    var lastSweep: (uuid: String, id: Int64)?
    var lastHost: (key: [DatabaseValue], id: Int64)?

    /// One run per statement. A statement inserting several runs may fail
    /// halfway, so SQLite keeps a copy of every page it changes until it
    /// ends; at one run each, there is nothing to undo and no copy. With
    /// batches of 64 runs, that copying cost more than the batching saved.
    let findHost, insertHost, findSweep, insertSweep, insertRun: Statement
    /// Only for a UUID met twice, which is rare: whether its stored run or
    /// sweep has exactly the row's values.
    let findRun, sameRun, sameSweep: Statement

    static let hostColumns: [ExportColumn] = [
        .hostName, .hostOs, .hostKernel, .hostCpuModel, .hostLogicalCores, .hostMemoryBytes, .hostPoolbenchVersion,
    ]
    static let sweepColumns: [ExportColumn] = [
        .sweepUuid, .sweepStatus, .sweepStartedAt, .sweepFinishedAt, .commandLine, .label, .gitCommit, .gitBranch,
        .testbed,
    ]
    static let runColumns: [ExportColumn] = [
        .runUuid, .workload, .parameters, .executor, .workers, .tasks, .repetition, .startedAt, .wallSeconds,
        .throughput, .latencyP50, .latencyP90, .latencyP99, .latencyMax, .cpuUserSeconds, .cpuSystemSeconds,
        .peakRssBytes, .voluntaryContextSwitches, .involuntaryContextSwitches, .errorCount, .firstError,
        .bytesReceived, .machineCpuSeconds, .otherCpuSeconds, .stealSeconds, .failures, .failedLatencyP50, .steadyThroughput,
        .workloadSpec,
    ]
    static let hostIndices = hostColumns.map(\.index)
    static let sweepIndices = sweepColumns.map(\.index)
    static let runIndices = runColumns.map(\.index)

    init(_ db: Database) throws {
        self.db = db
        lastSweepIdBefore = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM sweep") ?? 0
        lastRunIdBefore = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM run") ?? 0
        findHost = try db.makeStatement(sql: """
            SELECT id FROM host WHERE name = ? AND os = ? AND kernel = ? AND cpuModel = ?
            AND logicalCores = ? AND memoryBytes = ? AND poolbenchVersion = ?
            """)
        insertHost = try db.makeStatement(sql: """
            INSERT INTO host (name, os, kernel, cpuModel, logicalCores, memoryBytes, poolbenchVersion)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        findSweep = try db.makeStatement(sql: "SELECT id FROM sweep WHERE uuid = ?")
        insertSweep = try db.makeStatement(sql: """
            INSERT INTO sweep (\((Self.sweepColumns.map(\.sweepColumnName) + ["hostId"]).joined(separator: ", ")))
            VALUES (\(Array(repeating: "?", count: Self.sweepColumns.count + 1).joined(separator: ", ")))
            """)
        let names = Self.runColumns.map(\.runColumnName) + ["sweepId"]
        insertRun = try db.makeStatement(sql: """
            INSERT INTO run (\(names.joined(separator: ", ")))
            VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))
            ON CONFLICT (uuid) DO NOTHING
            """)
        findRun = try db.makeStatement(sql: "SELECT id FROM run WHERE uuid = ?")
        sameRun = try db.makeStatement(sql: """
            SELECT COUNT(*) FROM run WHERE id = ? AND \(names.map { "\($0) IS ?" }.joined(separator: " AND "))
            """)
        let sweepNames = Self.sweepColumns.dropFirst().map { "sweep.\($0.sweepColumnName) IS ?" }
        let hostNames = Self.hostColumns.map { "host.\($0.hostColumnName) IS ?" }
        sameSweep = try db.makeStatement(sql: """
            SELECT COUNT(*) FROM sweep JOIN host ON host.id = sweep.hostId
            WHERE sweep.id = ? AND \((sweepNames + hostNames).joined(separator: " AND "))
            """)
    }

    /// Gives `seriesSweep` the series and sweep of every run this import
    /// stored, in one statement over the new runs (the ids after
    /// `lastRunIdBefore`) rather than one per run; a run already present
    /// was given its row when it was stored.
    ///
    /// The new runs' (series, sweep) pairs come either from their rows, a
    /// range of the run table (0.54 s a million new runs, measured on a
    /// generated history), or from `run_seriesSweep`, which holds the pairs
    /// but in its own order, so the whole index is read (0.18 s a million
    /// runs of the history). The index wins while the import is more than
    /// a third of the history.
    func addNewRunsToSeriesSweeps() throws {
        guard summary.newRuns > 0 else { return }
        let runsAfter = lastRunIdBefore + Int64(summary.newRuns)
        let source: SQL = Int64(summary.newRuns) * 3 >= runsAfter ? "run" : "run NOT INDEXED"
        let statement: SQL = """
            INSERT OR IGNORE INTO seriesSweep (workload, parameters, executor, machine, startedAt, sweepId)
            SELECT series.workload, series.parameters, series.executor,
                COALESCE('testbed ' || sweep.testbed, host.name), sweep.startedAt, sweep.id
            FROM (SELECT DISTINCT workload, parameters, executor, sweepId FROM \(source) WHERE id > \(lastRunIdBefore)) AS series
            JOIN sweep ON sweep.id = series.sweepId JOIN host ON host.id = sweep.hostId
            """
        try db.execute(literal: statement)
    }

    /// Inserts the run unless its UUID is already stored; a database
    /// constraint that refuses it becomes an `ImportConflict`.
    mutating func insert(_ row: ExportValues) throws {
        do {
            try insertChecked(row)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw ImportConflict(reason: "the history refuses it (\(SQLiteHistoryStore.oneLine(error.message ?? "a constraint failed")))")
        }
    }

    /// Inserts the run unless its UUID is already stored. Binds and steps
    /// through SQLite's C API: at a million rows, GRDB's
    /// `StatementArguments` would cost more than the inserts.
    private mutating func insertChecked(_ row: ExportValues) throws {
        let sweepId = try sweepId(for: row)
        let handle = insertRun.sqliteStatement
        sqlite3_reset(handle)
        var position: Int32 = 1
        for index in Self.runIndices {
            row.values[index].bind(to: handle, at: position)
            position += 1
        }
        sqlite3_bind_int64(handle, position, sweepId)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: insertRun.sql
            )
        }
        if sqlite3_changes(db.sqliteConnection) == 1 {
            summary.newRuns += 1
        } else {
            try checkNotConflicting(row, sweepId: sweepId)
            summary.presentRuns += 1
        }
    }

    /// A run UUID already stored before the import is the same run seen
    /// again. One this import stored from an earlier row must have exactly
    /// that row's values: a UUID names one run, and a file giving it to two
    /// is wrong about one of them.
    private func checkNotConflicting(_ row: ExportValues, sweepId: Int64) throws {
        guard case let .text(uuid) = row.values[ExportColumn.runUuid.index],
              let id = try Int64.fetchOne(findRun, arguments: [uuid]), id > lastRunIdBefore
        else { return }
        let values = [id.databaseValue] + Self.runIndices.map { row.values[$0].databaseValue } + [sweepId.databaseValue]
        if try Int.fetchOne(sameRun, arguments: StatementArguments(values)) != 1 {
            throw ImportConflict(reason: "run \(uuid) appears twice with different values; a UUID names one run")
        }
    }

    /// Like `checkNotConflicting`, for a sweep this import stored from an
    /// earlier row.
    private func checkSweepNotConflicting(_ row: ExportValues, id: Int64, uuid: String) throws {
        guard id > lastSweepIdBefore else { return }
        let values = [id.databaseValue] + Self.sweepIndices.dropFirst().map { row.values[$0].databaseValue }
            + Self.hostIndices.map { row.values[$0].databaseValue }
        if try Int.fetchOne(sameSweep, arguments: StatementArguments(values)) != 1 {
            throw ImportConflict(reason: "sweep \(uuid) appears twice with different values; a UUID names one sweep")
        }
    }

    private mutating func sweepId(for row: ExportValues) throws -> Int64 {
        guard case let .text(uuid) = row.values[ExportColumn.sweepUuid.index] else {
            preconditionFailure("rows are checked before they are merged")
        }
        if let lastSweep, lastSweep.uuid == uuid { return lastSweep.id }
        let id: Int64
        if let existing = try Int64.fetchOne(findSweep, arguments: [uuid]) {
            id = existing
            try checkSweepNotConflicting(row, id: id, uuid: uuid)
            if id <= lastSweepIdBefore, presentSweepIds.insert(id).inserted { summary.presentSweeps += 1 }
            if case let .text(status) = row.values[ExportColumn.sweepStatus.index], status != SweepStatus.running.rawValue,
               try SQLiteHistoryStore.endSweep(
                   db, id: id, status: status, finishedAt: row.values[ExportColumn.sweepFinishedAt.index].databaseValue
               ) {
                summary.endedSweeps += 1
            }
        } else {
            var arguments = Self.sweepIndices.map { row.values[$0].databaseValue }
            arguments.append(try hostId(for: row).databaseValue)
            try insertSweep.execute(arguments: StatementArguments(arguments))
            id = db.lastInsertedRowID
            summary.newSweeps += 1
        }
        lastSweep = (uuid, id)
        return id
    }

    private mutating func hostId(for row: ExportValues) throws -> Int64 {
        let key = Self.hostIndices.map { row.values[$0].databaseValue }
        if let lastHost, lastHost.key == key { return lastHost.id }
        let id: Int64
        if let existing = try Int64.fetchOne(findHost, arguments: StatementArguments(key)) {
            id = existing
        } else {
            try insertHost.execute(arguments: StatementArguments(key))
            id = db.lastInsertedRowID
            summary.newHosts += 1
        }
        lastHost = (key, id)
        return id
    }
}

extension ExportColumn {
    /// The `run` table's name for a run column.
    fileprivate var runColumnName: String {
        switch self {
        case .runUuid: "uuid"
        default: rawValue
        }
    }

    /// The `sweep` table's name for a sweep column.
    fileprivate var sweepColumnName: String {
        switch self {
        case .sweepUuid: "uuid"
        case .sweepStatus: "status"
        case .sweepStartedAt: "startedAt"
        case .sweepFinishedAt: "finishedAt"
        default: rawValue
        }
    }
}

extension ExportValues.Value {
    /// SQLite copies the text (`SQLITE_TRANSIENT`), so it may go right after.
    @inline(__always)
    func bind(to statement: SQLiteStatement, at position: Int32) {
        switch self {
        case .null: sqlite3_bind_null(statement, position)
        case let .integer(value): sqlite3_bind_int64(statement, position, value)
        case let .real(value): sqlite3_bind_double(statement, position, value)
        case let .text(value):
            var text = value
            text.withUTF8 { bytes in
                // A nil pointer would bind NULL, not the empty text.
                guard let start = bytes.baseAddress, !bytes.isEmpty else {
                    _ = sqlite3_bind_text(statement, position, "", 0, Self.transient)
                    return
                }
                _ = sqlite3_bind_text(statement, position, start, Int32(bytes.count), Self.transient)
            }
        }
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case let .integer(value): value.databaseValue
        case let .real(value): value.databaseValue
        case let .text(value): value.databaseValue
        }
    }
}

/// Another poolbench history, opened read-only to be merged into this one.
/// It is never written: no migration, no journal-mode change.
final class ForeignHistory: Sendable {
    private let reader: DatabaseQueue
    public let path: String

    /// Opens the SQLite file at `path` read-only, refusing anything that is
    /// not a complete poolbench history at this binary's schema version.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(60)
        do {
            reader = try DatabaseQueue(path: try SQLiteHistoryStore.readingLocation(of: path), configuration: configuration)
            try reader.read { db in
                // A damaged file can look like anything, an older history
                // included; SQLite's check says which it is.
                func checkUndamaged() throws {
                    do {
                        try SQLiteHistoryStore.checkUndamaged(db, path: path)
                    } catch let PoolBenchError.historyDamaged(_, detail) {
                        throw PoolBenchError.sourceDamaged(path: path, detail: detail)
                    }
                }
                let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
                guard tables.isSuperset(of: ["migration", "host", "sweep", "run"]) else {
                    try checkUndamaged()
                    throw PoolBenchError.sourceNotAHistory(path: path)
                }
                let known = Migrator().latestVersion
                let newest = try Migrator.appliedVersions(db).last ?? 0
                guard newest == known else {
                    try checkUndamaged()
                    throw PoolBenchError.sourceFromOtherVersion(path: path, version: newest, known: known)
                }
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
                throw PoolBenchError.sourceDamaged(path: path, detail: SQLiteHistoryStore.oneLine(error.message ?? "\(error.resultCode)"))
            }
            throw PoolBenchError.sourceUnreadable(path: path, reason: error.message ?? "\(error.resultCode)")
        }
        self.path = path
    }

    /// Steps through every run with its sweep and host, as `export` does.
    @discardableResult
    public func forEachRow(_ body: (StatementExportRow) throws -> Void) throws -> Int {
        do {
            return try reader.read { db in try SQLiteHistoryStore.forEachExportRow(db, matching: HistoryFilter(), body) }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
                throw PoolBenchError.sourceDamaged(path: path, detail: SQLiteHistoryStore.oneLine(error.message ?? "\(error.resultCode)"))
            }
            throw PoolBenchError.sourceUnreadable(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }
}
