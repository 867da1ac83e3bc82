import Foundation

/// A history in a PostgreSQL database that a team shares: the same tables
/// and promises as `SQLiteHistoryStore`, through one libpq connection.
///
/// Many writers at once are the normal case. Every statement that records
/// something is one atomic statement or one short transaction, and each is
/// safe to send again: rows are matched by UUID, and a sweep ends only
/// while it is `running`. So when the connection drops (the server
/// restarts, the network blinks), the store reconnects and repeats the
/// statement for up to `retrySeconds`; after that it gives up with one
/// line, and every run stored before stays stored.
///
/// Unchecked `Sendable`: `state`, and the connection in it, are only
/// touched while `lock` is held.
public final class PostgreSQLHistoryStore: HistoryStore, @unchecked Sendable {
    let server: PostgreSQLLocation
    private let lock = NSLock()
    private var state: State

    private struct State {
        var connection: PostgreSQLConnection?
        /// Set once the server stayed away past the retries: later calls
        /// fail at once instead of waiting again.
        var lost: PoolBenchError?
    }

    /// How long a lost connection is retried before the command stops.
    static let retrySeconds = 10.0

    public var location: String { server.description }
    public var historyFile: String? { nil }

    init(server: PostgreSQLLocation, connection: PostgreSQLConnection) {
        self.server = server
        state = State(connection: connection)
    }

    /// Connects to the database at `server` and brings its schema up to
    /// date (creating it on an empty database when `create` is true). A
    /// store opened for writing marks dead sweeps abandoned, as SQLite's does.
    static func open(_ server: PostgreSQLLocation, create: Bool) throws -> PostgreSQLHistoryStore {
        let connection = try PostgreSQLConnection(server)
        try PostgreSQLMigrator().migrate(connection, create: create)
        let store = PostgreSQLHistoryStore(server: server, connection: connection)
        if create { try store.markAbandonedSweeps() }
        return store
    }

    public func close() throws {
        lock.withLock {
            state.connection = nil
            state.lost = .postgreSQLConnectionLost(location: location, reason: "the history was closed")
        }
    }

    /// Runs `body` on the connection, one caller at a time. A lost
    /// connection is reopened and `body` run again until `retrySeconds`
    /// pass; `body` must therefore be safe to repeat, or `retrying` false.
    func withConnection<T>(retrying: Bool = true, _ body: (PostgreSQLConnection) throws -> T) throws -> T {
        try lock.withLock {
            if let lost = state.lost { throw lost }
            let deadline = ContinuousClock.now + .seconds(Self.retrySeconds)
            while true {
                do {
                    let connection = try state.connection ?? PostgreSQLConnection(server)
                    state.connection = connection
                    return try body(connection)
                } catch let error as PoolBenchError where error.isPostgreSQLConnectionLoss {
                    let alive = state.connection?.isAlive ?? false
                    // A connection that still works failed for another reason.
                    if alive { throw error }
                    state.connection = nil
                    guard retrying, ContinuousClock.now < deadline else {
                        let lost = error.asConnectionLost(location: location)
                        state.lost = lost
                        throw lost
                    }
                    Thread.sleep(forTimeInterval: 0.5)
                }
            }
        }
    }
}

extension PoolBenchError {
    /// A failure that reconnecting may cure.
    var isPostgreSQLConnectionLoss: Bool {
        switch self {
        case .postgreSQLConnectionLost, .postgreSQLUnavailable: true
        default: false
        }
    }

    func asConnectionLost(location: String) -> PoolBenchError {
        switch self {
        case let .postgreSQLUnavailable(_, reason): .postgreSQLConnectionLost(location: location, reason: reason)
        default: self
        }
    }
}

// MARK: - Recording

extension PostgreSQLHistoryStore {
    public func host(_ host: HostRecord) throws -> HostRecord {
        let values: [String?] = [
            host.name, host.os, host.kernel, host.cpuModel, String(host.logicalCores), String(host.memoryBytes),
            host.poolbenchVersion,
        ]
        let id = try withConnection { connection -> Int64 in
            // Two statements, so the look-up sees a row another writer
            // committed while the insert waited on it.
            let inserted = try connection.execute("""
                INSERT INTO host (name, os, kernel, cpuModel, logicalCores, memoryBytes, poolbenchVersion)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id
                """, values)
            if let id = inserted.int64(0, 0) { return id }
            let found = try connection.execute("""
                SELECT id FROM host WHERE name = $1 AND os = $2 AND kernel = $3 AND cpuModel = $4
                AND logicalCores = $5 AND memoryBytes = $6 AND poolbenchVersion = $7
                """, values)
            guard let id = found.int64(0, 0) else { throw missing("host") }
            return id
        }
        var stored = host
        stored.id = id
        return stored
    }

