import Foundation

/// A `HistoryFilter` as PostgreSQL SQL, every value bound.
struct PostgreSQLFilter {
    var filter: HistoryFilter

    init(_ filter: HistoryFilter) {
        self.filter = filter
    }

    /// Conditions on `run` joined with `sweep` and `host`.
    func runConditions(_ parameters: inout PostgreSQLParameters) -> String {
        Self.sql(filter.runConditionList(), &parameters)
    }

    /// Conditions on `sweep` joined with `host`; run-level filters ask that
    /// the sweep has at least one matching run.
    func sweepConditions(_ parameters: inout PostgreSQLParameters) -> String {
        var conditions = sweepOnlyConditions(&parameters)
        let series = filter.seriesConditionList()
        if !series.isEmpty {
            conditions += " AND EXISTS (SELECT 1 FROM run WHERE run.sweepId = sweep.id AND "
                + Self.sql(series, &parameters) + ")"
        }
        return conditions
    }

    /// The conditions that choose sweeps alone.
    func sweepOnlyConditions(_ parameters: inout PostgreSQLParameters) -> String {
        Self.sql(filter.sweepConditionList(), &parameters)
    }

    /// The conditions that choose series, on `table`'s workload and executor.
    func seriesConditions(on table: String, _ parameters: inout PostgreSQLParameters) -> String {
        Self.sql(filter.seriesConditionList(on: table), &parameters)
    }

    /// `conditions` joined with AND, each value bound; `TRUE` when there
    /// are none.
    static func sql(_ conditions: [FilterCondition], _ parameters: inout PostgreSQLParameters) -> String {
        guard !conditions.isEmpty else { return "TRUE" }
        return conditions.map { sql($0, value: parameters.bind($0.value.text)) }.joined(separator: " AND ")
    }

    /// `condition` with `value`, an SQL expression of its value (a bound
    /// parameter or a setting read).
    ///
    /// Text compared under canonical equivalence compares NFC forms. As in
    /// SQLite it is written as membership in the stored spellings of that
    /// form, so the column's index still finds the rows.
    static func sql(_ condition: FilterCondition, value: String) -> String {
        guard condition.comparison == FilterCondition.canonicallyEquivalent else {
            return "\(condition.expression) \(condition.comparison) \(value)"
        }
        let (table, column) = condition.tableAndColumn
        return "\(condition.expression) IN (SELECT DISTINCT \(column) FROM \(table) "
            + "WHERE normalize(\(column), NFC) = normalize(\(value)::text, NFC))"
    }
}
