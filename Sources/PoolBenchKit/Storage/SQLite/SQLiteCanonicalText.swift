import Foundation
import GRDB
import GRDBSQLite

/// Text compared under Unicode canonical equivalence in SQLite, which
/// compares bytes: `nfc(text)`, a function every connection registers,
/// gives the composed form (NFC) of its argument, so two spellings of one
/// label compare equal as their normal forms.
///
/// A condition on a normal form cannot use the column's index, and the
/// label's index is what keeps `best --label` from reading every sweep. So
/// the condition is written as membership: the column is `IN` the stored
/// spellings whose normal form is the one asked for. Those are found among
/// the column's distinct values (read from its index, normalised once
/// each), and the outer query looks each up through the index as before.
enum SQLiteCanonicalText {
    /// Registers `nfc` on the connection. It is called once per distinct
    /// stored value a filter looks at (a history of 100,000 distinct labels
    /// reads them all), so it is written against SQLite's C API: text with
    /// no scalar from U+0300 up, which is all a label usually holds, is
    /// already NFC and is handed back as it is, with no Swift string made.
    static func register(on db: Database) throws {
        let code = sqlite3_create_function_v2(
            db.sqliteConnection, "nfc", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, nfcFunction, nil, nil, nil
        )
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code)) }
    }

    /// Whether UTF-8 `bytes` hold no scalar from U+0300 up (no lead byte
    /// from 0xCC up). Every scalar below U+0300 is its own NFC form and
    /// none composes with the one before it (the combining marks begin at
    /// U+0300), so such text is already NFC.
    static func isSurelyNFC(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 < 0xCC }
    }

    /// SQLite copies the result text.
    fileprivate static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// `condition`, a `table.column` canonically equivalent to a text, with
    /// the text bound.
    static func sql(_ condition: FilterCondition) -> SQL {
        let (table, column) = condition.tableAndColumn
        return SQL(
            sql: """
                \(condition.expression) IN (SELECT \(column) FROM (SELECT DISTINCT \(column) FROM \(table)) \
                WHERE nfc(\(column)) = nfc(?))
                """,
            arguments: [condition.value.text]
        )
    }
}

/// `nfc(text)`: text already in NFC as it is, other text normalised, and
/// any other value (NULL included) as it is.
private func nfcFunction(
    _ context: OpaquePointer?, _ count: Int32, _ arguments: UnsafeMutablePointer<OpaquePointer?>?
) {
    guard let argument = arguments?[0] else { return sqlite3_result_null(context) }
    guard sqlite3_value_type(argument) == SQLITE_TEXT, let text = sqlite3_value_text(argument) else {
        return sqlite3_result_value(context, argument)
    }
    let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(argument)))
    guard !SQLiteCanonicalText.isSurelyNFC(bytes) else { return sqlite3_result_value(context, argument) }
    let normalized = String(decoding: bytes, as: UTF8.self).precomposedStringWithCanonicalMapping
    normalized.utf8CString.withUnsafeBufferPointer { utf8 in
        sqlite3_result_text(context, utf8.baseAddress, Int32(utf8.count - 1), SQLiteCanonicalText.transient)
    }
}
