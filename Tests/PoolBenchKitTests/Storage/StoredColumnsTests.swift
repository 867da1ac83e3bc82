import Foundation
import GRDB
import Testing
@testable import PoolBenchKit

/// Each store reads a row by its columns' names, and a column that is
/// missing, NULL or of another type fails the read in one line naming it:
/// a schema mistake never becomes an answer made of defaults.
@Suite(.serialized) struct StoredColumnsTests {
    @Test(arguments: StoreKind.available)
    func aRenamedColumnFailsEveryReadInOneLineNamingIt(_ kind: StoreKind) throws {
        try withOneRun(kind) { store, stamps in
            try execute(store, "ALTER TABLE run RENAME COLUMN workers TO workerCount")
            for message in failures(of: reads(store, stamps)) {
                #expect(!message.contains("\n") && message.contains("workers"), "\(message)")
            }
        }
    }

    /// SQLite keeps any value in any column: text where a count belongs is
    /// named, not read as 0.
    @Test func aValueOfAnotherTypeFailsTheReadInOneLineNamingItsColumn() throws {
        try withOneRun(StoreKind.sqlite) { store, stamps in
            try execute(store, "UPDATE run SET workers = 'many'")
            expectAnswers(store, stamps, toFailWith: .historyColumnUnreadable(
                location: store.location, column: "workers", problem: "holds text"
            ))
        }
    }

    /// What PostgreSQL's store once read as 0 and the epoch.
    @Test(.enabled(if: PostgreSQLTestServer.isAvailable, PostgreSQLTestServer.skipReason))
    func aNullOrUnreadableValueInPostgreSQLFailsTheReadInsteadOfReadingADefault() throws {
        try withOneRun(StoreKind.postgreSQL) { store, stamps in
            try execute(store, "ALTER TABLE run ALTER COLUMN workers DROP NOT NULL; UPDATE run SET workers = NULL")
            expectAnswers(store, stamps, toFailWith: .historyColumnUnreadable(
                location: store.location, column: "workers", problem: "is NULL"
            ))
            // Its checks compare numbers, so they go before the type can.
            try execute(store, """
                UPDATE run SET workers = 1;
                DO $$ DECLARE name text; BEGIN
                    FOR name IN SELECT conname FROM pg_constraint WHERE conrelid = 'run'::regclass AND contype = 'c' LOOP
                        EXECUTE format('ALTER TABLE run DROP CONSTRAINT %I', name);
                    END LOOP;
                END $$;
                ALTER TABLE run ALTER COLUMN throughput TYPE text; UPDATE run SET throughput = 'fast'
                """)
            expectAnswers(store, stamps, toFailWith: .historyColumnUnreadable(
                location: store.location, column: "throughput", problem: "holds something other than a number"
            ))
            try execute(store, "UPDATE sweep SET startedAt = 'yesterday'")
            let date = PoolBenchError.historyColumnUnreadable(
                location: store.location, column: "startedAt", problem: "holds text that is not a time"
            )
            #expect(failures(of: [{ try store.sweeps(idOrLabel: "one run") }]) == [date.description])
        }
    }

    @Test func aResultLackingAColumnOfItsShapeIsRefusedBeforeAnyRowIsRead() throws {
        let database = try DatabaseQueue()
        try database.read { db in
            let query = try SQLiteQuery(db, "SELECT 1 AS sweepId, 2 AS workerCount", location: "test.sqlite")
            #expect(throws: PoolBenchError.historyColumnUnreadable(location: "test.sqlite", column: "workers", problem: "is missing")) {
                try query.columns(SampleColumn.self)
            }
        }
    }

    /// A history of one run, and the stamp of its sweep, for `body` to alter and read.
    private func withOneRun(_ kind: StoreKind, _ body: (any HistoryStore, [SweepStamp]) throws -> Void) throws {
        try kind.withEmptyHistory { store in
            let sweep = try store.makeSweep(label: "one run")
            try store.save(.fixture(sweepId: sweep.id!))
            try body(store, try store.sweeps(idOrLabel: "one run"))
        }
    }

    /// The reads that go through a run's columns: runs, answers, compare,
    /// history.
    private func reads(_ store: any HistoryStore, _ stamps: [SweepStamp]) -> [() throws -> Any] {
        [
            { try store.runs(matching: HistoryFilter()) },
            { try store.seriesRuns(matching: HistoryFilter(), newestSweeps: 5) },
            { try store.samplesBySeries(in: stamps) },
            { try store.sweeps(matching: HistoryFilter()) },
        ]
    }

    /// The reads of runs, answers and compare fail with `expected`
    /// (history counts runs without reading their values).
    private func expectAnswers(_ store: any HistoryStore, _ stamps: [SweepStamp], toFailWith expected: PoolBenchError) {
        #expect(failures(of: reads(store, stamps).prefix(3)) == Array(repeating: expected.description, count: 3))
    }

    /// What each read fails with, as the command line says it.
    private func failures(of reads: some Sequence<() throws -> Any>) -> [String] {
        reads.map { read in
            do {
                _ = try read()
                return "the read succeeded"
            } catch {
                return "\(HistoryLocation.explained(error))"
            }
        }
    }

    private func execute(_ store: any HistoryStore, _ sql: String) throws {
        switch store {
        case let sqlite as SQLiteHistoryStore: try sqlite.writer.write { try $0.execute(sql: sql) }
        case let postgreSQL as PostgreSQLHistoryStore: try postgreSQL.withConnection { try $0.executeScript(sql) }
        default: Issue.record("a store of another kind")
        }
    }
}