    public func beginSweep(_ sweep: SweepRecord, owner: SweepOwner?) throws -> SweepRecord {
        let id = try withConnection { connection -> Int64 in
            try connection.transaction {
                let inserted = try connection.execute("""
                    INSERT INTO sweep (uuid, hostId, status, startedAt, finishedAt, commandLine, label, gitCommit,
                        gitBranch, testbed)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (uuid) DO NOTHING RETURNING id
                    """, [
                        sweep.uuid, String(sweep.hostId), sweep.status.rawValue, Timestamp.format(sweep.startedAt),
                        sweep.finishedAt.map(Timestamp.format), sweep.commandLine, sweep.label, sweep.gitCommit,
                        sweep.gitBranch, sweep.testbed,
                    ])
                let id = try inserted.int64(0, 0) ?? sweepID(uuid: sweep.uuid, connection)
                if let owner {
                    try connection.execute("""
                        INSERT INTO sweepProcess (sweepId, processId, processStartTime, bootId, pidNamespace)
                        VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
                        """, [
                            String(id), String(owner.processId), String(owner.processStartTime), owner.bootId,
                            owner.pidNamespace,
                        ])
                }
                return id
            }
        }
        var stored = sweep
        stored.id = id
        return stored
    }

    /// Like SQLite's: every `running` sweep whose process, judged from
    /// `host`, has died is marked `abandoned`.
    @discardableResult
    func markAbandonedSweeps(from host: SweepOwner.Host = .current) throws -> [Int64] {
        let dead = try deadSweeps(from: host)
        guard !dead.isEmpty else { return [] }
        return try withConnection { connection in
            try dead.filter { id in
                try connection.execute(
                    "UPDATE sweep SET status = 'abandoned' WHERE id = $1 AND status = 'running'", [String(id)]
                ).affected > 0
            }
        }
    }

    /// The `running` sweeps whose process, judged from `host`, has died,
    /// read without writing (see SQLite's).
    func deadSweeps(from host: SweepOwner.Host = .current) throws -> [Int64] {
        try withConnection { connection in
            try connection.execute("""
                SELECT \(OwnerColumn.selection)
                FROM sweep JOIN sweepProcess ON sweepProcess.sweepId = sweep.id JOIN host ON host.id = sweep.hostId
                WHERE sweep.status = 'running'
                """).map(OwnerColumn.self, location: location) { try $0.deadSweep($1, from: host) }.compactMap { $0 }
        }
    }

    /// One statement stores the run and notes that its sweep ran its series
    /// (see `seriesSweep`), so both or neither are kept.
    @discardableResult
    public func save(_ run: RunRecord) throws -> RunRecord {
        let values: [String?] = [
            run.uuid, String(run.sweepId), run.workload, run.parameters, run.executor, String(run.workers),
            String(run.tasks), String(run.repetition), Timestamp.format(run.startedAt),
            PostgreSQLText.real(run.wallSeconds), PostgreSQLText.real(run.throughput),
            run.latencyP50.map(PostgreSQLText.real), run.latencyP90.map(PostgreSQLText.real),
            run.latencyP99.map(PostgreSQLText.real), run.latencyMax.map(PostgreSQLText.real),
            run.cpuUserSeconds.map(PostgreSQLText.real), run.cpuSystemSeconds.map(PostgreSQLText.real),
            run.peakRssBytes.map { String($0) }, run.voluntaryContextSwitches.map { String($0) },
            run.involuntaryContextSwitches.map { String($0) }, String(run.errorCount), run.firstError,
            run.bytesReceived.map { String($0) }, run.machineCpuSeconds.map(PostgreSQLText.real),
            run.otherCpuSeconds.map(PostgreSQLText.real), run.stealSeconds.map(PostgreSQLText.real),
            run.failures, run.failedLatencyP50.map(PostgreSQLText.real), run.steadyThroughput.map(PostgreSQLText.real),
            run.workloadSpec,
        ]
        let id = try withConnection { connection -> Int64 in
            let placeholders = (1...values.count).map { "$\($0)" }.joined(separator: ", ")
            let saved = try connection.execute("""
                WITH saved AS (
                    INSERT INTO run (\(Self.runColumns.joined(separator: ", ")))
                    VALUES (\(placeholders)) ON CONFLICT (uuid) DO NOTHING RETURNING id
                ), series AS (
                    INSERT INTO seriesSweep (workload, parameters, executor, machine, startedAt, sweepId)
                    SELECT $3, $4, $5, \(Self.machineExpression), sweep.startedAt, sweep.id
                    FROM sweep JOIN host ON host.id = sweep.hostId WHERE sweep.id = $2
                    ON CONFLICT DO NOTHING
                )
                SELECT id FROM saved
                """, values)
            if let id = saved.int64(0, 0) { return id }
            // Sent again after a lost connection: the first one was committed.
            let found = try connection.execute("SELECT id FROM run WHERE uuid = $1", [run.uuid])
            guard let id = found.int64(0, 0) else { throw missing("run") }
            return id
        }
        var stored = run
        stored.id = id
        return stored
    }

    @discardableResult
    public func finishSweep(id: Int64, status: SweepStatus, at date: Date) throws -> Bool {
        try withConnection { connection in
            try connection.execute(
                "UPDATE sweep SET status = $1, finishedAt = $2 WHERE id = $3 AND status = 'running'",
                [status.rawValue, Timestamp.format(date), String(id)]
            ).affected > 0
        }
    }

