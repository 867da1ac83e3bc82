import Foundation
import GRDB

/// One SQLite query whose rows are read by column name (`StoredColumns`).
struct SQLiteQuery {
    private let statement: Statement
    private let location: String
    /// Positions by lowercased name: SQLite's names ignore case.
    private let positions: [String: Int]

    init(_ db: Database, _ sql: SQL, location: String) throws {
        statement = try db.makeStatement(literal: sql)
        self.location = location
        var positions: [String: Int] = [:]
        for (position, name) in statement.columnNames.enumerated() where positions[name.lowercased()] == nil {
            positions[name.lowercased()] = position
        }
        self.positions = positions
    }

    /// The columns of `shape` in this query's result; throws for one it lacks.
    func columns<Shape: StoredShape>(_ shape: Shape.Type) throws -> StoredColumns<Shape> {
        try StoredColumns(SQLiteColumnNames(positions: positions), location: location)
    }

    /// Every row, read as `shape` by `transform`.
    func map<Shape: StoredShape, T>(
        _ shape: Shape.Type, _ transform: (StoredColumns<Shape>, SQLiteStoredRow) throws -> T
    ) throws -> [T] {
        let columns = try columns(shape)
        var result: [T] = []
        try forEach { result.append(try transform(columns, $0)) }
        return result
    }

    /// Steps through the rows; each is valid only during its call.
    func forEach(_ body: (SQLiteStoredRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(statement)
        while let row = try cursor.next() { try body(SQLiteStoredRow(row: row)) }
    }
}

private struct SQLiteColumnNames: StoredResult {
    var positions: [String: Int]

    func position(of column: String) -> Int? {
        positions[column.lowercased()]
    }
}

/// A row read by the storage class of each value: an integer column that
/// holds text is a mistake to report, not a zero.
struct SQLiteStoredRow: StoredRow {
    let row: Row

    func int64(at position: Int) throws -> Int64? {
        switch value(position) {
        case .null: return nil
        case let .int64(number): return number
        case let other: throw StoredValueMistyped(found: Self.kind(other))
        }
    }

    func double(at position: Int) throws -> Double? {
        switch value(position) {
        case .null: return nil
        case let .double(number): return number
        // SQLite keeps a whole REAL value as an integer when it can.
        case let .int64(number): return Double(number)
        case let other: throw StoredValueMistyped(found: Self.kind(other))
        }
    }

    func text(at position: Int) throws -> String? {
        switch value(position) {
        case .null: return nil
        case let .string(text): return text
        case let other: throw StoredValueMistyped(found: Self.kind(other))
        }
    }

    /// A time stored as the history's text (`Timestamp`), or as epoch
    /// milliseconds where a query computes them: parsing thousands of
    /// timestamps in Swift costs more than SQLite's arithmetic.
    func date(at position: Int) throws -> Date? {
        switch value(position) {
        case .null: return nil
        case let .string(text):
            guard let date = Timestamp.parse(text) else { throw StoredValueMistyped(found: "text that is not a time") }
            return date
        case let .int64(milliseconds):
            // The same arithmetic as `Timestamp.parse`, so dates compare equal.
            return Date(timeIntervalSince1970: Double(milliseconds / 1000) + Double(milliseconds % 1000) / 1000)
        case let other: throw StoredValueMistyped(found: Self.kind(other))
        }
    }

    private func value(_ position: Int) -> DatabaseValue.Storage {
        (row[position] as DatabaseValue).storage
    }

    private static func kind(_ storage: DatabaseValue.Storage) -> String {
        switch storage {
        case .null: "NULL"
        case .int64: "an integer"
        case .double: "a real number"
        case .string: "text"
        case .blob: "a blob"
        }
    }
}
