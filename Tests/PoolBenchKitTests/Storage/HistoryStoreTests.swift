import Foundation
import GRDB
import Synchronization
import Testing
@testable import PoolBenchKit

@Suite struct HistoryStoreTests {
    @Test func aRunReadsBackWithEveryFieldItWasStoredWith() throws {
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep(label: "nightly")
        let run = try store.save(.fixture(sweepId: sweep.id!))
        let stored = try store.runs(matching: HistoryFilter())
        #expect(stored == [run])
        #expect(run.id != nil)
    }

    @Test func aHostDescribedTwiceIsStoredOnce() throws {
        let store = try SQLiteHistoryStore.inMemory()
        let first = try store.host(.fixture)
        let second = try store.host(.fixture)
        #expect(first.id == second.id)
        var other = HostRecord.fixture
        other.name = "bench-2"
        #expect(try store.host(other).id != first.id)
    }

    @Test func aSweepAlreadyInterruptedIsNeverMarkedCompleted() throws {
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep()
        #expect(try store.finishSweep(id: sweep.id!, status: .interrupted), "the first mark is this call's")
        #expect(try !store.finishSweep(id: sweep.id!, status: .completed), "a later one changes nothing")
        #expect(try store.sweep(id: sweep.id!)?.status == .interrupted)
    }

    @Test func sweepsSummariseTheirRuns() throws {
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep(label: "a")
        for (executor, workers) in [("pool", 1), ("pool", 2), ("tasks", 2)] {
            for repetition in 0..<2 {
                try store.save(.fixture(sweepId: sweep.id!, executor: executor, workers: workers, repetition: repetition))
            }
        }
        let summary = try #require(try store.sweeps(matching: HistoryFilter()).first)
        #expect(summary.points == 3)
        #expect(summary.runs == 6)
        #expect(summary.executors == ["pool", "tasks"])
        #expect(summary.workloads == ["sleep duration=10ms"])
        #expect(summary.hostName == "bench-1")
    }

    @Test func aSweepListsItsExecutorsSimplestFirstAndParametersHoldingCommasWhole() throws {
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep()
        for executor in ["tasks", "sequential", "pool"] {
            var run = RunRecord.fixture(sweepId: sweep.id!, workload: "job", executor: executor)
            run.parameters = "command='fetch --workers {workers} --sizes 1,2,4'"
            try store.save(run)
        }
        let summary = try #require(try store.sweeps(matching: HistoryFilter()).first)
        #expect(summary.executors == ["sequential", "pool", "tasks"])
        #expect(summary.workloads == ["job command='fetch --workers {workers} --sizes 1,2,4'"])
    }

    @Test func filtersNarrowRunsAndSweeps() throws {
        let store = try SQLiteHistoryStore.inMemory()
        let early = try store.makeSweep(label: "a", startedAt: Date(timeIntervalSince1970: 1_000))
        let late = try store.makeSweep(label: "b", startedAt: Date(timeIntervalSince1970: 2_000))
        try store.save(.fixture(sweepId: early.id!, workload: "cpu", startedAt: Date(timeIntervalSince1970: 1_001)))
        try store.save(.fixture(sweepId: late.id!, executor: "tasks", startedAt: Date(timeIntervalSince1970: 2_001)))

        #expect(try store.runs(matching: HistoryFilter(workload: "cpu")).map(\.sweepId) == [early.id!])
        #expect(try store.runs(matching: HistoryFilter(executor: "tasks")).map(\.sweepId) == [late.id!])
        #expect(try store.runs(matching: HistoryFilter(label: "a")).count == 1)
        #expect(try store.runs(matching: HistoryFilter(since: Date(timeIntervalSince1970: 1_500))).count == 1)
        #expect(try store.runs(matching: HistoryFilter(until: Date(timeIntervalSince1970: 1_500))).count == 1)
        #expect(try store.runs(matching: HistoryFilter(host: "elsewhere")).isEmpty)
        #expect(try store.sweeps(matching: HistoryFilter(workload: "cpu")).map(\.sweep.id) == [early.id])
        #expect(try store.sweeps(matching: HistoryFilter(sweepID: late.id)).map(\.sweep.label) == ["b"])
    }

    @Test func onlyTheNewestSweepsAreListedWhenAskedAndTheyStayOldestFirst() throws {
        let store = try SQLiteHistoryStore.inMemory()
        // Stored out of order: the listing follows startedAt, not insertion.
        for second in [5, 1, 4, 2, 3] {
            let sweep = try store.makeSweep(label: "s\(second)", startedAt: Date(timeIntervalSince1970: Double(second) * 1_000))
            try store.save(.fixture(sweepId: sweep.id!, workload: second.isMultiple(of: 2) ? "cpu" : "sleep"))
        }
        #expect(try store.sweeps(matching: HistoryFilter(), newest: 3).map(\.sweep.label) == ["s3", "s4", "s5"])
        #expect(try store.sweeps(matching: HistoryFilter(), newest: 3).map(\.runs) == [1, 1, 1])
        #expect(try store.sweeps(matching: HistoryFilter(), newest: 9).count == 5)
        #expect(try store.sweeps(matching: HistoryFilter(workload: "cpu"), newest: 1).map(\.sweep.label) == ["s4"])
        #expect(try store.sweepCount(matching: HistoryFilter()) == 5)
        #expect(try store.sweepCount(matching: HistoryFilter(workload: "sleep")) == 3)
    }

