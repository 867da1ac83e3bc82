import Foundation
import GRDB

/// A history in one SQLite file, the default store: it opens and migrates
/// the file, and its methods are the only code that reads or writes it.
public final class SQLiteHistoryStore: HistoryStore {
    let writer: any DatabaseWriter
    /// Where the history lives, for messages; `:memory:` for tests.
    public let path: String

    public var location: String { path }
    public var historyFile: String? { path == ":memory:" ? nil : path }

    init(writer: any DatabaseWriter, path: String, migrate: Bool = true) throws {
        self.writer = writer
        self.path = path
        if migrate { try Migrator().migrate(writer, path: path) }
    }

    /// A history in memory, for tests.
    public static func inMemory() throws -> SQLiteHistoryStore {
        try SQLiteHistoryStore(writer: DatabaseQueue(configuration: configuration()), path: ":memory:")
    }

    /// Opens the history at `path`, creating it when `create` is true.
    /// Anything that is not a poolbench history this binary understands is
    /// refused before a single byte of it is written, and so is a damaged
    /// one. A history that only needs reading and is already at the latest
    /// schema is opened read-only, so reading never changes the file at all.
    /// A history opened for writing has its dead sweeps marked abandoned
    /// (see `SweepOwner`) and is checkpointed by `closeAll()`.
    public static func open(path: String, create: Bool) throws -> SQLiteHistoryStore {
        try checkPath(path, create: create)
        let store: SQLiteHistoryStore
        do {
            store = try waitingOutOpeningCollisions {
                let applied = try inspect(path: path, create: create)
                if !create, applied == Migrator().latestVersion {
                    var readOnly = configuration()
                    readOnly.readonly = true
                    let location = try readingLocation(of: path)
                    return try SQLiteHistoryStore(writer: DatabaseQueue(path: location, configuration: readOnly), path: path, migrate: false)
                }
                return try SQLiteHistoryStore(writer: DatabasePool(path: path, configuration: configuration()), path: path)
            }
            register(store)
            if store.isWritable { try store.markAbandonedSweeps(from: .current) }
        } catch let error as DatabaseError {
            throw explained(error, path: path)
        }
        return store
    }
}

// MARK: - Recording

extension SQLiteHistoryStore {
    /// The stored row for this host description, inserting it the first time.
    public func host(_ host: HostRecord) throws -> HostRecord {
        try writer.write { db in
            let existing = try HostRecord.fetchOne(
                db,
                sql: """
                    SELECT * FROM host WHERE name = ? AND os = ? AND kernel = ? AND cpuModel = ?
                    AND logicalCores = ? AND memoryBytes = ? AND poolbenchVersion = ?
                    """,
                arguments: [
                    host.name, host.os, host.kernel, host.cpuModel, host.logicalCores, host.memoryBytes,
                    host.poolbenchVersion,
                ]
            )
            if let existing { return existing }
            var inserted = host
            try inserted.insert(db)
            return inserted
        }
    }

