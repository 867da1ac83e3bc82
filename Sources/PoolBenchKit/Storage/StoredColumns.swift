import Foundation

/// One result of a store's query: its columns, found by name.
protocol StoredResult {
    /// The column's position in the result; nil when it has none by that name.
    func position(of column: String) -> Int?
}

/// One row of a result, read by position. Each dialect says what its
/// values are: a reader returns nil for NULL and throws `StoredValueMistyped`
/// for a value that is not of its type, never a default in its place.
protocol StoredRow {
    func int64(at position: Int) throws -> Int64?
    func double(at position: Int) throws -> Double?
    func text(at position: Int) throws -> String?
    func date(at position: Int) throws -> Date?
}

/// A stored value of another type than the column's: `found` names its
/// kind ("text", "a real number"), never the value itself.
struct StoredValueMistyped: Error {
    var found: String
}

/// A result shape: the columns one query hands back, named as both
/// dialects' tables name them. Each store's SQL selects `names`, so the
/// list a query asks for and the list its rows are read by are one.
protocol StoredShape: RawRepresentable, CaseIterable, Hashable where RawValue == String {}

extension StoredShape {
    /// Every column of the shape, in order, prefixed with `table.` when given.
    static func names(in table: String? = nil) -> [String] {
        allCases.map { column in table.map { "\($0).\(column.rawValue)" } ?? column.rawValue }
    }
}

/// The columns of one result shape found in one result, by name, once:
/// a column that is missing, NULL where a value is required, or of the
/// wrong type fails the read with one line naming it, instead of turning a
/// schema mistake into a wrong answer.
struct StoredColumns<Shape: StoredShape> {
    private let positions: [Shape: Int]
    private let location: String

    init(_ result: some StoredResult, location: String) throws {
        var positions: [Shape: Int] = [:]
        for column in Shape.allCases {
            guard let position = result.position(of: column.rawValue) else {
                throw PoolBenchError.historyColumnUnreadable(location: location, column: column.rawValue, problem: "is missing")
            }
            positions[column] = position
        }
        self.positions = positions
        self.location = location
    }

    func optionalInt64(_ row: some StoredRow, _ column: Shape) throws -> Int64? {
        try read(column) { try row.int64(at: $0) }
    }

    func optionalDouble(_ row: some StoredRow, _ column: Shape) throws -> Double? {
        try read(column) { try row.double(at: $0) }
    }

    func optionalText(_ row: some StoredRow, _ column: Shape) throws -> String? {
        try read(column) { try row.text(at: $0) }
    }

    func optionalDate(_ row: some StoredRow, _ column: Shape) throws -> Date? {
        try read(column) { try row.date(at: $0) }
    }

    func int64(_ row: some StoredRow, _ column: Shape) throws -> Int64 {
        try required(column, optionalInt64(row, column))
    }

    func int(_ row: some StoredRow, _ column: Shape) throws -> Int {
        let value = try int64(row, column)
        guard let int = Int(exactly: value) else { throw mistyped(column, "a number too large") }
        return int
    }

    func double(_ row: some StoredRow, _ column: Shape) throws -> Double {
        try required(column, optionalDouble(row, column))
    }

    func text(_ row: some StoredRow, _ column: Shape) throws -> String {
        try required(column, optionalText(row, column))
    }

    func date(_ row: some StoredRow, _ column: Shape) throws -> Date {
        try required(column, optionalDate(row, column))
    }

    /// A text column holding one of `Value`'s raw values.
    func value<Value: RawRepresentable>(_ row: some StoredRow, _ column: Shape, as type: Value.Type) throws -> Value
    where Value.RawValue == String {
        guard let value = Value(rawValue: try text(row, column)) else { throw mistyped(column, "text it does not know") }
        return value
    }

    private func read<T>(_ column: Shape, _ body: (Int) throws -> T?) throws -> T? {
        guard let position = positions[column] else { return nil }
        do {
            return try body(position)
        } catch let error as StoredValueMistyped {
            throw mistyped(column, error.found)
        }
    }

    private func required<T>(_ column: Shape, _ value: T?) throws -> T {
        guard let value else {
            throw PoolBenchError.historyColumnUnreadable(location: location, column: column.rawValue, problem: "is NULL")
        }
        return value
    }

    private func mistyped(_ column: Shape, _ found: String) -> PoolBenchError {
        .historyColumnUnreadable(location: location, column: column.rawValue, problem: "holds \(found)")
    }
}
