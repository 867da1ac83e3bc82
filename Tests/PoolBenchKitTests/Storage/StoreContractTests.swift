import Foundation
import Testing
@testable import PoolBenchKit

/// What every store promises, checked on each: SQLite always, PostgreSQL
/// whenever a test server is reachable (always in CI).
@Suite(.serialized) struct StoreContractTests {
    @Test(.enabled(if: PostgreSQLTestServer.isAvailable, PostgreSQLTestServer.skipReason))
    func theseTestsRunOnPostgreSQLToo() {
        #expect(StoreKind.available == [.sqlite, .postgreSQL])
    }

    @Test(arguments: StoreKind.available)
    func aRunReadsBackExactlyAsItWasSaved(_ kind: StoreKind) throws {
        try kind.withEmptyHistory { store in
            let sweep = try store.makeSweep(label: "exact")
            var run = RunRecord.fixture(sweepId: sweep.id!)
            run.wallSeconds = 0.1 + 0.2
            run.latencyMax = .leastNonzeroMagnitude
            run.peakRssBytes = .max
            run.firstError = "error: \"quoted\", comma\nnew line — ünïcode"
            run.bytesReceived = 12
            run.otherCpuSeconds = 1.0 / 3
            run.failures = FailureCounts([.http(429): 31, .timeout: 2]).json
            run.failedLatencyP50 = 0.000_6
            run.steadyThroughput = 123.25
            let saved = try store.save(run)
            #expect(saved.id != nil)
            #expect(try store.runs(matching: HistoryFilter()) == [saved])
            #expect(try store.runs(matching: HistoryFilter()).first?.failureCounts == FailureCounts([.http(429): 31, .timeout: 2]))
            #expect(try store.sweep(id: sweep.id!) == sweep)
            // A run saved again (a retry after a lost reply) is kept once.
            if kind == .postgreSQL {
                #expect(try store.save(run).id == saved.id)
                #expect(try store.runs(matching: HistoryFilter()).count == 1)
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func aRunsFailuresByKindReachTheAnswers(_ kind: StoreKind) throws {
        try kind.withEmptyHistory { store in
            let sweep = try store.makeSweep()
            var run = RunRecord.fixture(sweepId: sweep.id!)
            run.errorCount = 33
            run.failures = FailureCounts([.http(429): 31, .refused: 2]).json
            try store.save(run)
            let samples = try store.seriesRuns(matching: HistoryFilter(), newestSweeps: 10).flatMap(\.samples)
            #expect(samples.map(\.failures) == [FailureCounts([.http(429): 31, .refused: 2])])
            let stamps = try store.sweeps(idOrLabel: String(sweep.id!))
            #expect(try store.samplesBySeries(in: stamps).flatMap(\.samples).map(\.failures) == samples.map(\.failures))
        }
    }

    @Test(arguments: StoreKind.available)
    func aRunsSteadyThroughputReachesTheAnswersAndOldRunsFallBack(_ kind: StoreKind) throws {
        try kind.withEmptyHistory { store in
            let sweep = try store.makeSweep()
            var steady = RunRecord.fixture(sweepId: sweep.id!)
            steady.steadyThroughput = 123.25
            try store.save(steady)
            var old = RunRecord.fixture(sweepId: sweep.id!)
            old.workers += 1
            try store.save(old)
            let samples = try store.seriesRuns(matching: HistoryFilter(), newestSweeps: 10).flatMap(\.samples)
                .sorted { $0.workers < $1.workers }
            #expect(samples.map(\.steadyThroughput) == [123.25, nil])
            #expect(samples.map(\.decisionThroughput) == [123.25, old.throughput])
            let stamps = try store.sweeps(idOrLabel: String(sweep.id!))
            let compared = try store.samplesBySeries(in: stamps).flatMap(\.samples).sorted { $0.workers < $1.workers }
            #expect(compared.map(\.steadyThroughput) == [123.25, nil])
        }
    }

    @Test(arguments: StoreKind.available)
    func aSweepEndsOnceAndOnlyWhileRunning(_ kind: StoreKind) throws {
        try kind.withEmptyHistory { store in
            let sweep = try store.makeSweep()
            #expect(try store.finishSweep(id: sweep.id!, status: .interrupted))
            #expect(try !store.finishSweep(id: sweep.id!, status: .completed))
            #expect(try store.sweep(id: sweep.id!)?.status == .interrupted)
            #expect(try store.sweep(id: 999) == nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func aHostIsStoredOncePerDescription(_ kind: StoreKind) throws {
        try kind.withEmptyHistory { store in
            let first = try store.host(.fixture)
            #expect(try store.host(.fixture) == first)
            #expect(try store.host(DeterministicHistory.secondHost).id != first.id)
        }
    }

    /// The same calls through either store give the same history: the same
    /// export, byte for byte, in both formats and under every filter, and
    /// the same answers to every question the commands ask.
    @Test(.enabled(if: PostgreSQLTestServer.isAvailable, PostgreSQLTestServer.skipReason))
    func theSameHistoryThroughEitherStoreAnswersTheSame() throws {
        try StoreKind.sqlite.withEmptyHistory { sqlite in
            try StoreKind.postgreSQL.withEmptyHistory { postgreSQL in
                try DeterministicHistory.record(into: sqlite)
                try DeterministicHistory.record(into: postgreSQL)
                let filters = [
                    HistoryFilter(), HistoryFilter(workload: "sleep"), HistoryFilter(executor: "threads"),
                    HistoryFilter(label: "plain"), HistoryFilter(host: "bench-2"), HistoryFilter(testbed: "ci-large"),
                    HistoryFilter(since: Date(timeIntervalSince1970: 1_795_010_000)),
                    HistoryFilter(until: Date(timeIntervalSince1970: 1_795_020_000)), HistoryFilter(sweepID: 3),
                    HistoryFilter(workload: "cpu", label: "nothing like it"),
                ]
                for filter in filters {
                    for format in [ExportFormat.csv, .json] {
                        let expected = try exported(sqlite, format: format, filter: filter)
                        #expect(try exported(postgreSQL, format: format, filter: filter) == expected, "\(filter.summary)")
                    }
                    #expect(try postgreSQL.sweeps(matching: filter) == sqlite.sweeps(matching: filter), "\(filter.summary)")
                    #expect(try postgreSQL.sweeps(matching: filter, newest: 3) == sqlite.sweeps(matching: filter, newest: 3))
                    #expect(try postgreSQL.sweepCount(matching: filter) == sqlite.sweepCount(matching: filter))
                    #expect(try postgreSQL.runs(matching: filter) == sqlite.runs(matching: filter), "\(filter.summary)")
                    for newest in [1, 4, 100] {
                        let expected = try sqlite.seriesRuns(matching: filter, newestSweeps: newest)
                        let answered = try postgreSQL.seriesRuns(matching: filter, newestSweeps: newest)
                        #expect(described(answered) == described(expected), "\(filter.summary), newest \(newest)")
                        #expect(answered.map(\.samples) == expected.map(\.samples), "\(filter.summary), newest \(newest)")
                    }
                }
                #expect(try !exported(sqlite).isEmpty)
                for text in ["3", "plain", "99", "nothing"] {
                    let sweeps = try sqlite.sweeps(idOrLabel: text)
                    #expect(try postgreSQL.sweeps(idOrLabel: text) == sweeps, "\(text)")
                    let expected = try sqlite.samplesBySeries(in: sweeps)
                    let answered = try postgreSQL.samplesBySeries(in: sweeps)
                    #expect(answered.map(\.key) == expected.map(\.key))
                    #expect(answered.map(\.samples) == expected.map(\.samples))
                }
            }
        }
    }

    /// SQLite → PostgreSQL → a new SQLite file: every export on the way is
    /// the same bytes, whether the first import reads the SQLite file itself
    /// or its CSV export.
    @Test(.enabled(if: PostgreSQLTestServer.isAvailable, PostgreSQLTestServer.skipReason), arguments: [false, true])
    func aHistoryRoundTripsThroughPostgreSQLByteForByte(fromCSV: Bool) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let original = try SQLiteHistoryStore.open(path: scratch.path("original.sqlite"), create: true)
        try original.fillWithAwkwardRows()
        try DeterministicHistory.record(into: original)
        let bytes = try exported(original)
        try original.close()
        let source = fromCSV ? try scratch.write(bytes, to: "original.csv") : scratch.path("original.sqlite")
        try StoreKind.postgreSQL.withEmptyHistory { postgreSQL in
            let summary = try ImportSource(path: source).merge(into: postgreSQL)
            #expect(summary.newRuns == 16 * 2 + 14 * 15 + 7 * 15)
            let fromPostgreSQL = try exported(postgreSQL)
            #expect(fromPostgreSQL == bytes)
            let csv = try scratch.write(fromPostgreSQL, to: "team.csv")
            let copy = try SQLiteHistoryStore.open(path: scratch.path("copy.sqlite"), create: true)
            defer { try? copy.close() }
            _ = try ImportSource(path: csv).merge(into: copy)
            #expect(try exported(copy) == bytes)
            #expect(try exported(copy, neutralise: false) == exported(postgreSQL, neutralise: false))
        }
    }

    @Test(arguments: StoreKind.available)
    func importingTheSameRowsTwiceAddsNothing(_ kind: StoreKind) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let source = try SQLiteHistoryStore.inMemory()
        try DeterministicHistory.record(into: source)
        let csv = try scratch.write(try exported(source), to: "export.csv")
        try kind.withEmptyHistory { store in
            let first = try ImportSource(path: csv).merge(into: store)
            #expect(first == ImportSummary(newSweeps: 14, newRuns: 315, newHosts: 2))
            let before = try exported(store)
            let second = try ImportSource(path: csv).merge(into: store)
            #expect(second == ImportSummary(presentSweeps: 14, presentRuns: 315))
            #expect(try exported(store) == before)
            #expect(before == (try exported(source)))
        }
    }

    /// A sweep exported while it ran and again once it ended: the second
    /// import ends it, and changes nothing else.
    @Test(arguments: StoreKind.available)
    func aLaterImportEndsASweepStoredAsRunning(_ kind: StoreKind) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let source = try SQLiteHistoryStore.inMemory()
        let sweep = try source.makeSweep()
        try source.save(.fixture(sweepId: sweep.id!))
        let during = try scratch.write(try exported(source), to: "during.csv")
        try source.save(.fixture(sweepId: sweep.id!, workers: 8))
        try source.finishSweep(id: sweep.id!, status: .completed, at: Date(timeIntervalSince1970: 1_795_000_100))
        let after = try scratch.write(try exported(source), to: "after.csv")
        try kind.withEmptyHistory { store in
            _ = try ImportSource(path: during).merge(into: store)
            let summary = try ImportSource(path: after).merge(into: store)
            #expect(summary == ImportSummary(presentSweeps: 1, newRuns: 1, presentRuns: 1, endedSweeps: 1))
            #expect(try exported(store) == exported(source))
            // Importing the earlier file again changes nothing back.
            _ = try ImportSource(path: during).merge(into: store)
            #expect(try exported(store) == exported(source))
        }
    }

    /// A file that gives one UUID to two different runs is refused whole.
    @Test(arguments: StoreKind.available)
    func anImportWithAConflictKeepsNothing(_ kind: StoreKind) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let source = try SQLiteHistoryStore.inMemory()
        try DeterministicHistory.record(into: source)
        var text = String(decoding: try exported(source, neutralise: false), as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        // The last run again, with another worker count.
        var fields = lines[lines.count - 2].components(separatedBy: ",")
        fields[ExportColumn.workers.index] = "3"
        lines.insert(fields.joined(separator: ","), at: lines.count - 1)
        text = lines.joined(separator: "\r\n")
        let csv = try scratch.write(text, to: "conflict.csv")
        try kind.withEmptyHistory { store in
            let sweep = try store.makeSweep(label: "kept")
            try store.save(.fixture(sweepId: sweep.id!))
            let before = try exported(store)
            #expect {
                try ImportSource(path: csv, neutralised: false).merge(into: store)
            } throws: { error in
                "\(error)".contains("appears twice with different values") && "\(error)".contains("nothing was imported")
            }
            #expect(try exported(store) == before)
        }
    }

