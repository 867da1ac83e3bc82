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
        let chosen = try writer.read { db in
            var chosen: [(key: SeriesKey, sweeps: [SweepStamp])] = []
            for (key, machines) in try seriesMachines(db, filter) {
                for machine in machines {
                    let ids = try newestSweepIDs(db, of: key, on: machine, filter, count: max(newestSweeps, 1))
                    guard !ids.isEmpty else { continue }
                    chosen.append((key, try stamps(db, where: "sweep.id IN \(ids)").sorted(by: SweepStamp.isOlder)))
                }
            }
            return chosen
        }
        return try seriesRuns(chosen)
    }
}

// MARK: - Rows the shared reads group

extension SQLiteHistoryStore: StoreReading {
    func stamps(_ choice: SweepChoice) throws -> [SweepStamp] {
        try writer.read { db in
            switch choice {
            case let .id(id): try stamps(db, where: "sweep.id = \(id)")
            case let .label(text): try stamps(db, where: SQLiteCanonicalText.sql(.canonicallyEquivalent("sweep.label", text)))
            }
        }
    }

    func forEachSampleRow(
        in sweepIDs: [Int64], of key: SeriesKey?,
        _ body: (StoredColumns<SampleColumn>, any StoredRow) throws -> Void
    ) throws {
        try writer.read { db in
            var series: SQL = ""
            if let key {
                series = "workload = \(key.workload) AND parameters = \(key.parameters) AND executor = \(key.executor) AND "
            }
            let query = try SQLiteQuery(db, """
                SELECT \(Self.selection(SampleColumn.names())) FROM run
                WHERE \(series)sweepId IN \(sweepIDs)
                ORDER BY workload, parameters, executor, sweepId, workers, id
                """, location: path)
            let columns = try query.columns(SampleColumn.self)
            try query.forEach { try body(columns, $0) }
        }
    }

    func workloadSpec(of key: SeriesKey, in sweepIDs: [Int64]) throws -> String? {
        try writer.read { db in
            try SQLiteQuery(db, """
                SELECT workloadSpec FROM run
                WHERE workload = \(key.workload) AND parameters = \(key.parameters) AND executor = \(key.executor)
                    AND sweepId IN \(sweepIDs) AND workloadSpec IS NOT NULL
                ORDER BY startedAt DESC, id DESC LIMIT 1
                """, location: path).map(SpecColumn.self) { try $0.text($1, .workloadSpec) }.first
        }
    }

    /// `names` as a select list.
    static func selection(_ names: [String]) -> SQL {
        SQL(sql: names.joined(separator: ", "))
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
        if !sweepConditions.isEmpty { conditions.append(SQLiteFilter.sql(sweepConditions)) }
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
        try SQLiteQuery(db, """
            SELECT \(Self.selection(StampColumn.allCases.map { "\(Self.expression($0)) AS \($0.rawValue)" }))
            FROM sweep JOIN host ON host.id = sweep.hostId
            WHERE \(condition)
            ORDER BY sweep.startedAt, sweep.id
            """, location: path).map(StampColumn.self) { try $0.stamp($1) }
    }

    /// Each stamp column from `sweep` joined with `host`. The start comes
    /// as epoch milliseconds: parsing thousands of timestamps in Swift
    /// would cost more than the rest of the query.
    private static func expression(_ column: StampColumn) -> String {
        switch column {
        case .id: "sweep.id"
        case .startedAt: "CAST(round((julianday(sweep.startedAt) - 2440587.5) * 86400000) AS INTEGER)"
        case .label: "sweep.label"
        case .hostName: "host.name"
        case .logicalCores: "host.logicalCores"
        case .testbed: "sweep.testbed"
        case .cpuModel: "host.cpuModel"
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
}
