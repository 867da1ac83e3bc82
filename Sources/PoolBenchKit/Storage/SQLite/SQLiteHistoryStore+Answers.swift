import Foundation
import GRDB

extension SQLiteHistoryStore {
    /// Every series matching `filter`, each with the runs of at most its
    /// `newestSweeps` newest sweeps per machine (testbed when the sweep has
    /// one, else host); sorted by series, then machine.
    ///
    /// The filter's sweep conditions (label, host, `--since`/`--until` on
    /// the sweep's start, sweep ID) choose sweeps; workload and executor
    /// choose series. Nothing here scans the run table: series are found by
    /// seeking the `run_seriesSweep` index from one to the next, each host's
    /// sweeps are probed newest first for each series until enough have
    /// run it, and only their runs are read — so the cost follows what is
    /// answered, not the size of the history.
    public func seriesRuns(matching filter: HistoryFilter, newestSweeps: Int) throws -> [SeriesRuns] {
        try writer.read { db in
            let newestFirst = Dictionary(grouping: try sweepStamps(db, filter), by: \.machine)
                .mapValues { Array($0.sorted(by: SweepStamp.isOlder).reversed()) }
            guard !newestFirst.isEmpty else { return [] }
            let probe = try db.cachedStatement(sql: """
                SELECT 1 FROM run WHERE workload = ? AND parameters = ? AND executor = ? AND sweepId = ? LIMIT 1
                """)
            var result: [SeriesRuns] = []
            for key in try seriesKeys(db, filter) {
                for machine in newestFirst.keys.sorted() {
                    var chosen: [SweepStamp] = []
                    for sweep in newestFirst[machine, default: []] where chosen.count < max(newestSweeps, 1) {
                        let arguments: StatementArguments = [key.workload, key.parameters, key.executor, sweep.id]
                        if try Int.fetchOne(probe, arguments: arguments) != nil { chosen.append(sweep) }
                    }
                    guard let newest = chosen.first else { continue }
                    let sweeps = Array(chosen.reversed())
                    result.append(SeriesRuns(
                        key: key, host: newest.host, testbed: newest.testbed, logicalCores: newest.logicalCores,
                        sweeps: sweeps,
                        samples: try samples(db, of: key, in: sweeps)
                    ))
                }
            }
            return result
        }
    }

    /// The sweeps `compare` means by `text`: the sweep with that ID when
    /// `text` is the ID of one, else every sweep labelled `text`, oldest
    /// first; empty when there are none.
    public func sweeps(idOrLabel text: String) throws -> [SweepStamp] {
        try writer.read { db in
            if let id = Int64(text) {
                let byID = try stamps(db, where: "sweep.id = \(id)")
                if !byID.isEmpty { return byID }
            }
            return try stamps(db, where: "sweep.label = \(text)")
        }
    }

    /// The runs of `sweeps`, grouped by series (hosts pooled), sorted by
    /// series: what `compare` sets side by side.
    public func samplesBySeries(in sweeps: [SweepStamp]) throws -> [(key: SeriesKey, samples: [Sample])] {
        let stamps = Dictionary(sweeps.map { ($0.id, $0) }) { first, _ in first }
        return try writer.read { db in
            let request: SQLRequest<Row> = """
                SELECT sweepId, workers, throughput, wallSeconds, latencyP50, latencyP99,
                    cpuUserSeconds, cpuSystemSeconds, tasks, errorCount, firstError, workload, parameters, executor,
                    otherCpuSeconds
                FROM run WHERE sweepId IN \(Array(stamps.keys))
                ORDER BY workload, parameters, executor, sweepId, workers, id
                """
            var groups: [SeriesKey: [Sample]] = [:]
            let cursor = try Row.fetchCursor(db, request)
            while let row = try cursor.next() {
                guard let stamp = stamps[row[0]] else { continue }
                let key = SeriesKey(workload: row[11], parameters: row[12], executor: row[13])
                groups[key, default: []].append(Self.sample(row, stamp))
            }
            return groups.keys.sorted().map { ($0, groups[$0, default: []]) }
        }
    }
}

// MARK: - Queries

extension SQLiteHistoryStore {
    /// Sweeps matching the filter's sweep-level conditions.
    private func sweepStamps(_ db: Database, _ filter: HistoryFilter) throws -> [SweepStamp] {
        var conditions: [SQL] = ["1"]
        if let label = filter.label { conditions.append("sweep.label = \(label)") }
        if let host = filter.host { conditions.append("host.name = \(host)") }
        if let testbed = filter.testbed { conditions.append("sweep.testbed = \(testbed)") }
        if let since = filter.since { conditions.append("sweep.startedAt >= \(Timestamp.format(since))") }
        if let until = filter.until { conditions.append("sweep.startedAt <= \(Timestamp.format(until))") }
        if let sweepID = filter.sweepID { conditions.append("sweep.id = \(sweepID)") }
        return try stamps(db, where: conditions.joined(separator: " AND "))
    }