    /// A new sweep whose run UUIDs collide, with a run stored under another
    /// sweep or with each other (what any faster path into `run` that skips
    /// `ON CONFLICT` must still get right): the run already stored stays as
    /// it is, a repeated one is stored once, every other run is stored, and
    /// both stores agree byte for byte.
    @Test(arguments: StoreKind.available)
    func aNewSweepsRunUUIDsThatCollideAreStoredOnceAndNothingElseIsLost(_ kind: StoreKind) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let source = try SQLiteHistoryStore.inMemory()
        try DeterministicHistory.record(into: source)
        let original = try scratch.write(try exported(source, neutralise: false), to: "original.csv")
        let lines = try String(contentsOfFile: original, encoding: .utf8).components(separatedBy: "\r\n")
        // The last run again, under a new sweep, beside a run of its own.
        var stored = lines[lines.count - 2].components(separatedBy: ",")
        stored[ExportColumn.sweepUuid.index] = "0d9a5c3e-7b1f-4e2a-9c6d-1f2e3a4b5c6d"
        var own = stored
        own[ExportColumn.runUuid.index] = "6e1b2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e"
        own[ExportColumn.workers.index] = "3"
        let underAnotherSweep = try scratch.write(
            [lines[0], stored.joined(separator: ","), own.joined(separator: ","), ""].joined(separator: "\r\n"),
            to: "another-sweep.csv"
        )
        // The first sweep's rows twice, in a file of new sweeps.
        var repeated = lines
        repeated.insert(lines[1], at: lines.count - 1)
        let twice = try scratch.write(repeated.joined(separator: "\r\n"), to: "twice.csv")