    private func sweepID(uuid: String, _ connection: PostgreSQLConnection) throws -> Int64 {
        guard let id = try connection.execute("SELECT id FROM sweep WHERE uuid = $1", [uuid]).int64(0, 0) else {
            throw missing("sweep")
        }
        return id
    }

    private func missing(_ what: String) -> PoolBenchError {
        .postgreSQLFailed(location: location, state: "", reason: "a \(what) it had just stored could not be read back")
    }

    /// The run columns a `RunRecord` fills, in the order `save` binds them.
    static let runColumns = RunColumn.allCases.filter { $0 != .id }.map(\.rawValue)

    /// `seriesSweep.machine` of a sweep joined with its host: what
    /// `SeriesRuns.machine(host:testbed:)` says.
    static let machineExpression = "CASE WHEN sweep.testbed IS NULL THEN host.name ELSE 'testbed ' || sweep.testbed END"
}

// MARK: - Reading

extension PostgreSQLHistoryStore {
    public func sweep(id: Int64) throws -> SweepRecord? {
        let sweep = try withConnection { connection -> SweepRecord? in
            try connection.execute("SELECT \(Self.sweepColumns) FROM sweep WHERE id = $1", [String(id)])
                .map(SweepColumn.self, location: location) { try $0.sweep($1) }.first
        }
        return try sweep.map { try SweepOwner.showingAbandoned([$0]) { try deadSweeps() }[0] }
    }

    public func sweeps(matching filter: HistoryFilter, newest: Int?) throws -> [SweepListing] {
        var parameters = PostgreSQLParameters()
        let conditions = PostgreSQLFilter(filter).sweepConditions(&parameters)
        let limit = newest.map { "LIMIT \(parameters.bind(String($0)))" } ?? ""
        let listing = ListingColumn.selection { "(SELECT string_agg(value, chr(31)) FROM (\($0)) AS listed)" }
        let listings = try withConnection { connection -> [SweepListing] in
            // The sweeps to show are picked first, through the startedAt
            // index; only those few pay for adding up their runs.
            let rows = try connection.execute("""
                SELECT \(Self.sweepColumns), \(listing.joined(separator: ", "))
                FROM (
                    SELECT sweep.id AS shownId FROM sweep JOIN host ON host.id = sweep.hostId
                    WHERE \(conditions)
                    ORDER BY sweep.startedAt DESC, sweep.id DESC
                    \(limit)
                ) AS shown
                JOIN sweep ON sweep.id = shown.shownId
                JOIN host ON host.id = sweep.hostId
                ORDER BY sweep.startedAt, sweep.id
                """, parameters.values)
            let sweeps = try rows.columns(SweepColumn.self, location: location)
            return try rows.map(ListingColumn.self, location: location) { columns, row in
                try columns.listing(row, of: try sweeps.sweep(row))
            }
        }
        return try SweepOwner.showingAbandoned(listings) { try deadSweeps() }
    }

    public func sweepCount(matching filter: HistoryFilter) throws -> Int {
        var parameters = PostgreSQLParameters()
        let conditions = PostgreSQLFilter(filter).sweepConditions(&parameters)
        return try withConnection { connection in
            let rows = try connection.execute(
                "SELECT COUNT(*) AS number FROM sweep JOIN host ON host.id = sweep.hostId WHERE \(conditions)", parameters.values
            )
            return try rows.number(location: location)
        }
    }

    public func runs(matching filter: HistoryFilter) throws -> [RunRecord] {
        var parameters = PostgreSQLParameters()
        let conditions = PostgreSQLFilter(filter).runConditions(&parameters)
        return try withConnection { connection in
            try connection.execute("""
                SELECT \(RunColumn.names(in: "run").joined(separator: ", ")) FROM run
                JOIN sweep ON sweep.id = run.sweepId
                JOIN host ON host.id = sweep.hostId
                WHERE \(conditions)
                ORDER BY run.startedAt, run.id
                """, parameters.values).map(RunColumn.self, location: location) { try $0.run($1) }
        }
    }

    static let sweepColumns = SweepColumn.names(in: "sweep").joined(separator: ", ")
}

// MARK: - Values as text

/// Parameters for one statement, numbered `$1`, `$2`, … as they are bound.
struct PostgreSQLParameters {
    private(set) var values: [String?] = []

    /// Binds `value` and returns its placeholder.
    mutating func bind(_ value: String?) -> String {
        values.append(value)
        return "$\(values.count)"
    }
}

/// How values cross to the server in text form, exactly.
enum PostgreSQLText {
    /// The shortest text that reads back as the same double (Swift's
    /// `description`), in PostgreSQL's spelling for the non-finite ones.
    static func real(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return "\(value)"
    }

    /// A double as the server writes it, the non-finite ones too.
    static func double(_ text: String) -> Double? {
        switch text {
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        default: Double(text)
        }
    }

    /// `{1,2,3}`: a `bigint[]` parameter.
    static func array(_ values: [Int64]) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }
}

extension PostgreSQLRows {
    func int64(_ row: Int, _ column: Int) -> Int64? {
        text(row, column).flatMap { Int64($0) }
    }
}
