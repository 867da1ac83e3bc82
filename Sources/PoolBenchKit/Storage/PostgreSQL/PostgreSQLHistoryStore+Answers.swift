import Foundation

extension PostgreSQLHistoryStore {
    /// As SQLite's, from the `seriesSweep` table: one query finds every
    /// series and machine by seeking its key from one to the next (a
    /// recursive "loose index scan"), and for each reads its newest sweeps
    /// that pass the filter backwards through the same key. Then one query
    /// per series and machine reads their runs. Nothing scans the run table.
    public func seriesRuns(matching filter: HistoryFilter, newestSweeps: Int) throws -> [SeriesRuns] {
        var parameters = PostgreSQLParameters()
        let conditions = filter.postgreSQLSweepOnlyConditions(&parameters)
        let limit = parameters.bind(String(max(newestSweeps, 1)))
        // The series conditions, on the pairs found rather than on runs.
        let keyConditions = HistoryFilter.postgreSQL(filter.seriesConditionList().map { condition in
            var onPairs = condition
            onPairs.expression = condition.expression.replacingOccurrences(of: "run.", with: "pairs.")
            return onPairs
        }, &parameters)
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
                SELECT pairs.workload, pairs.parameters, pairs.executor, pairs.machine, \(Self.stampColumns)
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
            var groups: [(key: SeriesKey, machine: String, newestFirst: [SweepStamp])] = []
            for row in 0..<rows.count {
                let key = SeriesKey(
                    workload: rows.text(row, 0) ?? "", parameters: rows.text(row, 1) ?? "", executor: rows.text(row, 2) ?? ""
                )
                let machine = rows.text(row, 3) ?? ""
                let stamp = Self.stamp(rows, row, from: 4)
                if let last = groups.last, last.key == key, last.machine == machine {
                    groups[groups.count - 1].newestFirst.append(stamp)
                } else {
                    groups.append((key, machine, [stamp]))
                }
            }
            return groups
        }
        return try chosen.sorted { ($0.key, $0.machine) < ($1.key, $1.machine) }.map { group in
            let sweeps = Array(group.newestFirst.reversed())
            let newest = group.newestFirst[0]
            return SeriesRuns(
                key: group.key, host: newest.host, testbed: newest.testbed, logicalCores: newest.logicalCores,
                sweeps: sweeps, samples: try samples(of: group.key, in: sweeps)
            )
        }
    }

    public func sweeps(idOrLabel text: String) throws -> [SweepStamp] {
        try withConnection { connection in
            func stamps(_ condition: String, _ value: String) throws -> [SweepStamp] {
                let rows = try connection.execute("""
                    SELECT \(Self.stampColumns) FROM (
                        SELECT sweep.*, host.name AS hostName, host.logicalCores, host.cpuModel
                        FROM sweep JOIN host ON host.id = sweep.hostId WHERE \(condition)
                    ) AS sweep
                    ORDER BY sweep.startedAt, sweep.id
                    """, [value])
                return (0..<rows.count).map { Self.stamp(rows, $0, from: 0) }
            }
            if let id = Int64(text) {
                let byID = try stamps("sweep.id = $1", String(id))
                if !byID.isEmpty { return byID }
            }
            return try stamps(HistoryFilter.postgreSQL(.canonicallyEquivalent("sweep.label", text), value: "$1"), text)
        }
    }

    public func samplesBySeries(in sweeps: [SweepStamp]) throws -> [(key: SeriesKey, samples: [Sample])] {
        let stamps = Dictionary(sweeps.map { ($0.id, $0) }) { first, _ in first }
        return try withConnection { connection in
            let rows = try connection.execute("""
                SELECT \(Self.sampleColumns), workload, parameters, executor
                FROM run WHERE sweepId = ANY($1::bigint[])
                ORDER BY workload, parameters, executor, sweepId, workers, id
                """, [PostgreSQLText.array(Array(stamps.keys))])
            var groups: [SeriesKey: [Sample]] = [:]
            for row in 0..<rows.count {
                guard let id = rows.int64(row, 0), let stamp = stamps[id] else { continue }
                let key = SeriesKey(
                    workload: rows.text(row, 14) ?? "", parameters: rows.text(row, 15) ?? "",
                    executor: rows.text(row, 16) ?? ""
                )
                groups[key, default: []].append(Self.sample(rows, row, stamp))
            }
            return groups.keys.sorted().map { ($0, groups[$0, default: []]) }
        }
    }

    /// The runs of `key` in `sweeps`, in the order of `sweeps`.
    private func samples(of key: SeriesKey, in sweeps: [SweepStamp]) throws -> [Sample] {
        let position = Dictionary(uniqueKeysWithValues: sweeps.enumerated().map { ($1.id, $0) })
        return try withConnection { connection in
            let rows = try connection.execute("""
                SELECT \(Self.sampleColumns) FROM run
                WHERE workload = $1 AND parameters = $2 AND executor = $3 AND sweepId = ANY($4::bigint[])
                ORDER BY sweepId, workers, id
                """, [key.workload, key.parameters, key.executor, PostgreSQLText.array(sweeps.map(\.id))])
            var bySweep = [[Sample]](repeating: [], count: sweeps.count)
            for row in 0..<rows.count {
                guard let id = rows.int64(row, 0), let index = position[id] else { continue }
                bySweep[index].append(Self.sample(rows, row, sweeps[index]))
            }
            return bySweep.flatMap { $0 }
        }
    }

    /// A subquery aliased `sweep` with its host's name, cores and CPU model
    /// beside its columns, as a stamp.
    static let stampColumns = "sweep.id, sweep.startedAt, sweep.label, sweep.hostName, sweep.logicalCores, "
        + "sweep.testbed, sweep.cpuModel"

    static func stamp(_ rows: PostgreSQLRows, _ row: Int, from first: Int) -> SweepStamp {
        SweepStamp(
            id: rows.int64(row, first) ?? 0, startedAt: rows.date(row, first + 1) ?? Date(timeIntervalSince1970: 0),
            label: rows.text(row, first + 2), host: rows.text(row, first + 3) ?? "",
            logicalCores: Int(rows.int64(row, first + 4) ?? 1), testbed: rows.text(row, first + 5),
            cpuModel: rows.text(row, first + 6) ?? ""
        )
    }

    static let sampleColumns = "sweepId, workers, throughput, wallSeconds, latencyP50, latencyP99, cpuUserSeconds, "
        + "cpuSystemSeconds, tasks, errorCount, firstError, otherCpuSeconds, failures, steadyThroughput"

    private static func sample(_ rows: PostgreSQLRows, _ row: Int, _ sweep: SweepStamp) -> Sample {
        let user = rows.double(row, 6), system = rows.double(row, 7)
        return Sample(
            sweepID: sweep.id, sweepStartedAt: sweep.startedAt, workers: Int(rows.int64(row, 1) ?? 0),
            throughput: rows.double(row, 2) ?? 0, wallSeconds: rows.double(row, 3) ?? 0,
            latencyP50: rows.double(row, 4), latencyP99: rows.double(row, 5),
            cpuSeconds: user.flatMap { user in system.map { user + $0 } }, tasks: Int(rows.int64(row, 8) ?? 0),
            errorCount: Int(rows.int64(row, 9) ?? 0), firstError: rows.text(row, 10), otherCpuSeconds: rows.double(row, 11),
            failures: rows.text(row, 12).flatMap(FailureCounts.init(json:)) ?? FailureCounts(),
            steadyThroughput: rows.double(row, 13)
        )
    }
}