    @Test func labelsAreBoundNotSpliced() throws {
        let store = try SQLiteHistoryStore.inMemory()
        _ = try store.makeSweep(label: "x' OR '1'='1")
        #expect(try store.sweeps(matching: HistoryFilter(label: "x' OR '1'='1")).count == 1)
        #expect(try store.sweeps(matching: HistoryFilter(label: "' OR '1'='1")).isEmpty)
    }
}

@Suite struct HistoryFileTests {
    @Test func manyRecordersCreatingOneHistoryAtOnceAllGetIn() throws {
        // Each opener is its own SQLite connection, contending for the new
        // file as separate processes would while it turns to WAL and
        // migrates. A collision there used to surface as "database is
        // locked"; it must be waited out instead.
        for round in 0..<20 {
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let path = scratch.path("h.sqlite")
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do {
                    let store = try SQLiteHistoryStore.open(path: path, create: true)
                    _ = try store.host(.fixture)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 }.isEmpty, "round \(round)")
        }
    }

    @Test func aNewHistoryIsCreatedMigratedAndInWALMode() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let store = try SQLiteHistoryStore.open(path: scratch.path("h.sqlite"), create: true)
        let (versions, mode) = try store.writer.read { db in
            (try Int.fetchAll(db, sql: "SELECT version FROM migration"), try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        // Against the files in migrations/, so one left out of the build is caught.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("migrations").path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        #expect(!files.isEmpty)
        #expect(versions == files.compactMap { Int($0.prefix { $0.isNumber }) })
        #expect(mode == "wal")
        #expect(try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 16384)
    }

    /// SQLite fixes a file's page size when it is first written; a history
    /// made with 4 KiB pages migrates, keeps them and keeps its runs.
    @Test func anExistingHistoryKeepsItsPageSizeAndItsRuns() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("old.sqlite")
        let old = try DatabaseQueue(path: path)
        try old.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        try old.close()
        let store = try SQLiteHistoryStore.open(path: path, create: true)
        try store.save(.fixture(sweepId: try store.makeSweep().id!))
        let reopened = try SQLiteHistoryStore.open(path: path, create: true)
        #expect(try reopened.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
        #expect(try reopened.runs(matching: HistoryFilter()).count == 1)
    }

    @Test func reopeningAHistoryAppliesNothingTwice() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("h.sqlite")
        let store = try SQLiteHistoryStore.open(path: path, create: true)
        try store.save(.fixture(sweepId: try store.makeSweep().id!))
        let reopened = try SQLiteHistoryStore.open(path: path, create: false)
        #expect(try reopened.runs(matching: HistoryFilter()).count == 1)
    }

    @Test func readingAHistoryLeavesItsFileByteForByte() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("h.sqlite")
        let store = try SQLiteHistoryStore.open(path: path, create: true)
        try store.save(.fixture(sweepId: try store.makeSweep().id!))
        try store.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let reader = try SQLiteHistoryStore.open(path: path, create: false)
        #expect(try reader.runs(matching: HistoryFilter()).count == 1)
        #expect(try reader.sweeps(matching: HistoryFilter()).count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aMissingHistoryIsNotCreatedWhenOnlyReading() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("none.sqlite")
        #expect(throws: PoolBenchError.historyNotFound(path: path)) { try SQLiteHistoryStore.open(path: path, create: false) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aDirectoryOrAMissingDirectoryIsRefused() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        #expect(throws: PoolBenchError.historyIsDirectory(path: scratch.url.path)) {
            try SQLiteHistoryStore.open(path: scratch.url.path, create: true)
        }
        let missing = scratch.path("no/such/dir/h.sqlite")
        #expect(throws: PoolBenchError.historyDirectoryMissing(path: missing)) {
            try SQLiteHistoryStore.open(path: missing, create: true)
        }
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftByteForByte() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("notes.txt")
        let content = Data("my precious notes, not a database\n".utf8)
        try content.write(to: URL(fileURLWithPath: path))
        #expect(throws: PoolBenchError.notSQLite(path: path)) { try SQLiteHistoryStore.open(path: path, create: true) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == content)
    }

    @Test func anotherApplicationsSQLiteDatabaseIsRefusedUntouched() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("other.sqlite")
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE note (text TEXT)") }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: PoolBenchError.notAPoolbenchHistory(path: path)) { try SQLiteHistoryStore.open(path: path, create: true) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func aHistoryFromANewerPoolbenchIsRefusedUntouched() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("newer.sqlite")
        let store = try SQLiteHistoryStore.open(path: path, create: true)
        try store.writer.write { db in
            try db.execute(sql: "INSERT INTO migration (version, name, appliedAt) VALUES (9999, '9999_future', 'x')")
        }
        try store.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let latest = Migrator().latestVersion
        #expect(throws: PoolBenchError.historyFromNewerVersion(path: path, version: 9999, known: latest)) {
            try SQLiteHistoryStore.open(path: path, create: true)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func twoStoresWritingOneFileAtOnceKeepEveryRun() async throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("shared.sqlite")
        let stores = try (0..<2).map { _ in try SQLiteHistoryStore.open(path: path, create: true) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for store in stores {
                group.addTask {
                    let sweep = try store.makeSweep()
                    for repetition in 0..<200 { try store.save(.fixture(sweepId: sweep.id!, repetition: repetition)) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try stores[0].runs(matching: HistoryFilter()).count == 400)
    }
}
