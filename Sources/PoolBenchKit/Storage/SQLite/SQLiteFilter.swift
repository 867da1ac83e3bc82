import Foundation
import GRDB

/// A `HistoryFilter` as SQLite SQL, every value bound.
struct SQLiteFilter {
    var filter: HistoryFilter

    init(_ filter: HistoryFilter) {
        self.filter = filter
    }

    /// Conditions on `run` joined with `sweep` and `host`.
    var runConditions: SQL {
        Self.sql(filter.runConditionList())
    }

    /// Conditions on `sweep` joined with `host`; run-level filters ask that
    /// the sweep has at least one matching run.
    var sweepConditions: SQL {
        var conditions = [Self.sql(filter.sweepConditionList())]
        let series = filter.seriesConditionList()
        if !series.isEmpty {
            conditions.append("EXISTS (SELECT 1 FROM run WHERE run.sweepId = sweep.id AND \(Self.sql(series)))")
        }
        return conditions.joined(separator: " AND ")
    }

    /// `conditions` joined with AND, every value bound; `1` when there are
    /// none.
    static func sql(_ conditions: [FilterCondition]) -> SQL {
        guard !conditions.isEmpty else { return "1" }
        return conditions.map { condition in
            if condition.comparison == FilterCondition.canonicallyEquivalent {
                return SQLiteCanonicalText.sql(condition)
            }
            let value: any DatabaseValueConvertible = switch condition.value {
            case let .text(text): text
            case let .integer(number): number
            }
            return SQL(sql: "\(condition.expression) \(condition.comparison) ?", arguments: [value])
        }.joined(separator: " AND ")
    }
}
