import Foundation

extension PostgreSQLHistoryStore {
    /// As SQLite's, from the `seriesSweep` table: one query finds every
    /// series and machine by seeking its key from one to the next (a
    /// recursive "loose index scan"), and for each reads its newest sweeps
    /// that pass the filter backwards through the same key. Then one query
    /// per series and machine reads their runs. Nothing scans the run table.
    public func seriesRuns(matching filter: HistoryFilter, newestSweeps: Int) throws -> [SeriesRuns] {
        var parameters = PostgreSQLParameters()
        let conditions = PostgreSQLFilter(filter).sweepOnlyConditions(&parameters)
        let limit = parameters.bind(String(max(newestSweeps, 1)))
        // The series conditions, on the pairs found rather than on runs.
        let keyConditions = PostgreSQLFilter(filter).seriesConditions(on: "pairs", &parameters)
        let chosen = try withConnection { connection in
            let rows = try connection.execute("""
                WITH RECURSIVE pairs AS (
                    (SELECT workload, parameters, executor, machine FROM seriesSweep
                     ORDER BY workload, parameters, executor, machine LIMIT 1)
                    UNION ALL
                    SELECT next.workload, next.parameters, next.executor, next.machine
                    FROM pairs CROSS JOIN LATERAL (
                        SELECT s.workload, s.parameters, s.executor, s.machine FROM seriesSweep s
                        WHERE (s.workload, s.parameters, s.executor, s.machine)
                            > (pairs.workload, pairs.parameters, pairs.executor, pairs.machine)
                        ORDER BY s.workload, s.parameters, s.executor, s.machine LIMIT 1
                    ) AS next
                )
                SELECT \(PairColumn.names(in: "pairs").joined(separator: ", ")), \(Self.stampColumns)
                FROM pairs CROSS JOIN LATERAL (
                    SELECT sweep.*, host.name AS hostName, host.logicalCores, host.cpuModel
                    FROM seriesSweep JOIN sweep ON sweep.id = seriesSweep.sweepId JOIN host ON host.id = sweep.hostId
                    WHERE seriesSweep.workload = pairs.workload AND seriesSweep.parameters = pairs.parameters
                        AND seriesSweep.executor = pairs.executor AND seriesSweep.machine = pairs.machine
                        AND \(conditions)
                    ORDER BY seriesSweep.startedAt DESC, seriesSweep.sweepId DESC
                    LIMIT \(limit)
                ) AS sweep
                WHERE \(keyConditions)
                """, parameters.values)
            let stamps = try rows.columns(StampColumn.self, location: location)
            var groups: [(key: SeriesKey, machine: String, newestFirst: [SweepStamp])] = []
            for (key, machine, stamp) in try rows.map(PairColumn.self, location: location, { columns, row in
                (try columns.seriesKey(row), try columns.text(row, .machine), try stamps.stamp(row))
            }) {
                if let last = groups.last, last.key == key, last.machine == machine {
                    groups[groups.count - 1].newestFirst.append(stamp)
                } else {
                    groups.append((key, machine, [stamp]))
                }
            }
            return groups
        }
        return try seriesRuns(chosen.sorted { ($0.key, $0.machine) < ($1.key, $1.machine) }.map {
            ($0.key, Array($0.newestFirst.reversed()))
        })
    }

    /// A subquery aliased `sweep` with its host's name, cores and CPU model
    /// beside its columns, as a stamp.
    static let stampColumns = StampColumn.names(in: "sweep").joined(separator: ", ")
}

// MARK: - Rows the shared reads group

extension PostgreSQLHistoryStore: StoreReading {
    func stamps(_ choice: SweepChoice) throws -> [SweepStamp] {
        let (condition, value) = switch choice {
        case let .id(id): ("sweep.id = $1", String(id))
        case let .label(text): (PostgreSQLFilter.sql(.canonicallyEquivalent("sweep.label", text), value: "$1"), text)
        }
        return try withConnection { connection in
            try connection.execute("""
                SELECT \(Self.stampColumns) FROM (
                    SELECT sweep.*, host.name AS hostName, host.logicalCores, host.cpuModel
                    FROM sweep JOIN host ON host.id = sweep.hostId WHERE \(condition)
                ) AS sweep
                ORDER BY sweep.startedAt, sweep.id
                """, [value]).map(StampColumn.self, location: location) { try $0.stamp($1) }
        }
    }

    func forEachSampleRow(
        in sweepIDs: [Int64], of key: SeriesKey?,
        _ body: (StoredColumns<SampleColumn>, any StoredRow) throws -> Void
    ) throws {
        var parameters = PostgreSQLParameters()
        var conditions = ["sweepId = ANY(\(parameters.bind(PostgreSQLText.array(sweepIDs)))::bigint[])"]
        if let key {
            conditions += [
                "workload = \(parameters.bind(key.workload))", "parameters = \(parameters.bind(key.parameters))",
                "executor = \(parameters.bind(key.executor))",
            ]
        }
        try withConnection { connection in
            let rows = try connection.execute("""
                SELECT \(SampleColumn.names().joined(separator: ", ")) FROM run
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY workload, parameters, executor, sweepId, workers, id
                """, parameters.values)
            let columns = try rows.columns(SampleColumn.self, location: location)
            for row in 0..<rows.count {
                try body(columns, PostgreSQLStoredRow(rows: rows, row: row))
            }
        }
    }
}

extension PostgreSQLHistoryStore {
    func workloadSpec(of key: SeriesKey, in sweepIDs: [Int64]) throws -> String? {
        try withConnection { connection in
            try connection.execute("""
                SELECT workloadSpec FROM run
                WHERE workload = $1 AND parameters = $2 AND executor = $3 AND sweepId = ANY($4::bigint[])
                    AND workloadSpec IS NOT NULL
                ORDER BY startedAt DESC, id DESC LIMIT 1
                """, [key.workload, key.parameters, key.executor, PostgreSQLText.array(sweepIDs)])
                .map(SpecColumn.self, location: location) { try $0.text($1, .workloadSpec) }.first
        }
    }
}

/// A series and the machine that ran it, as `seriesSweep` keys them.
fileprivate enum PairColumn: String, StoredShape {
    case workload, parameters, executor, machine
}

extension StoredColumns where Shape == PairColumn {
    fileprivate func seriesKey(_ row: some StoredRow) throws -> SeriesKey {
        SeriesKey(workload: try text(row, .workload), parameters: try text(row, .parameters), executor: try text(row, .executor))
    }
}
