import Foundation

/// Which runs or sweeps a question is about. Every field narrows; nil means
/// any. Shared by `history`, `best`, `trend` and `export`.
///
/// Label, host and testbed are text people type, and the same text can
/// reach the history in more than one Unicode form: `café` typed on one
/// machine as é (U+00E9), on another as e and a combining accent (U+0301).
/// They match under canonical equivalence, as Swift's `==` compares
/// strings: each store compares the normalised (NFC) forms, and keeps the
/// text as it was given.
public struct HistoryFilter: Sendable, Equatable {
    public var workload: String?
    public var executor: String?
    public var label: String?
    public var host: String?
    public var testbed: String?
    public var since: Date?
    public var until: Date?
    public var sweepID: Int64?

    public init(
        workload: String? = nil, executor: String? = nil, label: String? = nil, host: String? = nil,
        testbed: String? = nil, since: Date? = nil, until: Date? = nil, sweepID: Int64? = nil
    ) {
        self.workload = workload
        self.executor = executor
        self.label = label
        self.host = host
        self.testbed = testbed
        self.since = since
        self.until = until
        self.sweepID = sweepID
    }

    /// `--workload sleep --label nightly`, for messages about what matched nothing.
    public var summary: String {
        var parts: [String] = []
        if let workload { parts.append("--workload \(workload)") }
        if let executor { parts.append("--executor \(executor)") }
        if let label { parts.append("--label \(label)") }
        if let host { parts.append("--host \(host)") }
        if let testbed { parts.append("--testbed \(testbed)") }
        if let since { parts.append("--since \(Timestamp.format(since))") }
        if let until { parts.append("--until \(Timestamp.format(until))") }
        if let sweepID { parts.append("--sweep \(sweepID)") }
        return parts.isEmpty ? "the history" : parts.joined(separator: " ")
    }

    /// Conditions on `run` joined with `sweep` and `host`: the series
    /// conditions, then the sweep conditions with time and ID taken from
    /// the run.
    func runConditionList() -> [FilterCondition] {
        seriesConditionList() + sweepConditionList(startedAt: "run.startedAt", id: "run.sweepId")
    }

    /// The conditions that choose series: workload and executor, on
    /// `table` (`run`, or another table or alias with those columns).
    func seriesConditionList(on table: String = "run") -> [FilterCondition] {
        var conditions: [FilterCondition] = []
        if let workload { conditions.append(FilterCondition("\(table).workload", "=", .text(workload))) }
        if let executor { conditions.append(FilterCondition("\(table).executor", "=", .text(executor))) }
        return conditions
    }

    /// The conditions that choose sweeps alone, on `sweep` joined with
    /// `host`: label, host, testbed, the start (`startedAt`, the sweep's
    /// unless a caller names another column holding it), the ID.
    func sweepConditionList(startedAt: String = "sweep.startedAt", id: String = "sweep.id") -> [FilterCondition] {
        var conditions: [FilterCondition] = []
        if let label { conditions.append(.canonicallyEquivalent("sweep.label", label)) }
        if let host { conditions.append(.canonicallyEquivalent("host.name", host)) }
        if let testbed { conditions.append(.canonicallyEquivalent("sweep.testbed", testbed)) }
        if let since { conditions.append(FilterCondition(startedAt, ">=", .text(Timestamp.format(since)))) }
        if let until { conditions.append(FilterCondition(startedAt, "<=", .text(Timestamp.format(until)))) }
        if let sweepID { conditions.append(FilterCondition(id, "=", .integer(sweepID))) }
        return conditions
    }
}

/// One condition of a filter, `expression comparison value`, for a store to
/// write in its own SQL with the value bound (`SQLiteFilter`,
/// `PostgreSQLFilter`). The expressions name the tables and columns both
/// stores share.
struct FilterCondition: Equatable {
    enum Value: Equatable {
        case text(String)
        case integer(Int64)

        /// The value as text, for a store that binds text.
        var text: String {
            switch self {
            case let .text(text): text
            case let .integer(number): String(number)
            }
        }
    }

    var expression: String
    /// `=`, `>=` or `<=`; or `canonicallyEquivalent`, which each store
    /// writes in its own SQL.
    var comparison: String
    var value: Value

    init(_ expression: String, _ comparison: String, _ value: Value) {
        self.expression = expression
        self.comparison = comparison
        self.value = value
    }

    /// The comparison of text under Unicode canonical equivalence.
    static let canonicallyEquivalent = "≡"

    /// `expression`, a `table.column` of text, canonically equivalent to
    /// `text`.
    static func canonicallyEquivalent(_ expression: String, _ text: String) -> FilterCondition {
        FilterCondition(expression, canonicallyEquivalent, .text(text))
    }

    /// The table and column of a `table.column` expression.
    var tableAndColumn: (table: String, column: String) {
        let parts = expression.split(separator: ".", maxSplits: 1).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : ("", expression)
    }
}
