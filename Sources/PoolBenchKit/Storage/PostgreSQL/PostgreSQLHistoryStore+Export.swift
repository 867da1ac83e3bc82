import Foundation

extension PostgreSQLHistoryStore {
    /// The export query as one binary `COPY … TO STDOUT`: the server streams
    /// the rows, numbers as their bytes, in one snapshot. `COPY` takes no
    /// bound parameters, so the filter's values are set first, each through
    /// a bound `set_config` that lasts until the transaction ends, and the
    /// query reads them with `current_setting`: its text holds no value.
    @discardableResult
    public func forEachExportRow(matching filter: HistoryFilter, _ body: (StoredExportRow) throws -> Void) throws -> Int {
        var settings: [(name: String, value: String)] = []
        func setting(_ name: String, _ value: String) -> String {
            settings.append(("poolbench.filter_\(name)", value))
            return "current_setting('poolbench.filter_\(name)')"
        }
        var conditions = ["TRUE"]
        if let workload = filter.workload { conditions.append("run.workload = \(setting("workload", workload))") }
        if let executor = filter.executor { conditions.append("run.executor = \(setting("executor", executor))") }
        if let label = filter.label { conditions.append("sweep.label = \(setting("label", label))") }
        if let host = filter.host { conditions.append("host.name = \(setting("host", host))") }
        if let testbed = filter.testbed { conditions.append("sweep.testbed = \(setting("testbed", testbed))") }
        if let since = filter.since { conditions.append("run.startedAt >= \(setting("since", Timestamp.format(since)))") }
        if let until = filter.until { conditions.append("run.startedAt <= \(setting("until", Timestamp.format(until)))") }
        if let sweepID = filter.sweepID { conditions.append("run.sweepId = \(setting("sweep", String(sweepID)))::bigint") }
        let select = ExportColumn.allCases.map(\.postgreSQLSelection).joined(separator: ", ")
        let query = """
            COPY (
                SELECT \(select)
                FROM run
                JOIN sweep ON sweep.id = run.sweepId
                JOIN host ON host.id = sweep.hostId
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY run.startedAt, run.id
            ) TO STDOUT (FORMAT binary)
            """
        // Rows reach `body` as they arrive, so a lost connection is not
        // retried: the rows already handed over cannot be taken back.
        return try withConnection(retrying: false) { connection in
            try connection.transaction {
                for (name, value) in settings {
                    try connection.execute("SELECT set_config($1, $2, true)", [name, value])
                }
                var reader = PostgreSQLCopyReader(types: PostgreSQLBinaryCopy.exportTypes)
                var count = 0
                try connection.copyOut(query) { piece in
                    try reader.consume(piece) { row in
                        try body(.postgreSQL(row))
                        count += 1
                    }
                }
                do {
                    try reader.checkComplete()
                } catch {
                    throw PoolBenchError.postgreSQLFailed(location: location, state: "", reason: "\(error)")
                }
                return count
            }
        }
    }
}

extension ExportColumn {
    /// The column's expression in the PostgreSQL export query.
    var postgreSQLSelection: String {
        switch self {
        case .runUuid: "run.uuid"
        case .startedAt: "run.startedAt"
        case .sweepUuid: "sweep.uuid"
        case .sweepStatus: "sweep.status"
        case .sweepStartedAt: "sweep.startedAt"
        case .sweepFinishedAt: "sweep.finishedAt"
        case .label, .commandLine, .gitCommit, .gitBranch, .testbed: "sweep.\(rawValue)"
        case .hostName, .hostOs, .hostKernel, .hostCpuModel, .hostLogicalCores, .hostMemoryBytes, .hostPoolbenchVersion:
            "host.\(hostColumnName)"
        default: "run.\(rawValue)"
        }
    }

    /// The `host` table's name for a host column: `hostOs` is `os`.
    var hostColumnName: String {
        let name = rawValue.dropFirst("host".count)
        return name.prefix(1).lowercased() + name.dropFirst()
    }
}