    private func stamps(_ db: Database, where condition: SQL) throws -> [SweepStamp] {
        // SQLite turns the start into epoch milliseconds: parsing thousands
        // of timestamps in Swift would cost more than the rest of the query.
        let request: SQLRequest<Row> = """
            SELECT sweep.id, CAST(round((julianday(sweep.startedAt) - 2440587.5) * 86400000) AS INTEGER),
                sweep.label, host.name, host.logicalCores, sweep.testbed, host.cpuModel
            FROM sweep JOIN host ON host.id = sweep.hostId
            WHERE \(condition)
            ORDER BY sweep.startedAt, sweep.id
            """
        return try request.fetchAll(db).map { row in
            let milliseconds: Int64 = row[1]
            // The same arithmetic as `Timestamp.parse`, so dates compare equal.
            let startedAt = Date(timeIntervalSince1970: Double(milliseconds / 1000) + Double(milliseconds % 1000) / 1000)
            return SweepStamp(
                id: row[0], startedAt: startedAt, label: row[2], host: row[3], logicalCores: row[4], testbed: row[5],
                cpuModel: row[6]
            )
        }
    }

    /// The distinct series, found by seeking the index from one key to the
    /// next rather than reading every run.
    ///
    /// Every seek fixes a prefix of (workload, parameters, executor) and
    /// bounds the next column, which SQLite answers from the index at once;
    /// a row-value comparison (w, p, e) > (?, ?, ?) would seek on the
    /// workload only and read every run of it.
    private func seriesKeys(_ db: Database, _ filter: HistoryFilter) throws -> [SeriesKey] {
        func first(_ conditions: [SQL]) throws -> SeriesKey? {
            let request: SQLRequest<Row> = """
                SELECT workload, parameters, executor FROM run
                WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
                ORDER BY workload, parameters, executor LIMIT 1
                """
            return try request.fetchOne(db).map { SeriesKey(workload: $0[0], parameters: $0[1], executor: $0[2]) }
        }
        let workload: [SQL] = filter.workload.map { ["workload = \($0)"] } ?? []
        var keys: [SeriesKey] = []
        var pair = try first(workload)
        while let found = pair {
            let same: [SQL] = ["workload = \(found.workload)", "parameters = \(found.parameters)"]
            if let executor = filter.executor {
                if let key = try first(same + ["executor = \(executor)"]) { keys.append(key) }
            } else {
                var key: SeriesKey? = found
                while let current = key {
                    keys.append(current)
                    key = try first(same + ["executor > \(current.executor)"])
                }
            }
            pair = try first(workload + ["workload = \(found.workload)", "parameters > \(found.parameters)"])
            if pair == nil { pair = try first(workload + ["workload > \(found.workload)"]) }
        }
        return keys
    }

    /// The runs of `key` in `sweeps`, in the order of `sweeps`.
    private func samples(_ db: Database, of key: SeriesKey, in sweeps: [SweepStamp]) throws -> [Sample] {
        let position = Dictionary(uniqueKeysWithValues: sweeps.enumerated().map { ($1.id, $0) })
        let request: SQLRequest<Row> = """
            SELECT sweepId, workers, throughput, wallSeconds, latencyP50, latencyP99,
                cpuUserSeconds, cpuSystemSeconds, tasks, errorCount, firstError, otherCpuSeconds
            FROM run
            WHERE workload = \(key.workload) AND parameters = \(key.parameters) AND executor = \(key.executor)
                AND sweepId IN \(sweeps.map(\.id))
            ORDER BY sweepId, workers, id
            """
        var bySweep = [[Sample]](repeating: [], count: sweeps.count)
        let cursor = try Row.fetchCursor(db, request)
        while let row = try cursor.next() {
            guard let index = position[row[0]] else { continue }
            bySweep[index].append(Self.sample(row, sweeps[index]))
        }
        return bySweep.flatMap { $0 }
    }

    /// A `Sample` from the first eleven columns of the queries above, read
    /// by index: sweepId, workers, throughput, wallSeconds, latencyP50,
    /// latencyP99, cpuUserSeconds, cpuSystemSeconds, tasks, errorCount,
    /// firstError; and `otherCpuSeconds`, by name.
    private static func sample(_ row: Row, _ sweep: SweepStamp) -> Sample {
        let user: Double? = row[6], system: Double? = row[7]
        return Sample(
            sweepID: sweep.id, sweepStartedAt: sweep.startedAt, workers: row[1], throughput: row[2],
            wallSeconds: row[3], latencyP50: row[4], latencyP99: row[5],
            cpuSeconds: user.flatMap { user in system.map { user + $0 } }, tasks: row[8], errorCount: row[9],
            firstError: row[10], otherCpuSeconds: row["otherCpuSeconds"]
        )
    }
}
