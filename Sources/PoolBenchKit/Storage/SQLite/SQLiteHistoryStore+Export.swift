import Foundation
import GRDB
// GRDB's own SQLite module, for reading a column's bytes in place: making a
// `String` for each of a million rows' fields would dominate an export.
import GRDBSQLite

extension SQLiteHistoryStore {
    /// Steps through every run matching `filter`, oldest first (the order of
    /// `runs(matching:)`), with its sweep's and host's fields beside it, in
    /// `ExportColumn` order. One read transaction, so the rows are a
    /// consistent snapshot while other processes record runs; rows are read
    /// one at a time, so memory stays flat however large the history.
    ///
    /// The row handed to `body` is only valid during that call.
    /// - Returns: how many rows were visited.
    @discardableResult
    public func forEachExportRow(matching filter: HistoryFilter, _ body: (StoredExportRow) throws -> Void) throws -> Int {
        try writer.read { db in try Self.forEachExportRow(db, matching: filter) { try body(.sqlite($0)) } }
    }

    static func forEachExportRow(
        _ db: Database, matching filter: HistoryFilter, _ body: (StatementExportRow) throws -> Void
    ) throws -> Int {
        let select = ExportColumn.allCases.map(\.selection).joined(separator: ", ")
        let statement = try db.makeStatement(literal: """
            SELECT \(select)
            FROM run
            JOIN sweep ON sweep.id = run.sweepId
            JOIN host ON host.id = sweep.hostId
            WHERE \(SQLiteFilter(filter).runConditions)
            ORDER BY run.startedAt, run.id
            """)
        let row = StatementExportRow(statement: statement.sqliteStatement)
        let cursor = try Row.fetchCursor(statement)
        var count = 0
        while try cursor.next() != nil {
            try body(row)
            count += 1
        }
        return count
    }
}

/// The export query's current row, read in place from the statement.
public struct StatementExportRow: ExportRowSource {
    let statement: SQLiteStatement

    /// Values are passed as SQLite holds them: a text in a number column
    /// (which the schema does not forbid) is written as text, and so is
    /// neutralised in CSV.
    @inline(__always)
    public func withField<R>(_ index: Int, _ body: (ExportField) throws -> R) rethrows -> R {
        let column = Int32(index)
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL:
            return try body(.null)
        case SQLITE_INTEGER:
            return try body(.integer(sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT:
            return try body(.real(sqlite3_column_double(statement, column)))
        default:
            // Ask for the text before its length: sqlite3_column_bytes is
            // only meaningful after the conversion (SQLite's documented order).
            let start = sqlite3_column_text(statement, column)
            let count = Int(sqlite3_column_bytes(statement, column))
            return try body(.text(UnsafeBufferPointer(start: start, count: count)))
        }
    }
}

extension ExportColumn {
    /// The column's expression in the export query: table columns only, so
    /// `sqlite3 -csv` with the same joins reads the same values.
    var selection: SQL {
        switch self {
        case .runUuid: "run.uuid"
        case .startedAt: "run.startedAt"
        case .workload: "run.workload"
        case .parameters: "run.parameters"
        case .executor: "run.executor"
        case .workers: "run.workers"
        case .tasks: "run.tasks"
        case .repetition: "run.repetition"
        case .wallSeconds: "run.wallSeconds"
        case .throughput: "run.throughput"
        case .latencyP50: "run.latencyP50"
        case .latencyP90: "run.latencyP90"
        case .latencyP99: "run.latencyP99"
        case .latencyMax: "run.latencyMax"
        case .cpuUserSeconds: "run.cpuUserSeconds"
        case .cpuSystemSeconds: "run.cpuSystemSeconds"
        case .peakRssBytes: "run.peakRssBytes"
        case .voluntaryContextSwitches: "run.voluntaryContextSwitches"
        case .involuntaryContextSwitches: "run.involuntaryContextSwitches"
        case .errorCount: "run.errorCount"
        case .firstError: "run.firstError"
        case .sweepUuid: "sweep.uuid"
        case .sweepStatus: "sweep.status"
        case .sweepStartedAt: "sweep.startedAt"
        case .sweepFinishedAt: "sweep.finishedAt"
        case .label: "sweep.label"
        case .commandLine: "sweep.commandLine"
        case .gitCommit: "sweep.gitCommit"
        case .gitBranch: "sweep.gitBranch"
        case .hostName: "host.name"
        case .hostOs: "host.os"
        case .hostKernel: "host.kernel"
        case .hostCpuModel: "host.cpuModel"
        case .hostLogicalCores: "host.logicalCores"
        case .hostMemoryBytes: "host.memoryBytes"
        case .hostPoolbenchVersion: "host.poolbenchVersion"
        case .bytesReceived: "run.bytesReceived"
        case .machineCpuSeconds: "run.machineCpuSeconds"
        case .otherCpuSeconds: "run.otherCpuSeconds"
        case .stealSeconds: "run.stealSeconds"
        case .testbed: "sweep.testbed"
        case .failures: "run.failures"
        case .failedLatencyP50: "run.failedLatencyP50"
        case .steadyThroughput: "run.steadyThroughput"
        case .workloadSpec: "run.workloadSpec"
        }
    }
}
