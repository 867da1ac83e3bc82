import Foundation

/// Where a history lives and the only code that reads or writes it: a
/// SQLite file (`SQLiteHistoryStore`, the default) or a PostgreSQL database
/// a team shares (`PostgreSQLHistoryStore`). Commands, analyses and reports
/// talk to this protocol and never know which one answers.
///
/// Every store keeps the same promises: a run is committed the moment it is
/// saved, so a crash loses at most the run in flight; `finishSweep` changes
/// only a sweep still `running`; `merge` is all or nothing and idempotent;
/// reading never changes the history; a store opened for writing marks
/// `abandoned` the sweeps whose process died (see `SweepOwner`).
public protocol HistoryStore: AnyObject, Sendable {
    /// Where the history lives, as messages name it: a file path, or a
    /// connection URL without its password.
    var location: String { get }

    /// The SQLite file the history is, when it is one: `export --output`
    /// refuses to overwrite it.
    var historyFile: String? { get }

    // MARK: Recording

    /// The stored row for this host description, inserting it the first time.
    func host(_ host: HostRecord) throws -> HostRecord

    /// Records a sweep the moment it starts, as `running`, with the process
    /// that runs it, so that a later command can tell when it died.
    func beginSweep(_ sweep: SweepRecord, owner: SweepOwner?) throws -> SweepRecord

    /// Stores one run in its own transaction.
    @discardableResult
    func save(_ run: RunRecord) throws -> RunRecord

    /// Marks how a sweep ended if it is still `running`; true when this call
    /// was the one that marked it.
    @discardableResult
    func finishSweep(id: Int64, status: SweepStatus, at date: Date) throws -> Bool

    // MARK: Reading

    func sweep(id: Int64) throws -> SweepRecord?

    /// Sweeps matching `filter`, oldest first: the newest `newest` of them
    /// when it is given.
    func sweeps(matching filter: HistoryFilter, newest: Int?) throws -> [SweepListing]

    /// How many sweeps match `filter`.
    func sweepCount(matching filter: HistoryFilter) throws -> Int

    /// Runs matching `filter`, in the order they were measured.
    func runs(matching filter: HistoryFilter) throws -> [RunRecord]

    /// Every series matching `filter`, each with the runs of at most its
    /// `newestSweeps` newest sweeps per machine (testbed when the sweep has
    /// one, else host); sorted by series, then machine.
    func seriesRuns(matching filter: HistoryFilter, newestSweeps: Int) throws -> [SeriesRuns]

    /// The sweeps `compare` means by `text`: the sweep with that ID when
    /// `text` is the ID of one, else every sweep labelled `text`, oldest
    /// first; empty when there are none.
    func sweeps(idOrLabel text: String) throws -> [SweepStamp]

    /// The runs of `sweeps`, grouped by series (hosts pooled), sorted by
    /// series: what `compare` sets side by side.
    func samplesBySeries(in sweeps: [SweepStamp]) throws -> [(key: SeriesKey, samples: [Sample])]

    /// Steps through every run matching `filter` in the order of
    /// `runs(matching:)`, with its sweep's and host's fields beside it, in
    /// `ExportColumn` order, from one consistent snapshot. The row handed to
    /// `body` is only valid during that call.
    /// - Returns: how many rows were visited.
    @discardableResult
    func forEachExportRow(matching filter: HistoryFilter, _ body: (StoredExportRow) throws -> Void) throws -> Int

    /// Merges rows in `ExportColumn` order, each already checked, into the
    /// history: `produce` hands every row to the function it is given.
    ///
    /// All or nothing: one transaction, rolled back if `produce` or an
    /// insert throws. Idempotent: a run or sweep whose UUID is already
    /// stored is left as it is and counted as present; a host is shared by
    /// its full description. A sweep's fields come from its first row. A
    /// present sweep stored as `running` while the rows say it has ended
    /// takes their status and finish time; nothing else stored is altered.
    ///
    /// `insert` throws `ImportConflict` for a row the history cannot take:
    /// a UUID this import already gave to a different run or sweep, or one
    /// the schema's constraints refuse.
    func merge(_ produce: (_ insert: (ExportValues) throws -> Void) throws -> Void) throws -> ImportSummary

    /// Leaves the history complete and lets it go; later use fails.
    func close() throws
}

