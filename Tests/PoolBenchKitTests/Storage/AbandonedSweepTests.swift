import Foundation
import GRDB
import Testing
@testable import PoolBenchKit

/// When a sweep's process died without saying how the sweep ended.
@Suite struct AbandonedSweepTests {
    let owner = SweepOwner(processId: 4242, processStartTime: 1_000, bootId: "boot-1", pidNamespace: "pid:[1]")
    let startedAt = Date(timeIntervalSince1970: 1_795_000_000)

    /// This host as the rule sees it: `processes` maps live pids to their start times.
    func host(
        name: String = "bench-1", bootId: String = "boot-1", pidNamespace: String = "pid:[1]",
        bootedAt: Date = Date(timeIntervalSince1970: 1_700_000_000), processes: [Int32: Int64] = [:]
    ) -> SweepOwner.Host {
        SweepOwner.Host(name: name, bootId: bootId, pidNamespace: pidNamespace, bootedAt: bootedAt, startTime: { processes[$0] })
    }

    @Test func aSweepWhoseProcessLivesIsAlive() {
        #expect(owner.liveness(hostName: "bench-1", startedAt: startedAt, from: host(processes: [4242: 1_000])) == .alive)
    }

    @Test func aSweepWhoseProcessIsGoneOrWhosePidWasReusedIsDead() {
        #expect(owner.liveness(hostName: "bench-1", startedAt: startedAt, from: host()) == .dead)
        #expect(owner.liveness(hostName: "bench-1", startedAt: startedAt, from: host(processes: [4242: 9_999])) == .dead)
    }

    @Test func aSweepFromAnotherPidNamespaceOrAnotherMachineIsNotJudged() {
        #expect(owner.liveness(hostName: "bench-1", startedAt: startedAt, from: host(pidNamespace: "pid:[2]")) == .unknown)
        #expect(owner.liveness(hostName: "bench-1", startedAt: startedAt, from: host(name: "bench-2", bootId: "boot-2")) == .unknown)
    }

    @Test func aSweepStartedBeforeThisHostLastBootedIsDeadAndOneStartedSinceIsNotJudged() {
        let rebooted = host(bootId: "boot-2", bootedAt: startedAt.addingTimeInterval(60))
        #expect(owner.liveness(hostName: "bench-1", startedAt: startedAt, from: rebooted) == .dead)
        let bootedBefore = host(bootId: "boot-2", bootedAt: startedAt.addingTimeInterval(-60))
        #expect(owner.liveness(hostName: "bench-1", startedAt: startedAt, from: bootedBefore) == .unknown)
    }

    @Test func thisProcessIsItsOwnLiveOwner() throws {
        let current = try #require(SweepOwner.current())
        #expect(current.processId == getpid())
        #expect(current.liveness(hostName: ProcessInfo.processInfo.hostName, startedAt: Date(), from: .current) == .alive)
        #expect(SweepOwner.processStartTime(of: Int32.max) == nil)
    }

    @Test func onlySweepsWhoseProcessDiedAreMarkedAbandoned() throws {
        let store = try SQLiteHistoryStore.inMemory()
        let hostId = try store.host(.fixture).id!
        func sweep(owner: SweepOwner?, status: SweepStatus = .running) throws -> Int64 {
            try store.beginSweep(
                SweepRecord(hostId: hostId, status: status, startedAt: startedAt, commandLine: "poolbench run sleep"), owner: owner
            ).id!
        }
        let dead = try sweep(owner: owner)
        var livingOwner = owner
        livingOwner.processId = 7
        let living = try sweep(owner: livingOwner)
        let imported = try sweep(owner: nil)
        var endedOwner = owner
        endedOwner.processId = 8
        let ended = try sweep(owner: endedOwner, status: .completed)
        try store.save(.fixture(sweepId: dead))

        #expect(try store.markAbandonedSweeps(from: host(processes: [7: 1_000])) == [dead])
        #expect(try store.sweep(id: dead)?.status == .abandoned)
        #expect(try store.sweep(id: dead)?.finishedAt == nil)
        #expect(try store.sweep(id: living)?.status == .running)
        #expect(try store.sweep(id: imported)?.status == .running)
        #expect(try store.sweep(id: ended)?.status == .completed)
        #expect(try store.runs(matching: HistoryFilter()).count == 1, "an abandoned sweep keeps its runs")
        #expect(try store.markAbandonedSweeps(from: host(processes: [7: 1_000])) == [], "once is enough")
        // Like an interrupted sweep, it never becomes completed afterwards.
        #expect(try !store.finishSweep(id: dead, status: .completed))
    }