        let reference = try SQLiteHistoryStore.inMemory()
        try kind.withEmptyHistory { (store: any HistoryStore) throws in
            for history in [store, reference as any HistoryStore] {
                #expect(try ImportSource(path: twice, neutralised: false).merge(into: history)
                    == ImportSummary(newSweeps: 14, newRuns: 315, presentRuns: 1, newHosts: 2))
                #expect(try ImportSource(path: underAnotherSweep, neutralised: false).merge(into: history)
                    == ImportSummary(newSweeps: 1, newRuns: 1, presentRuns: 1))
            }
            #expect(try store.runs(matching: HistoryFilter()).count == 316)
            #expect(try exported(store) == exported(reference))
        }
    }

    @Test(arguments: StoreKind.available)
    func historyShowsTheNewestSweepsFirstAsked(_ kind: StoreKind) throws {
        try kind.withEmptyHistory { store in
            try DeterministicHistory.record(into: store)
            let all = try store.sweeps(matching: HistoryFilter())
            #expect(all.count == 14)
            #expect(try store.sweeps(matching: HistoryFilter(), newest: 5) == Array(all.suffix(5)))
            #expect(try store.sweepCount(matching: HistoryFilter(workload: "cpu")) == 4)
            let first = try #require(all.first)
            #expect(first.runs == 30 && first.points == 10 && first.errors == 12)
            #expect(first.executors == ["threads", "pool"])
            #expect(first.workloads == ["sleep duration=20ms capacity=8"])
        }
    }
}
