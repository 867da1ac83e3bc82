import Foundation
import GRDB
import Synchronization

/// Every history this process opened, so that each way out of it (the end
/// of a command, a failure, Ctrl-C) leaves the main file complete: in WAL
/// mode SQLite appends commits to the `-wal` file and copies them into the
/// main file only at a checkpoint, and a copy of the main file alone, taken
/// before one, is an empty history.
extension SQLiteHistoryStore {
    private static let opened = Mutex<[SQLiteHistoryStore]>([])

    static func register(_ store: SQLiteHistoryStore) {
        opened.withLock { $0.append(store) }
    }

    /// Whether this store was opened to write (or to migrate) a file.
    var isWritable: Bool { writer is DatabasePool }

    /// Copies every commit from the `-wal` file into the main file and
    /// empties the `-wal` file, then closes the connections. (The empty
    /// `-wal` and the `-shm` files stay: GRDB closes its read-only readers
    /// last, and only a connection that may write removes them.) Waits (up to
    /// the busy timeout) for another process's write or read to end. Later
    /// use of the store fails.
    public func close() throws {
        Self.opened.withLock { $0.removeAll { $0 === self } }
        if writer is DatabasePool {
            try writer.writeWithoutTransaction(Self.fold)
        }
        try writer.close()
    }

    /// The TRUNCATE checkpoint, tried again while another connection is
    /// checkpointing. SQLite waits (the busy timeout) for readers and
    /// writers, but returns SQLITE_BUSY at once, without calling the busy
    /// handler, when another process holds the checkpoint lock — as a sweep
    /// writing the same history does for a moment after its commits
    /// (automatic checkpoints). That takes milliseconds, so two seconds of
    /// retries outlast it; two sweeps ending side by side failed here before.
    ///
    /// Once a signal has come, the checkpoint waits a moment only (see
    /// `waitsForLock`): while another program holds the write lock, the
    /// commits are copied into the main file all the same (a passive
    /// checkpoint), and only the `-wal` file is left as it is.
    static func fold(_ db: Database) throws {
        var attempts = 0
        while true {
            do {
                _ = try db.checkpoint(.truncate)
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Interrupts.received != nil {
                let (frames, copied) = try db.checkpoint(.passive)
                if copied < frames { throw error }
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempts < 100 {
                attempts += 1
                usleep(20_000)
            }
        }
    }

    /// Closes every history this process opened, checkpointing those it may
    /// have written, and returns one error per history that could not be
    /// checkpointed.
    @discardableResult
    public static func closeAll() -> [PoolBenchError] {
        let stores = opened.withLock { $0 }
        var failures: [PoolBenchError] = []
        for store in stores {
            do {
                try store.close()
            } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
                failures.append(.historyDiskFull(path: store.path))
            } catch let error as DatabaseError {
                failures.append(.historyNotCheckpointed(path: store.path, reason: error.message ?? "\(error.resultCode)"))
            } catch {
                failures.append(.historyNotCheckpointed(path: store.path, reason: "\(error)"))
            }
        }
        return failures
    }

    /// Checkpoints every history this process opened to write, then exits
    /// with `code` while still holding each history's writer, so that no
    /// run stored by another thread after the checkpoint (the one in flight
    /// when Ctrl-C came) is left in the `-wal` file alone. For the signal
    /// handler, which ends the process from its own thread.
    public static func exitLeavingHistoriesWhole(_ code: Int32) -> Never {
        let stores = opened.withLock { $0 }.filter(\.isWritable)
        func hold(_ index: Int) {
            guard index < stores.count else { exit(code) }
            let store = stores[index]
            do {
                try store.writer.writeWithoutTransaction { db in
                    do {
                        try fold(db)
                    } catch let error as DatabaseError {
                        let failure = PoolBenchError.historyNotCheckpointed(path: store.path, reason: error.message ?? "\(error.resultCode)")
                        FileHandle.standardError.write(Data("Error: \(failure)\n".utf8))
                    }
                    hold(index + 1)
                }
            } catch {
                hold(index + 1)
            }
        }
        hold(0)
        exit(code)
    }

    /// Why a write failed, in a few words to go in a sentence.
    static func writeFailure(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return "\(error)" }
        switch error.resultCode {
        case .SQLITE_BUSY: return "another program holds the history's write lock"
        case .SQLITE_FULL: return "the disk is full"
        default: return error.message ?? "\(error.resultCode)"
        }
    }

    /// `error` in one line when SQLite raised it on a history this process
    /// opened (damage is named as such); any other error as it is.
    public static func explained(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        let path = opened.withLock { $0.last?.path } ?? "the history"
        return explained(error, path: path)
    }
}