extension HistoryStore {
    public func beginSweep(_ sweep: SweepRecord) throws -> SweepRecord {
        try beginSweep(sweep, owner: nil)
    }

    @discardableResult
    public func finishSweep(id: Int64, status: SweepStatus) throws -> Bool {
        try finishSweep(id: id, status: status, at: Date())
    }

    public func sweeps(matching filter: HistoryFilter) throws -> [SweepListing] {
        try sweeps(matching: filter, newest: nil)
    }

    @discardableResult
    public func forEachExportRow(_ body: (StoredExportRow) throws -> Void) throws -> Int {
        try forEachExportRow(matching: HistoryFilter(), body)
    }
}

/// Opens the history at `location`: a `postgresql://` or `postgres://` URL
/// is a PostgreSQL database, anything else a SQLite file path.
public enum HistoryLocation {
    /// Opens the history, creating it (or its schema) when `create` is true;
    /// a missing one is an error otherwise.
    /// Every command opens its history here, so a `--db` that is neither
    /// is refused here, before anything is opened: a libpq keyword string,
    /// whose password would otherwise name a new file, and a path to
    /// something other than a file.
    public static func open(_ location: String, create: Bool) throws -> any HistoryStore {
        if let server = PostgreSQLLocation(location) {
            return try PostgreSQLHistoryStore.open(server, create: create)
        }
        if let keywords = PostgreSQLLocation.connectionStringKeywords(location) {
            throw PoolBenchError.postgreSQLKeywordString(keywords: keywords)
        }
        return try SQLiteHistoryStore.open(path: location, create: create)
    }

    /// `error` as one line about the history it came from, where a store
    /// can say more than its library did (SQLite's errors name no file).
    public static func explained(_ error: any Error) -> any Error {
        SQLiteHistoryStore.explained(error)
    }

    /// Leaves every history this process opened complete (a SQLite file
    /// checkpointed); what could not be, one error each.
    public static func closeAll() -> [PoolBenchError] {
        SQLiteHistoryStore.closeAll()
    }

    /// Whether `text` names a PostgreSQL database rather than a file.
    public static func isPostgreSQL(_ text: String) -> Bool {
        PostgreSQLLocation(text) != nil
    }

    /// `text` as it may be shown: a URL without its password.
    public static func printable(_ text: String) -> String {
        PostgreSQLLocation(text)?.description ?? text
    }
}

/// A sweep as `history` lists it: its row plus what its runs add up to.
public struct SweepListing: Codable, Sendable, Equatable {
    public var sweep: SweepRecord
    public var hostName: String
    public var workloads: [String]
    public var executors: [String]
    /// Distinct executor × worker-count points measured.
    public var points: Int
    public var runs: Int
    public var errors: Int
}

/// What an import added, and what it found already there.
public struct ImportSummary: Sendable, Equatable {
    public var newSweeps = 0
    public var presentSweeps = 0
    public var newRuns = 0
    public var presentRuns = 0
    public var newHosts = 0
    /// Present sweeps stored as `running` that the import knew had ended:
    /// exported mid-sweep before, and again once it was over.
    public var endedSweeps = 0

    public init(
        newSweeps: Int = 0, presentSweeps: Int = 0, newRuns: Int = 0, presentRuns: Int = 0, newHosts: Int = 0,
        endedSweeps: Int = 0
    ) {
        self.newSweeps = newSweeps
        self.presentSweeps = presentSweeps
        self.newRuns = newRuns
        self.presentRuns = presentRuns
        self.newHosts = newHosts
        self.endedSweeps = endedSweeps
    }
}

/// Why the history cannot take one imported row; the importer adds where
/// the row is.
struct ImportConflict: Error {
    var reason: String
}

/// An export row as a store reads it, borrowed from the store's own
/// buffers: a concrete type, so the formatters' row loops stay specialised
/// whichever store the rows come from.
public enum StoredExportRow: ExportRowSource {
    case sqlite(StatementExportRow)
    case postgreSQL(PostgreSQLExportRow)

    @inline(__always)
    public func withField<R>(_ index: Int, _ body: (ExportField) throws -> R) rethrows -> R {
        switch self {
        case let .sqlite(row): try row.withField(index, body)
        case let .postgreSQL(row): try row.withField(index, body)
        }
    }
}
