import Foundation
import GRDB

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
    static let function = DatabaseFunction("nfc", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return normalized(text)
    }

    /// The composed form (NFC) of `text`. ASCII is its own normal form.
    static func normalized(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
    }

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
