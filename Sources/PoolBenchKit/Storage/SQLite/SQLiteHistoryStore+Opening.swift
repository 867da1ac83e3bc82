import Foundation
import GRDB

extension SQLiteHistoryStore {
    /// Runs `open` again while it fails with SQLITE_BUSY, for up to a minute
    /// like the busy timeout. Processes opening one new history at once can
    /// collide where SQLite does not wait: while the file turns to WAL, and
    /// in GRDB's first write to the new WAL file, a deferred transaction
    /// that finds another connection's commit fails at once. A second
    /// attempt finds the file set up and waits its turn as usual.
    static func waitingOutOpeningCollisions<T>(_ open: () throws -> T) throws -> T {
        let deadline = ContinuousClock.now + .seconds(60)
        var pauseSeconds = 0.002
        while true {
            do {
                return try open()
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: pauseSeconds)
                pauseSeconds = min(pauseSeconds * 2, 0.25)
            }
        }
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        // Several poolbench processes may write one history; a writer waits
        // its turn rather than failing with "database is locked".
        configuration.busyMode = .callback { tries in waitsForLock(afterTries: tries) }
        configuration.foreignKeysEnabled = true
        // A new history's pages are 16 KiB rather than SQLite's 4 KiB, so
        // its b-trees are a level shallower and a run inserted or read walks
        // fewer pages. SQLite takes the size only while the file is empty;
        // an existing history keeps its own.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA page_size = 16384")
            try SQLiteCanonicalText.register(on: db)
        }
        return configuration
    }

    /// How long a connection waits for another's lock before it fails
    /// with "database is locked".
    static let lockWaitMilliseconds = 60_000
    /// How long, once a signal has come: enough for another poolbench's
    /// write (milliseconds) to end, not for a lock held for minutes.
    static let lockWaitAfterSignalMilliseconds = 250

    /// SQLite's busy handler: like `busy_timeout(60 s)`, but a wait that a
    /// signal cuts short. A sweep waited out another program's write lock,
    /// 80 s of `BEGIN EXCLUSIVE`, deaf to Ctrl-C, since its handler itself
    /// waits for the history's writer; now the locked write fails within
    /// 50 ms of a signal, and the handler's own writes wait a quarter of a
    /// second at most.
    static func waitsForLock(afterTries tries: Int) -> Bool {
        let limit = Interrupts.received == nil ? lockWaitMilliseconds : lockWaitAfterSignalMilliseconds
        guard let pause = lockWaitPause(afterTries: tries, limit: limit) else { return false }
        usleep(UInt32(pause) * 1_000)
        return true
    }

    /// Milliseconds to sleep before trying a lock again after `tries`
    /// failed tries, nil once `limit` milliseconds would be passed: short
    /// pauses first, as SQLite's own handler, then 50 ms, so that a signal
    /// is seen within 50 ms.
    static func lockWaitPause(afterTries tries: Int, limit: Int = lockWaitMilliseconds) -> Int? {
        let first = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50]
        let slept = tries < first.count ? first[..<tries].reduce(0, +) : first.reduce(0, +) + (tries - first.count) * 50
        let pause = tries < first.count ? first[tries] : 50
        return slept + pause > limit ? nil : pause
    }

    /// Checks the file without modifying it: it must be absent or empty
    /// (when we may create it), or an undamaged SQLite poolbench history no
    /// newer than us. Returns the newest migration the file has had, nil
    /// when it has none.
    ///
    /// SQLite's `quick_check` reads every page, too slow for each open of a
    /// large history, so it runs only where a damaged file would otherwise
    /// be written to or blamed on something else: before migrating, and
    /// when the schema looks wrong or SQLite reports damage.
    static func inspect(path: String, create: Bool) throws -> Int? {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue { throw PoolBenchError.historyIsDirectory(path: path) }
        if !exists {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: parent) else {
                throw PoolBenchError.historyDirectoryMissing(path: path)
            }
            guard create else { throw PoolBenchError.historyNotFound(path: path) }
            return nil
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw PoolBenchError.historyUnreadable(path: path, reason: "permission denied")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        if header.isEmpty {
            guard create else { throw PoolBenchError.historyEmpty(path: path) }
            return nil
        }
        guard header == Data("SQLite format 3\0".utf8) else { throw PoolBenchError.notSQLite(path: path) }

        var configuration = configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: try readingLocation(of: path), configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let tables = try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
                if tables.isEmpty {
                    // A copy of the main file alone, taken while its runs
                    // were still in the -wal file beside it, looks like this.
                    guard create else { throw PoolBenchError.historyEmpty(path: path) }
                    return nil
                }
                // Another program's database may have a `migration` table
                // of its own (its columns tell), and is no history either.
                let ours = try tables.contains("migration") && Migrator.isOwnMigrationTable(db)
                let applied = ours ? try Migrator.appliedVersions(db).last : nil
                if applied != Migrator().latestVersion { try checkUndamaged(db, path: path) }
                if !ours { throw PoolBenchError.notAPoolbenchHistory(path: path) }
                try Migrator().checkNotNewer(db, path: path)
                return applied
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_BUSY { throw error }
            throw explained(error, path: path)
        }
    }

    /// Throws `historyDamaged` unless SQLite's `quick_check` finds the file
    /// sound. Reads only.
    static func checkUndamaged(_ db: Database, path: String) throws {
        let problems: [String]
        do {
            problems = try String.fetchAll(db, sql: "PRAGMA quick_check(1)")
        } catch let error as DatabaseError {
            throw PoolBenchError.historyDamaged(path: path, detail: oneLine(error.message ?? "\(error.resultCode)"))
        }
        if problems != ["ok"] {
            throw PoolBenchError.historyDamaged(path: path, detail: oneLine(problems.first ?? "no answer"))
        }
    }

    /// SQLite's complaint on one line, without its `*** in database main ***`
    /// heading, and short: the first problem says enough.
    static func oneLine(_ text: String) -> String {
        let parts = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("***") }
        let flat = ExportRowDecoder.shown(parts.joined(separator: "; "))
        return flat.isEmpty ? "no detail" : flat
    }

    /// What to hand SQLite to read `path`. Reading a WAL history needs its
    /// `-shm` file, which SQLite creates beside it; where it cannot (a
    /// directory this process may not write) and no `-wal` file holds
    /// changes, SQLite is told the file is immutable and reads it without
    /// either. `canWrite` is `access(2)` but for tests.
    static func readingLocation(
        of path: String, canWrite: (String) -> Bool = { access($0, W_OK) == 0 }
    ) throws -> String {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if canWrite(directory) { return path }
        let sharedMemory = path + "-shm"
        if FileManager.default.fileExists(atPath: sharedMemory), canWrite(sharedMemory) { return path }
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        guard walSize == 0 else {
            throw PoolBenchError.historyUnreadable(
                path: path,
                reason: "its -wal file holds changes SQLite can read only by creating \(sharedMemory), and that directory is not writable; run poolbench where the directory can be written, or copy the history with its -wal file somewhere that can"
            )
        }
        return immutableURI(path)
    }

    /// `file:` URI naming `path`, with `immutable=1`.
    static func immutableURI(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let escaped = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
        return "file:\(escaped)?immutable=1"
    }

    /// One line for an SQLite failure on the history at `path`: damage and
    /// a full disk are named as such, and anything else keeps SQLite's own
    /// words without the statement.
    static func explained(_ error: DatabaseError, path: String) -> PoolBenchError {
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            .historyDamaged(path: path, detail: oneLine(error.message ?? "\(error.resultCode)"))
        case .SQLITE_FULL:
            // SQLite's "database or disk is full" came out as "cannot open
            // the history", in the middle of a sweep that had it open.
            .historyDiskFull(path: path)
        default:
            .historyUnreadable(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }
}
