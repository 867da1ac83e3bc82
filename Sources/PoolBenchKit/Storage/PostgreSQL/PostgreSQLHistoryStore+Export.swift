import Foundation

extension PostgreSQLHistoryStore {
    /// The export query as one binary `COPY … TO STDOUT`: the server streams
    /// the rows, numbers as their bytes, in one snapshot. `COPY` takes no
    /// bound parameters, so the filter's values are set first, each through
    /// a bound `set_config` that lasts until the transaction ends, and the
    /// query reads them with `current_setting`: its text holds no value.
    @discardableResult
    public func forEachExportRow(matching filter: HistoryFilter, _ body: (StoredExportRow) throws -> Void) throws -> Int {
        var settings: [String] = []
        let conditions = filter.runConditionList().map { condition in
            settings.append(condition.value.text)
            let setting = "current_setting('poolbench.filter_\(settings.count)')"
            let value = if case .integer = condition.value { "\(setting)::bigint" } else { setting }
            return PostgreSQLFilter.sql(condition, value: value)
        }
        let query = "COPY (\(Self.exportQuery(where: conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND ")))) "
            + "TO STDOUT (FORMAT binary)"
        // Rows reach `body` as they arrive, so a lost connection is not
        // retried: the rows already handed over cannot be taken back.
        return try withConnection(retrying: false) { connection in
            try connection.transaction {
                for (index, value) in settings.enumerated() {
                    try connection.execute("SELECT set_config($1, $2, true)", ["poolbench.filter_\(index + 1)", value])
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

extension PostgreSQLHistoryStore {
    /// The export's rows, every run with its sweep and host, as one SQL
    /// query on a PostgreSQL history: what `export` copies, and what other
    /// tools (`psql`'s `\copy`) can copy to compare with it.
    public static var exportQuery: String { exportQuery(where: "TRUE") }

    static func exportQuery(where condition: String) -> String {
        """
        SELECT \(ExportColumn.allCases.map(\.postgreSQLSelection).joined(separator: ", "))
        FROM run
        JOIN sweep ON sweep.id = run.sweepId
        JOIN host ON host.id = sweep.hostId
        WHERE \(condition)
        ORDER BY run.startedAt, run.id
        """
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
