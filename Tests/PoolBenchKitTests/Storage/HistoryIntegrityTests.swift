import Foundation
import GRDB
import Synchronization
import Testing
@testable import PoolBenchKit

/// What a history file holds when poolbench is done with it, and what
/// reading one that is empty, damaged or read-only does to it.
@Suite struct HistoryIntegrityTests {
    /// The runs in the file at `path` alone, read by SQLite as a copy would
    /// be: the file copied by itself into a directory of its own.
    func runsInACopyOfTheMainFileAlone(_ path: String, in scratch: ScratchDirectory) throws -> Int {
        let copy = scratch.path("copy-\(UUID().uuidString).sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: copy, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try db.tableExists("run") ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run") ?? 0 : 0
        }
    }

    func checksum(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// A new history holding one sweep of three runs, still open.
    func historyOfThreeRuns(in scratch: ScratchDirectory) throws -> (store: SQLiteHistoryStore, path: String) {
        let path = scratch.path("h.sqlite")
        let store = try SQLiteHistoryStore.open(path: path, create: true)
        let sweep = try store.makeSweep()
        for repetition in 0..<3 { try store.save(.fixture(sweepId: sweep.id!, repetition: repetition)) }
        return (store, path)
    }

    @Test func closingAWrittenHistoryLeavesEveryRunInTheMainFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (store, path) = try historyOfThreeRuns(in: scratch)
        #expect(try runsInACopyOfTheMainFileAlone(path, in: scratch) == 0, "before closing, the runs are in the -wal file")
        try store.close()
        #expect(try runsInACopyOfTheMainFileAlone(path, in: scratch) == 3)
        // SQLite leaves the -wal file empty, or removes it.
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(walSize == 0)
    }

    /// Two sweeps writing one history: when one ends while the other is
    /// checkpointing, SQLite refuses the first one's checkpoint at once
    /// (SQLITE_BUSY, without waiting) and that sweep used to exit 1 with
    /// "could not fold". Here another connection holds the checkpoint lock,
    /// waiting on a reader, until the reader ends a moment later. Threads of
    /// their own: each blocks, and the shared pool may have only two.
    @Test func closingWhileAnotherConnectionCheckpointsWaitsForItAndFolds() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (store, path) = try historyOfThreeRuns(in: scratch)

        var holding = Configuration()
        holding.allowsUnsafeTransactions = true
        let reader = try DatabaseQueue(path: path, configuration: holding)
        var waiting = Configuration()
        waiting.busyMode = .timeout(30)
        let checkpointer = try DatabaseQueue(path: path, configuration: waiting)
        let probe = try DatabaseQueue(path: path)
        defer { try? reader.close(); try? checkpointer.close(); try? probe.close() }
        try reader.inDatabase { db in
            try db.execute(sql: "BEGIN")
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run")
        }
        let failures = Mutex<[String]>([])
        // The checkpointer takes the checkpoint lock and waits on the reader.
        let checkpointing = try OSThread.spawn {
            do {
                try checkpointer.inDatabase { db in _ = try db.checkpoint(.truncate) }
            } catch {
                failures.withLock { $0.append("the other checkpoint: \(error)") }
            }
        }
        // Until it holds the lock, a passive checkpoint is not refused.
        var held = false
        for _ in 0..<2_000 where !held {
            Thread.sleep(forTimeInterval: 0.005)
            held = try probe.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") == 1 }
        }
        try #require(held, "the other connection never took the checkpoint lock")
        let ending = try OSThread.spawn {
            Thread.sleep(forTimeInterval: 0.3)
            do {
                try reader.inDatabase { db in try db.execute(sql: "COMMIT") }
            } catch {
                failures.withLock { $0.append("the reader: \(error)") }
            }
        }
        let closed = Result { try store.close() }
        ending.join()
        checkpointing.join()
        try closed.get()
        #expect(failures.withLock { $0 } == [])
        #expect(try runsInACopyOfTheMainFileAlone(path, in: scratch) == 3)
    }

    @Test func anSQLiteFileWithNoTablesIsNotMadeIntoAHistoryByReadingIt() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // What copying the main file alone of a history whose runs were all
        // in its -wal file gave: a header and no tables.
        let path = scratch.path("copy.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
        try queue.close()
        let empty = scratch.path("empty.sqlite")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        for file in [path, empty] {
            let before = try checksum(file)
            #expect(throws: PoolBenchError.historyEmpty(path: file)) { try SQLiteHistoryStore.open(path: file, create: false) }
            #expect(try checksum(file) == before)
        }
        // Recording into it is what it is for.
        #expect(try SQLiteHistoryStore.open(path: path, create: true).sweeps(matching: HistoryFilter()).isEmpty)
    }

    /// A history of about 200 KiB, closed, with its second page (the
    /// `migration` table, which every open reads) overwritten with seeded
    /// noise. (Noise in the unused middle of the first page, where the
    /// schema's entries have not grown, is no damage at all.)
    func damagedHistory(in scratch: ScratchDirectory, pageSize: Int = 16384) throws -> String {
        let path = scratch.path("damaged.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
        try queue.close()
        let store = try SQLiteHistoryStore.open(path: path, create: true)
        let sweep = try store.makeSweep()
        for repetition in 0..<600 { try store.save(.fixture(sweepId: sweep.id!, repetition: repetition)) }
        try store.close()
        var generator = SeededGenerator(seed: 42)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count > 150_000)
        for index in pageSize..<2 * pageSize { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [4096, 16384])
    func aDamagedHistoryIsNamedDamagedAndNeverWritten(pageSize: Int) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = try damagedHistory(in: scratch, pageSize: pageSize)
        let before = try checksum(path)
        for create in [false, false, true] {
            do {
                let store = try SQLiteHistoryStore.open(path: path, create: create)
                _ = try store.sweeps(matching: HistoryFilter())
                _ = try store.runs(matching: HistoryFilter())
                Issue.record("a damaged history was read without complaint")
            } catch let error as PoolBenchError {
                guard case .historyDamaged = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect("\(error)".contains("is damaged (SQLite: "))
                #expect("\(error)".contains("Restore it from a copy"))
                #expect(!"\(error)".contains("\n"))
            } catch {
                #expect(SQLiteHistoryStore.explained(error) is PoolBenchError, "\(error)")
            }
            #expect(try checksum(path) == before, "create: \(create)")
        }
    }

    @Test func aDamagedHistoryIsNamedDamagedWhenImported() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = try damagedHistory(in: scratch)
        let before = try checksum(path)
        do {
            _ = try ImportSource(path: path).merge(into: try SQLiteHistoryStore.inMemory())
            Issue.record("a damaged history was imported")
        } catch let error as PoolBenchError {
            guard case .sourceDamaged = error else {
                Issue.record("\(error)")
                return
            }
        }
        #expect(try checksum(path) == before)
    }

    @Test func aReaderThatCannotCreateTheSharedMemoryFileReadsTheHistoryAsImmutable() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("h.sqlite")
        #expect(try SQLiteHistoryStore.readingLocation(of: path, canWrite: { _ in true }) == path)
        let immutable = try SQLiteHistoryStore.readingLocation(of: path, canWrite: { _ in false })
        #expect(immutable == "file:\(path)?immutable=1")
        // A -wal file that holds changes cannot be read that way.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path + "-wal"))
        #expect(throws: PoolBenchError.self) { try SQLiteHistoryStore.readingLocation(of: path, canWrite: { _ in false }) }
        #expect(SQLiteHistoryStore.immutableURI("/a dir/h?#%.sqlite") == "file:/a%20dir/h%3F%23%25.sqlite?immutable=1")
    }

    @Test func anImmutableReaderSeesEveryRunOfAClosedHistory() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("h.sqlite")
        let store = try SQLiteHistoryStore.open(path: path, create: true)
        try store.save(.fixture(sweepId: try store.makeSweep().id!))
        try store.close()
        for leftover in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + leftover) }
        var configuration = Configuration()
        configuration.readonly = true
        let reader = try SQLiteHistoryStore(
            writer: DatabaseQueue(path: SQLiteHistoryStore.immutableURI(path), configuration: configuration), path: path, migrate: false
        )
        #expect(try reader.runs(matching: HistoryFilter()).count == 1)
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    }
}
