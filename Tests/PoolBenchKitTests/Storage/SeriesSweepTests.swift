import Foundation
import GRDB
import Testing
@testable import PoolBenchKit

/// `seriesSweep` is derived from the runs: whatever wrote them — a run, an
/// import, the migration over an older history — the table must hold
/// exactly one row per series per sweep, and the answers read from it must
/// be the ones the runs give.
@Suite struct SeriesSweepTests {
    /// Nine sweeps on two hosts, a testbed spanning both, labels, two
    /// workloads and two executors, and two sweeps of one host started in
    /// the same second: 11 series and sweeps, 4 series and machines.
    static func fill(_ store: SQLiteHistoryStore) throws {
        var other = HostRecord.fixture
        other.name = "bench-2"
        var history = try SyntheticHistory(seed: 8, store: store)
        try history.sweep(executors: ["pool", "tasks"], workers: [1, 2, 4], label: "a", curve: capacity(4))
        try history.sweep(workload: "cpu", parameters: "size=10", workers: [1, 2], host: other, curve: capacity(2))
        try history.sweep(workers: [1, 2, 4], testbed: "ci", curve: capacity(4))
        try history.sweep(workers: [1, 2, 4], host: other, testbed: "ci", curve: capacity(4))
        try history.sweep(executors: ["tasks"], workers: [1, 2, 4], label: "b", curve: capacity(4))
        history.hour -= 1
        try history.sweep(executors: ["pool", "tasks"], workers: [1, 2, 4], label: "b", curve: capacity(4))
        for _ in 0..<3 {
            try history.sweep(workers: [1, 2, 4], curve: capacity(4))
        }
    }

    static let filters: [HistoryFilter] = [
        HistoryFilter(), HistoryFilter(workload: "sleep"), HistoryFilter(executor: "tasks"),
        HistoryFilter(workload: "sleep", executor: "pool"), HistoryFilter(label: "b"), HistoryFilter(host: "bench-2"),
        HistoryFilter(testbed: "ci"), HistoryFilter(since: Date(timeIntervalSince1970: 1_795_000_000 + 3_600 * 3)),
        HistoryFilter(until: Date(timeIntervalSince1970: 1_795_000_000 + 3_600 * 4)), HistoryFilter(sweepID: 4),
        HistoryFilter(workload: "nothing"),
    ]

    /// The rows `seriesSweep` holds, and the rows its runs say it should.
    static func rows(_ store: SQLiteHistoryStore) throws -> (stored: [String], fromRuns: [String]) {
        try store.writer.read { db in
            (
                try String.fetchAll(db, sql: """
                    SELECT workload || '|' || parameters || '|' || executor || '|' || machine || '|' || startedAt || '|' || sweepId
                    FROM seriesSweep ORDER BY workload, parameters, executor, machine, startedAt, sweepId
                    """),
                try String.fetchAll(db, sql: """
                    SELECT DISTINCT run.workload || '|' || run.parameters || '|' || run.executor || '|'
                        || CASE WHEN sweep.testbed IS NULL THEN host.name ELSE 'testbed ' || sweep.testbed END
                        || '|' || sweep.startedAt || '|' || sweep.id
                    FROM run JOIN sweep ON sweep.id = run.sweepId JOIN host ON host.id = sweep.hostId
                    ORDER BY run.workload, run.parameters, run.executor,
                        CASE WHEN sweep.testbed IS NULL THEN host.name ELSE 'testbed ' || sweep.testbed END,
                        sweep.startedAt, sweep.id
                    """)
            )
        }
    }

    /// What `seriesRuns` answers, as text that tells any two answers apart.
    static func answer(_ store: SQLiteHistoryStore, _ filter: HistoryFilter, newest: Int) throws -> [String] {
        try store.seriesRuns(matching: filter, newestSweeps: newest).map { series in
            let samples = series.samples.map { "\($0.sweepID):\($0.workers):\($0.throughput)" }
            return "\(series.key.workloadDescription) \(series.key.executor) on \(series.machine) (\(series.host), "
                + "\(series.logicalCores) cores): sweeps \(series.sweeps.map(\.id)); \(samples.joined(separator: " "))"
        }
    }

