import Foundation

extension PostgreSQLRows: StoredResult {
    func position(of column: String) -> Int? {
        self.column(column)
    }

    /// The columns of `shape` in this result; throws for one it lacks.
    func columns<Shape: StoredShape>(_ shape: Shape.Type, location: String) throws -> StoredColumns<Shape> {
        try StoredColumns(self, location: location)
    }

    /// The one number a query such as `SELECT COUNT(*) AS number` answers.
    func number(location: String) throws -> Int {
        let numbers = try map(NumberColumn.self, location: location) { try $0.int($1, .number) }
        guard numbers.count == 1 else {
            throw PoolBenchError.postgreSQLFailed(location: location, state: "", reason: "a query for one number answered \(numbers.count) rows")
        }
        return numbers[0]
    }

    /// Every row, read as `shape` by `transform`.
    func map<Shape: StoredShape, T>(
        _ shape: Shape.Type, location: String, _ transform: (StoredColumns<Shape>, PostgreSQLStoredRow) throws -> T
    ) throws -> [T] {
        let columns = try columns(shape, location: location)
        return try (0..<count).map { try transform(columns, PostgreSQLStoredRow(rows: self, row: $0)) }
    }
}

/// One row of a result in libpq's text form: a value that does not read
/// as its column's type is a mistake to report, not a zero.
struct PostgreSQLStoredRow: StoredRow {
    let rows: PostgreSQLRows
    let row: Int

    func int64(at position: Int) throws -> Int64? {
        try rows.text(row, position).map { text in
            guard let number = Int64(text) else { throw StoredValueMistyped(found: "something other than an integer") }
            return number
        }
    }

    func double(at position: Int) throws -> Double? {
        try rows.text(row, position).map { text in
            guard let number = PostgreSQLText.double(text) else {
                throw StoredValueMistyped(found: "something other than a number")
            }
            return number
        }
    }

    func text(at position: Int) throws -> String? {
        rows.text(row, position)
    }

    func date(at position: Int) throws -> Date? {
        try rows.text(row, position).map { text in
            guard let date = Timestamp.parse(text) else { throw StoredValueMistyped(found: "text that is not a time") }
            return date
        }
    }
}