    /// Records a sweep the moment it starts, as `running`, with the process
    /// that runs it, so that a later command can tell when it died.
    public func beginSweep(_ sweep: SweepRecord, owner: SweepOwner?) throws -> SweepRecord {
        try writer.write { db in
            var inserted = sweep
            try inserted.insert(db)
            if let owner {
                try db.execute(
                    sql: """
                        INSERT INTO sweepProcess (sweepId, processId, processStartTime, bootId, pidNamespace)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [inserted.id, owner.processId, owner.processStartTime, owner.bootId, owner.pidNamespace]
                )
            }
            return inserted
        }
    }

    /// Marks `abandoned` every `running` sweep whose process, judged from
    /// `host`, has died, and returns their ids. Sweeps recorded elsewhere,
    /// or whose process lives, are left running. When it ended is unknown,
    /// so `finishedAt` stays empty.
    @discardableResult
    func markAbandonedSweeps(from host: SweepOwner.Host = .current) throws -> [Int64] {
        // Reading first: the common case, nothing running, never writes.
        let dead = try deadSweeps(from: host)
        guard !dead.isEmpty else { return [] }
        return try writer.write { db in
            try dead.filter { id in
                try db.execute(sql: "UPDATE sweep SET status = 'abandoned' WHERE id = ? AND status = 'running'", arguments: [id])
                return db.changesCount > 0
            }
        }
    }

    /// The `running` sweeps whose process, judged from `host`, has died:
    /// what `markAbandonedSweeps` marks, read without writing, so that a
    /// read-only command shows them `abandoned` too.
    func deadSweeps(from host: SweepOwner.Host = .current) throws -> [Int64] {
        try writer.read { db in
            try SQLiteQuery(db, """
                SELECT \(sql: OwnerColumn.selection)
                FROM sweep JOIN sweepProcess ON sweepProcess.sweepId = sweep.id JOIN host ON host.id = sweep.hostId
                WHERE sweep.status = 'running'
                """, location: path).map(OwnerColumn.self) { try $0.deadSweep($1, from: host) }.compactMap { $0 }
        }
    }

    /// Stores one run in its own transaction, so a crash loses at most the
    /// run in flight; its series and sweep join `seriesSweep` in the same
    /// transaction, so the answers see every stored run.
    @discardableResult
    public func save(_ run: RunRecord) throws -> RunRecord {
        try writer.write { db in
            var inserted = run
            try inserted.insert(db)
            let statement = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO seriesSweep (workload, parameters, executor, machine, startedAt, sweepId)
                SELECT ?, ?, ?, COALESCE('testbed ' || sweep.testbed, host.name), sweep.startedAt, sweep.id
                FROM sweep JOIN host ON host.id = sweep.hostId WHERE sweep.id = ?
                """)
            try statement.execute(arguments: [run.workload, run.parameters, run.executor, run.sweepId])
            return inserted
        }
    }

    /// Marks how a sweep ended. Only a `running` sweep changes, so a sweep
    /// already marked interrupted is never overwritten as completed; the
    /// result says whether this call was the one that marked it.
    @discardableResult
    public func finishSweep(id: Int64, status: SweepStatus, at date: Date) throws -> Bool {
        try writer.write { db in
            try Self.endSweep(db, id: id, status: status.rawValue, finishedAt: Timestamp.format(date).databaseValue)
        }
    }

    /// Sets how sweep `id` ended if it is still `running`, inside the
    /// caller's transaction; true when it was. An import ends a sweep the
    /// same way.
    static func endSweep(_ db: Database, id: Int64, status: String, finishedAt: DatabaseValue) throws -> Bool {
        let statement = try db.cachedStatement(
            sql: "UPDATE sweep SET status = ?, finishedAt = ? WHERE id = ? AND status = 'running'"
        )
        try statement.execute(arguments: [status, finishedAt, id])
        return db.changesCount > 0
    }
}

// MARK: - Reading

extension SQLiteHistoryStore {
    public func sweep(id: Int64) throws -> SweepRecord? {
        let sweep = try writer.read { db in
            try SQLiteQuery(db, "SELECT \(Self.selection(SweepColumn.names(in: "sweep"))) FROM sweep WHERE id = \(id)",
                location: path).map(SweepColumn.self) { try $0.sweep($1) }.first
        }
        return try sweep.map { try SweepOwner.showingAbandoned([$0]) { try deadSweeps() }[0] }
    }

    /// Sweeps matching `filter`, oldest first: the newest `newest` of them
    /// when it is given, so the cost follows what is shown rather than the
    /// history's length.
    public func sweeps(matching filter: HistoryFilter, newest: Int?) throws -> [SweepListing] {
        let listings = try writer.read { db in
            // The sweeps to show are picked first, through the startedAt
            // index; only those few pay for adding up their runs.
            let limit: SQL = newest.map { "LIMIT \($0)" } ?? ""
            let listing = ListingColumn.selection { "(SELECT group_concat(value, char(31)) FROM (\($0)))" }
            let query = try SQLiteQuery(db, """
                SELECT \(Self.selection(SweepColumn.names(in: "sweep") + listing))
                FROM (
                    SELECT sweep.id AS shownId FROM sweep JOIN host ON host.id = sweep.hostId
                    WHERE \(SQLiteFilter(filter).sweepConditions)
                    ORDER BY sweep.startedAt DESC, sweep.id DESC
                    \(limit)
                ) AS shown
                JOIN sweep ON sweep.id = shown.shownId
                JOIN host ON host.id = sweep.hostId
                ORDER BY sweep.startedAt, sweep.id
                """, location: path)
            let sweeps = try query.columns(SweepColumn.self)
            return try query.map(ListingColumn.self) { columns, row in
                try columns.listing(row, of: try sweeps.sweep(row))
            }
        }
        return try SweepOwner.showingAbandoned(listings) { try deadSweeps() }
    }

    /// How many sweeps match `filter`.
    public func sweepCount(matching filter: HistoryFilter) throws -> Int {
        try writer.read { db in
            let request: SQLRequest<Int> = """
                SELECT COUNT(*) FROM sweep JOIN host ON host.id = sweep.hostId
                WHERE \(SQLiteFilter(filter).sweepConditions)
                """
            return try request.fetchOne(db) ?? 0
        }
    }

    /// Runs matching `filter`, in the order they were measured.
    public func runs(matching filter: HistoryFilter) throws -> [RunRecord] {
        try writer.read { db in
            try SQLiteQuery(db, """
                SELECT \(Self.selection(RunColumn.names(in: "run"))) FROM run
                JOIN sweep ON sweep.id = run.sweepId
                JOIN host ON host.id = sweep.hostId
                WHERE \(SQLiteFilter(filter).runConditions)
                ORDER BY run.startedAt, run.id
                """, location: path).map(RunColumn.self) { try $0.run($1) }
        }
    }
}