    /// The same answer worked out the long way from every run and sweep,
    /// as `seriesRuns` did before `seriesSweep`: each machine's sweeps that
    /// meet the filter and ran the series, newest first by start then ID.
    static func answerFromEveryRun(_ store: SQLiteHistoryStore, _ filter: HistoryFilter, newest: Int) throws -> [String] {
        var sweepFilter = filter
        (sweepFilter.workload, sweepFilter.executor) = (nil, nil)
        let listings = Dictionary(uniqueKeysWithValues: try store.sweeps(matching: sweepFilter, newest: nil).map { ($0.sweep.id!, $0) })
        let runs = try store.runs(matching: HistoryFilter()).filter { run in
            listings[run.sweepId] != nil && filter.workload.map { $0 == run.workload } ?? true
                && filter.executor.map { $0 == run.executor } ?? true
        }
        let keys = Set(runs.map { SeriesKey(workload: $0.workload, parameters: $0.parameters, executor: $0.executor) }).sorted()
        var answer: [String] = []
        for key in keys {
            let ran = Set(runs.filter { SeriesKey(workload: $0.workload, parameters: $0.parameters, executor: $0.executor) == key }.map(\.sweepId))
            let sweeps = ran.compactMap { listings[$0] }
            let machines = Dictionary(grouping: sweeps) { SeriesRuns.machine(host: $0.hostName, testbed: $0.sweep.testbed) }
            for machine in machines.keys.sorted() {
                let chosen = machines[machine, default: []]
                    .sorted { ($0.sweep.startedAt, $0.sweep.id!) > ($1.sweep.startedAt, $1.sweep.id!) }
                    .prefix(newest).reversed()
                guard let last = chosen.last else { continue }
                let ids = chosen.map { $0.sweep.id! }
                let samples = runs
                    .filter { SeriesKey(workload: $0.workload, parameters: $0.parameters, executor: $0.executor) == key && ids.contains($0.sweepId) }
                    .sorted { (ids.firstIndex(of: $0.sweepId)!, $0.workers, $0.id!) < (ids.firstIndex(of: $1.sweepId)!, $1.workers, $1.id!) }
                    .map { "\($0.sweepId):\($0.workers):\($0.throughput)" }
                answer.append("\(key.workloadDescription) \(key.executor) on \(machine) (\(last.hostName), "
                    + "\(HostRecord.fixture.logicalCores) cores): sweeps \(ids); \(samples.joined(separator: " "))")
            }
        }
        return answer
    }

