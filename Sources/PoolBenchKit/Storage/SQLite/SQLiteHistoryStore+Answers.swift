import Foundation
import GRDB

extension SQLiteHistoryStore {
    /// Every series matching `filter`, each with the runs of at most its
    /// `newestSweeps` newest sweeps per machine (testbed when the sweep has
    /// one, else host); sorted by series, then machine.
    ///
    /// The filter's sweep conditions (label, host, testbed, `--since`/
    /// `--until` on the sweep's start, sweep ID) choose sweeps; workload and
    /// executor choose series. Nothing here reads every sweep or every run:
    /// the (series, machine) pairs are found by seeking `seriesSweep` from
    /// one to the next, each pair's newest sweeps are the last entries of
    /// its key, read backwards, and only their stamps and runs are read —
    /// so the cost follows what is answered, not the size of the history.
    public func seriesRuns(matching filter: HistoryFilter, newestSweeps: Int) throws -> [SeriesRuns] {
        try writer.read { db in
            var result: [SeriesRuns] = []
            for (key, machines) in try seriesMachines(db, filter) {
                for machine in machines {
                    let ids = try newestSweepIDs(db, of: key, on: machine, filter, count: max(newestSweeps, 1))
                    guard !ids.isEmpty else { continue }
                    let sweeps = try stamps(db, where: "sweep.id IN \(ids)").sorted(by: SweepStamp.isOlder)
                    guard let newest = sweeps.last else { continue }
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
            return try stamps(db, where: SQLiteCanonicalText.sql(.canonicallyEquivalent("sweep.label", text)))
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
                    otherCpuSeconds, failures, steadyThroughput
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
    /// The ids of the newest `count` sweeps that ran `key` on `machine`
    /// and meet the filter's sweep conditions, newest first.
    ///
    /// Read backwards through the key, joined with `sweep` and `host` only
    /// when a condition needs them: the start bounds narrow the key's range
    /// itself. Joining on the sweep's start as well as its ID lets SQLite
    /// go the other way, from a sweep to its one entry of the key, where
    /// that is cheaper: for `--sweep`, and for `--label`, whose index finds
    /// the few sweeps labelled so (read in key order, SQLite would step
    /// past every sweep of the series that lacks the label).
    private func newestSweepIDs(
        _ db: Database, of key: SeriesKey, on machine: String, _ filter: HistoryFilter, count: Int
    ) throws -> [Int64] {
        var conditions: [SQL] = [
            "seriesSweep.workload = \(key.workload)", "seriesSweep.parameters = \(key.parameters)",
            "seriesSweep.executor = \(key.executor)", "seriesSweep.machine = \(machine)",
        ]
        // The start bounds on the key's own column narrow its range.
        let sweepConditions = filter.sweepConditionList(startedAt: "seriesSweep.startedAt")
        if !sweepConditions.isEmpty { conditions.append(HistoryFilter.sqlite(sweepConditions)) }
        let join: SQL = "sweep.id = seriesSweep.sweepId AND sweep.startedAt = seriesSweep.startedAt"
        let from: SQL
        if filter.label != nil {
            // CROSS JOIN: SQLite keeps this order, sweeps first.
            from = "sweep CROSS JOIN seriesSweep ON \(join) JOIN host ON host.id = sweep.hostId"
        } else if filter.sweepID != nil || filter.testbed != nil || filter.host != nil {
            from = "seriesSweep JOIN sweep ON \(join) JOIN host ON host.id = sweep.hostId"
        } else {
            from = "seriesSweep"
        }
        let request: SQLRequest<Int64> = """
            SELECT seriesSweep.sweepId FROM \(from)
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY seriesSweep.startedAt DESC, seriesSweep.sweepId DESC
            LIMIT \(count)
            """
        return try request.fetchAll(db)
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

    /// The distinct series matching the filter's workload and executor,
    /// each with the machines that ran it, found by seeking `seriesSweep`'s
    /// key from one value to the next rather than reading every row.
    /// Series come in the key's order, machines in `String` order.
    ///
    /// Every seek fixes a prefix of (workload, parameters, executor,
    /// machine) and bounds the next column, which SQLite answers from the
    /// key at once; a row-value comparison (w, p, e) > (?, ?, ?) would seek
    /// on the workload only and read every row of it.
    private func seriesMachines(_ db: Database, _ filter: HistoryFilter) throws -> [(SeriesKey, [String])] {
        let columns: [SQL] = ["workload", "parameters", "executor", "machine"]
        let fixed: [String?] = [filter.workload, nil, filter.executor, nil]
        // A sweep with a testbed is kept by it, so `--testbed` names the
        // machine: in any Unicode form, so it is chosen by Swift's `==`
        // (canonical equivalence) rather than sought as bytes.
        let testbedMachine = filter.testbed.map { SeriesRuns.machine(host: "", testbed: $0) }
        /// The least value of `columns[prefix.count]` after `after` (or
        /// equal to `exactly`) among the rows that start with `prefix`.
        func next(_ prefix: [String], after: String? = nil, exactly: String? = nil) throws -> String? {
            let column = columns[prefix.count]
            var conditions: [SQL] = zip(columns, prefix).map { "\($0) = \($1)" }
            if let after { conditions.append("\(column) > \(after)") }
            if let exactly { conditions.append("\(column) = \(exactly)") }
            let request: SQLRequest<String> = """
                SELECT \(column) FROM seriesSweep
                WHERE \(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "))
                ORDER BY \(column) LIMIT 1
                """
            return try request.fetchOne(db)
        }
        var found: [[String]] = []
        func walk(_ prefix: [String]) throws {
            guard prefix.count < columns.count else { return found.append(prefix) }
            if let value = fixed[prefix.count] {
                if try next(prefix, exactly: value) != nil { try walk(prefix + [value]) }
                return
            }
            var value = try next(prefix)
            while let current = value {
                try walk(prefix + [current])
                value = try next(prefix, after: current)
            }
        }
        try walk([])
        var result: [(SeriesKey, [String])] = []
        for row in found where testbedMachine.map({ row[3] == $0 }) ?? true {
            let key = SeriesKey(workload: row[0], parameters: row[1], executor: row[2])
            if let last = result.last, last.0 == key {
                result[result.count - 1].1.append(row[3])
            } else {
                result.append((key, [row[3]]))
            }
        }
        return result.map { ($0.0, $0.1.sorted()) }
    }

    /// The runs of `key` in `sweeps`, in the order of `sweeps`.
    private func samples(_ db: Database, of key: SeriesKey, in sweeps: [SweepStamp]) throws -> [Sample] {
        let position = Dictionary(uniqueKeysWithValues: sweeps.enumerated().map { ($1.id, $0) })
        let request: SQLRequest<Row> = """
            SELECT sweepId, workers, throughput, wallSeconds, latencyP50, latencyP99,
                cpuUserSeconds, cpuSystemSeconds, tasks, errorCount, firstError, otherCpuSeconds, failures,
                steadyThroughput
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
    /// firstError; and `otherCpuSeconds`, `failures` and `steadyThroughput`, by name.
    private static func sample(_ row: Row, _ sweep: SweepStamp) -> Sample {
        let user: Double? = row[6], system: Double? = row[7]
        return Sample(
            sweepID: sweep.id, sweepStartedAt: sweep.startedAt, workers: row[1], throughput: row[2],
            wallSeconds: row[3], latencyP50: row[4], latencyP99: row[5],
            cpuSeconds: user.flatMap { user in system.map { user + $0 } }, tasks: row[8], errorCount: row[9],
            firstError: row[10], otherCpuSeconds: row["otherCpuSeconds"],
            failures: (row["failures"] as String?).flatMap(FailureCounts.init(json:)) ?? FailureCounts(),
            steadyThroughput: row["steadyThroughput"]
        )
    }
}
