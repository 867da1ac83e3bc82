import Foundation
import SwiftCSV
import Testing
@testable import PoolBenchKit

/// What import keeps exactly, and what it refuses rather than alter: a text
/// with a NUL byte, which the history would cut short, and the `""` a tool
/// that quotes every field writes for an unknown value.
extension ImportTests {
    @Test func aNULByteInATextIsRefusedNamingItsLineAndNothingIsImported() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, file) = try exportedFile(in: scratch)
        let copy = try SQLiteHistoryStore.inMemory()
        for column in [ExportColumn.label, .firstError, .parameters, .hostName, .testbed] {
            let edited = try replacing(line: 7, of: file, with: { text in
                var fields = text.components(separatedBy: ",")
                fields[column.index] = "a\0b"
                return fields.joined(separator: ",")
            }, in: scratch)
            #expect(
                importError(edited, into: copy)
                    == "\(edited) line 7: column \(column): the text holds a NUL byte, which a history cannot store; remove it from the file; nothing was imported.",
                "\(column)"
            )
        }
        #expect(try copy.runs(matching: HistoryFilter()).isEmpty)
        #expect(try copy.sweeps(matching: HistoryFilter()).isEmpty)
    }

    /// The export as Python's `csv.writer(quoting=csv.QUOTE_ALL)` re-saves
    /// it after reading it with `csv.reader`: every field quoted, unknown
    /// values as `""`, and a byte order mark it did not heed kept inside the
    /// first field's quotes.
    static func quotingEveryField(_ bytes: [UInt8]) throws -> String {
        var bytes = bytes
        let mark = bytes.starts(with: SpreadsheetSafety.byteOrderMarkBytes) ? "\u{FEFF}" : ""
        if !mark.isEmpty { bytes.removeFirst(3) }
        let csv = try EnumeratedCSV(string: String(decoding: bytes, as: UTF8.self), delimiter: .comma, loadColumns: false)
        return ([[mark + csv.header[0]] + csv.header.dropFirst()] + csv.rows).map { fields in
            fields.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\r\n"
        }.joined()
    }

    @Test(arguments: [true, false])
    func aFileThatQuotesEveryFieldImportsItsEmptyQuotedFieldsAsUnknown(neutralise: Bool) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let store = try SQLiteHistoryStore.inMemory()
        try store.fillWithAwkwardRows()
        let file = try scratch.write(try Self.quotingEveryField(try exported(store, neutralise: neutralise)), to: "quoted.csv")
        let copy = try SQLiteHistoryStore.inMemory()
        _ = try ImportSource(path: file, neutralised: neutralise ? nil : false).merge(into: copy)
        // An empty label is the one value such a file cannot tell from an
        // unknown one: it comes back unknown. Every other value is as it was.
        let expected = String(decoding: try exported(store, format: .json), as: UTF8.self)
            .replacingOccurrences(of: "\"label\":\"\"", with: "\"label\":null")
        #expect(String(decoding: try exported(copy, format: .json), as: UTF8.self) == expected)
        #expect(expected.contains("\"gitBranch\":null") && expected.contains("\"firstError\":null"))
    }

    @Test func anEmptyTestbedIsUnknownEvenInPoolbenchsOwnFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let store = try SQLiteHistoryStore.inMemory()
        try store.save(.fixture(sweepId: try store.makeSweep(label: "").id!))
        let file = try scratch.write(try exported(store, neutralise: false), to: "export.csv")
        let edited = try replacing(line: 2, of: file, with: { $0 + "\"\"" }, in: scratch)
        let copy = try SQLiteHistoryStore.inMemory()
        _ = try ImportSource(path: edited, neutralised: false).merge(into: copy)
        let sweep = try #require(try copy.sweeps(matching: HistoryFilter()).first?.sweep)
        #expect(sweep.testbed == nil, "run refuses an empty testbed, so none is stored")
        #expect(sweep.label == "", "poolbench's own file tells an empty label from an unknown one")
    }
}
