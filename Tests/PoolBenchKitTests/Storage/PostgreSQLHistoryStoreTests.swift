import Foundation
import Synchronization
import Testing
@testable import PoolBenchKit

/// What only the PostgreSQL store has to get right: sharing a database with
/// other machines and other programs, and a server that comes and goes.
@Suite(.serialized, .enabled(if: PostgreSQLTestServer.isAvailable, PostgreSQLTestServer.skipReason))
struct PostgreSQLHistoryStoreTests {
    /// The names of the tables in the database's schema.
    func tables(_ location: PostgreSQLLocation) throws -> [String] {
        let connection = try PostgreSQLConnection(location)
        let rows = try connection.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
        return (0..<rows.count).compactMap { rows.text($0, 0) }
    }

    @Test func aNewDatabaseGetsTheSchemaOnceAndReadingAnEmptyOneChangesNothing() throws {
        try PostgreSQLTestServer.withScratchDatabase { location in
            #expect {
                try PostgreSQLHistoryStore.open(location, create: false)
            } throws: { error in
                "\(error)".hasPrefix("no poolbench history in the PostgreSQL database at")
            }
            #expect(try tables(location).isEmpty)
            let store = try PostgreSQLHistoryStore.open(location, create: true)
            try store.close()
            #expect(try tables(location) == ["host", "poolbench_migration", "run", "seriessweep", "sweep", "sweepprocess"])
            let reopened = try PostgreSQLHistoryStore.open(location, create: false)
            #expect(try reopened.sweeps(matching: HistoryFilter()).isEmpty)
        }
    }

    /// Machines that open one new database at the same moment apply each
    /// migration once: the advisory lock makes the others wait and then
    /// find the work done.
    @Test func machinesMigratingOneDatabaseAtOnceDoNotCollide() throws {
        try PostgreSQLTestServer.withScratchDatabase { location in
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do {
                    let store = try PostgreSQLHistoryStore.open(location, create: true)
                    let sweep = try store.makeSweep()
                    try store.save(.fixture(sweepId: sweep.id!))
                    try store.close()
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            let connection = try PostgreSQLConnection(location)
            let applied = try connection.execute("SELECT COUNT(*) FROM poolbench_migration")
            #expect(applied.text(0, 0) == String(EmbeddedMigrations.postgreSQL.count))
            #expect(try connection.execute("SELECT COUNT(*) FROM run").text(0, 0) == "8")
            #expect(try connection.execute("SELECT COUNT(*) FROM host").text(0, 0) == "1")
        }
    }

    @Test func aDatabaseOfAnotherProgramIsLeftUntouched() throws {
        try PostgreSQLTestServer.withScratchDatabase { location in
            let connection = try PostgreSQLConnection(location)
            try connection.execute("CREATE TABLE accounts (id integer PRIMARY KEY, owner text)")
            try connection.execute("CREATE TABLE run (id integer)")
            for create in [true, false] {
                #expect {
                    try PostgreSQLHistoryStore.open(location, create: create)
                } throws: { error in
                    let message = "\(error)"
                    return message.contains("holds another program's tables (accounts, run)")
                        && message.contains("left untouched") && !message.contains("\n")
                }
            }
            #expect(try tables(location) == ["accounts", "run"])
        }
    }

    @Test func aHistoryFromANewerPoolbenchIsRefused() throws {
        try PostgreSQLTestServer.withScratchDatabase { location in
            let store = try PostgreSQLHistoryStore.open(location, create: true)
            let sweep = try store.makeSweep()
            try store.save(.fixture(sweepId: sweep.id!))
            try store.close()
            let connection = try PostgreSQLConnection(location)
            try connection.execute(
                "INSERT INTO poolbench_migration (version, name, appliedAt) VALUES (99, '0099_future', '2027-01-01T00:00:00.000Z')"
            )
            for create in [true, false] {
                #expect {
                    try PostgreSQLHistoryStore.open(location, create: create)
                } throws: { error in
                    "\(error)".contains("was written by a newer poolbench (schema version 99")
                }
            }
            #expect(try connection.execute("SELECT COUNT(*) FROM run").text(0, 0) == "1")
            #expect(try connection.execute("SELECT status FROM sweep").text(0, 0) == "running")
        }
    }

    /// The server ends poolbench's connection (a restart, a failover): the
    /// next run is stored on a new connection, and nothing is stored twice.
    @Test func aDroppedConnectionIsReopenedAndTheRunStoredOnce() throws {
        try PostgreSQLTestServer.withScratchDatabase { location in
            let store = try PostgreSQLHistoryStore.open(location, create: true)
            defer { try? store.close() }
            let sweep = try store.makeSweep()
            try store.save(.fixture(sweepId: sweep.id!))
            let admin = try PostgreSQLConnection(location)
            let ended = try admin.execute("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                """)
            #expect(ended.count == 1)
            try store.save(.fixture(sweepId: sweep.id!, workers: 8))
            #expect(try store.finishSweep(id: sweep.id!, status: .completed))
            #expect(try store.runs(matching: HistoryFilter()).map(\.workers) == [4, 8])
        }
    }

    /// A sweep whose process died is marked abandoned by the next writer on
    /// its host, as in a SQLite history.
    @Test func aDeadSweepIsMarkedAbandonedByTheNextWriter() throws {
        try PostgreSQLTestServer.withScratchDatabase { location in
            let store = try PostgreSQLHistoryStore.open(location, create: true)
            let host = try store.host(HostProbe.current())
            let dead = SweepOwner(processId: Int32.max, processStartTime: 1, bootId: "gone", pidNamespace: "gone")
            let sweep = try store.beginSweep(
                SweepRecord(hostId: host.id!, startedAt: Date(timeIntervalSince1970: 946_684_800), commandLine: "poolbench run"),
                owner: dead
            )
            try store.close()
            let next = try PostgreSQLHistoryStore.open(location, create: true)
            #expect(try next.sweep(id: sweep.id!)?.status == .abandoned)
        }
    }
}