    @Test func aReaderShowsASweepWhoseProcessIsGoneAsAbandonedWithoutWriting() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("h.sqlite")
        let writer = try SQLiteHistoryStore.open(path: path, create: true)
        // This process, but as it would be after its pid was reused: provably not the sweep's owner any more.
        var gone = try #require(SweepOwner.current())
        gone.processStartTime += 1
        let host = try writer.host(HostRecord(
            name: ProcessInfo.processInfo.hostName, os: "Linux", kernel: "6", cpuModel: "cpu", logicalCores: 2,
            memoryBytes: 1 << 30, poolbenchVersion: "test"
        ))
        let dead = try writer.beginSweep(
            SweepRecord(hostId: host.id!, startedAt: Date(), commandLine: "poolbench run sleep"), owner: gone
        ).id!
        let alive = try writer.beginSweep(
            SweepRecord(hostId: host.id!, startedAt: Date(), commandLine: "poolbench run sleep"), owner: SweepOwner.current()
        ).id!
        try writer.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let reader = try SQLiteHistoryStore.open(path: path, create: false)
        #expect(!reader.isWritable)
        let statuses = Dictionary(uniqueKeysWithValues: try reader.sweeps(matching: HistoryFilter()).map { ($0.sweep.id!, $0.sweep.status) })
        #expect(statuses == [dead: .abandoned, alive: .running])
        #expect(try reader.sweep(id: dead)?.status == .abandoned)
        try reader.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "reading never writes")
    }

    @Test func aHistoryFromBeforeAbandonedSweepsMigratesKeepingEveryRow() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("old.sqlite")
        let old = try DatabasePool(path: path, configuration: SQLiteHistoryStore.configuration())
        try Migrator(migrations: EmbeddedMigrations.all.filter { $0.version <= 4 }).migrate(old, path: path)
        let oldStore = try SQLiteHistoryStore(writer: old, path: path, migrate: false)
        let hostId = try oldStore.host(.fixture).id!
        // As that schema had it: columns added since are not there yet.
        let sweepId = try old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO sweep (uuid, hostId, status, startedAt, commandLine, label)
                    VALUES ('5e8d6c1a-0000-4000-8000-000000000001', ?, 'interrupted', '2026-11-21T08:00:00.000Z', 'poolbench run sleep', 'before')
                    """,
                arguments: [hostId]
            )
            let sweepId = db.lastInsertedRowID
            try db.execute(
                sql: """
                    INSERT INTO run (uuid, sweepId, workload, parameters, executor, workers, tasks, repetition,
                        startedAt, wallSeconds, throughput)
                    VALUES ('5e8d6c1a-0000-4000-8000-000000000002', ?, 'sleep', 'duration=10ms', 'pool', 4, 100, 0,
                        '2026-11-21T08:00:01.000Z', 0.25, 400)
                    """,
                arguments: [sweepId]
            )
            return sweepId
        }
        try oldStore.close()

        let store = try SQLiteHistoryStore.open(path: path, create: true)
        let sweep = try #require(try store.sweep(id: sweepId))
        #expect(sweep.label == "before" && sweep.status == .interrupted && sweep.uuid == "5e8d6c1a-0000-4000-8000-000000000001")
        #expect(try store.runs(matching: HistoryFilter()).map(\.sweepId) == [sweepId])
        try store.writer.read { db in
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") == true, "foreign keys are on again")
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sweep' AND sql IS NOT NULL")
            #expect(Set(indexes) == ["sweep_startedAt", "sweep_label"])
        }
        try store.writer.write { db in
            try db.execute(sql: "UPDATE sweep SET status = 'abandoned' WHERE id = ?", arguments: [sweepId])
        }
        // Foreign keys still hold: a run of no sweep is refused.
        #expect(throws: DatabaseError.self) { try store.save(.fixture(sweepId: 999)) }
    }
}