    /// `fill`'s history written as version 7 had it (no `seriesSweep`), by
    /// copying the rows of one recorded now, then opened by this poolbench.
    static func migratedCopy(of source: String, to path: String) throws -> SQLiteHistoryStore {
        let old = try DatabasePool(path: path, configuration: SQLiteHistoryStore.configuration())
        try Migrator(migrations: EmbeddedMigrations.all.filter { $0.version <= 7 }).migrate(old, path: path)
        try old.writeWithoutTransaction { db in
            #expect(try !db.tableExists("seriesSweep"))
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source])
            // The run columns version 7 had; later migrations added more.
            let columns = try Row.fetchAll(db, sql: "PRAGMA main.table_info(run)").map { $0["name"] as String }
                .joined(separator: ", ")
            try db.inTransaction {
                try db.execute(sql: """
                    INSERT INTO host SELECT * FROM source.host;
                    INSERT INTO sweep SELECT * FROM source.sweep;
                    INSERT INTO run (\(columns)) SELECT \(columns) FROM source.run;
                    """)
                return .commit
            }
            try db.execute(sql: "DETACH DATABASE source")
        }
        try old.close()
        return try SQLiteHistoryStore.open(path: path, create: true)
    }

    @Test func aRecordedRunAddsItsSeriesAndSweepOnce() throws {
        let store = try SQLiteHistoryStore.inMemory()
        try Self.fill(store)
        let (stored, fromRuns) = try Self.rows(store)
        #expect(stored.count == 11)
        #expect(stored == fromRuns)
        let fourth = Timestamp.format(Date(timeIntervalSince1970: 1_795_000_000 + 3_600 * 3))
        #expect(stored.contains("sleep|duration=20ms capacity=16|pool|testbed ci|\(fourth)|4"))
    }

    @Test func seriesRunsAnswersWhatEveryRunAndSweepSay() throws {
        let store = try SQLiteHistoryStore.inMemory()
        try Self.fill(store)
        for filter in Self.filters {
            for newest in [1, 2, 20] {
                let answer = try Self.answer(store, filter, newest: newest)
                #expect(answer == (try Self.answerFromEveryRun(store, filter, newest: newest)), "\(filter.summary), newest \(newest)")
            }
        }
        #expect(try Self.answer(store, HistoryFilter(), newest: 20).count == 4)
        #expect(try Self.answer(store, HistoryFilter(workload: "nothing"), newest: 20).isEmpty)
    }

    @Test func aHistoryMigratedFromVersion7AnswersBestAndTrendExactlyAsOneRecordedNow() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let recorded = try SQLiteHistoryStore.open(path: scratch.path("recorded.sqlite"), create: true)
        try Self.fill(recorded)
        try recorded.close()
        let migrated = try Self.migratedCopy(of: scratch.path("recorded.sqlite"), to: scratch.path("old.sqlite"))
        let (stored, fromRuns) = try Self.rows(migrated)
        #expect(stored.count == 11 && stored == fromRuns)

        let recordedAgain = try SQLiteHistoryStore.open(path: scratch.path("recorded.sqlite"), create: false)
        for filter in Self.filters {
            for newest in [1, 2, 20] {
                let answer = try Self.answer(migrated, filter, newest: newest)
                #expect(answer == (try Self.answerFromEveryRun(migrated, filter, newest: newest)), "\(filter.summary), newest \(newest)")
                #expect(answer == (try Self.answer(recordedAgain, filter, newest: newest)), "\(filter.summary), newest \(newest)")
            }
            for format in [ReportFormat.table, .json] {
                let best = { (store: SQLiteHistoryStore) in
                    try render(BestAnswer(series: try store.seriesRuns(matching: filter, newestSweeps: 10), newestSweeps: 10), as: format)
                }
                let trend = { (store: SQLiteHistoryStore) in
                    try render(TrendAnswer(series: try store.seriesRuns(matching: filter, newestSweeps: 20), newestSweeps: 20), as: format)
                }
                #expect(try best(migrated) == best(recordedAgain), "\(filter.summary)")
                #expect(try trend(migrated) == trend(recordedAgain), "\(filter.summary)")
            }
        }
    }

    @Test func theMigrationLeavesSweepListingsAndTheExportAsTheyWere() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let recorded = try SQLiteHistoryStore.open(path: scratch.path("recorded.sqlite"), create: true)
        try Self.fill(recorded)
        try recorded.close()
        let migrated = try Self.migratedCopy(of: scratch.path("recorded.sqlite"), to: scratch.path("old.sqlite"))
        let recordedAgain = try SQLiteHistoryStore.open(path: scratch.path("recorded.sqlite"), create: false)
        for filter in Self.filters {
            #expect(try migrated.sweeps(matching: filter, newest: nil) == recordedAgain.sweeps(matching: filter, newest: nil))
        }
        #expect(try migrated.sweeps(matching: HistoryFilter(), newest: nil).count == 9)
        for format in [ExportFormat.csv, .json] {
            #expect(try exported(migrated, format: format) == exported(recordedAgain, format: format))
        }
        let csv = String(decoding: try exported(migrated, neutralise: false), as: UTF8.self)
        let header = try #require(csv.components(separatedBy: "\r\n").first)
        #expect(header.split(separator: ",").count == 45)
    }

    @Test func anImportAddsTheSeriesAndSweepsOfTheRunsItStoresAndNoOthers() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let source = try SQLiteHistoryStore.inMemory()
        try Self.fill(source)
        let sleepOnly = try scratch.write(try exported(source, filter: HistoryFilter(workload: "sleep", executor: "pool")), to: "sleep.csv")
        let everything = try scratch.write(try exported(source), to: "all.csv")

        let store = try SQLiteHistoryStore.inMemory()
        var history = try SyntheticHistory(seed: 9, store: store)
        try history.sweep(workload: "file", parameters: "bytes=4096", workers: [1, 2], curve: capacity(2))
        let first = try ImportSource(path: sleepOnly).merge(into: store)
        #expect(first.newRuns > 0)
        var (stored, fromRuns) = try Self.rows(store)
        #expect(stored == fromRuns)
        #expect(stored.count == 1 + 7, "the file sweep's series, and the sleep pool series of seven sweeps")

        // The sweeps already present gain their other series' runs.
        let second = try ImportSource(path: everything).merge(into: store)
        #expect(second.presentSweeps == 7 && second.newSweeps == 2)
        (stored, fromRuns) = try Self.rows(store)
        #expect(stored == fromRuns)
        #expect(stored.count == 1 + 11)

        let again = try ImportSource(path: everything).merge(into: store)
        #expect(again.newRuns == 0)
        #expect(try Self.rows(store).stored == stored)

        // A few runs into a larger history: read from their rows, not the index.
        let few = try SQLiteHistoryStore.inMemory()
        var fewHistory = try SyntheticHistory(seed: 10, store: few)
        try fewHistory.sweep(executors: ["pool", "dispatch"], workers: [1], runs: 1, testbed: "ci", curve: capacity(2))
        let small = try ImportSource(path: try scratch.write(try exported(few), to: "few.csv")).merge(into: store)
        #expect(small.newRuns == 2)
        (stored, fromRuns) = try Self.rows(store)
        #expect(stored == fromRuns)
        #expect(stored.count == 1 + 11 + 2)
        for filter in Self.filters + [HistoryFilter(workload: "file")] {
            for newest in [1, 20] {
                let answer = try Self.answer(store, filter, newest: newest)
                #expect(answer == (try Self.answerFromEveryRun(store, filter, newest: newest)), "\(filter.summary), newest \(newest)")
            }
        }
    }

    @Test func anImportThatFailsLeavesSeriesSweepAsItWas() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let source = try SQLiteHistoryStore.inMemory()
        try Self.fill(source)
        let file = try scratch.write(try exported(source), to: "all.csv")
        let store = try SQLiteHistoryStore.inMemory()
        #expect(throws: PoolBenchError.importInterrupted) {
            _ = try ImportSource(path: file).merge(into: store, stoppingWhen: { true })
        }
        #expect(try Self.rows(store).stored.isEmpty)
    }
}
