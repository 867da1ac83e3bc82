import Foundation
import GRDB
import SwiftCSV
import Synchronization
import Testing
@testable import PoolBenchKit

@Suite struct ImportTests {
    /// A store with the awkward rows, and its export written to a file.
    func exportedFile(neutralise: Bool = true, in scratch: ScratchDirectory) throws -> (SQLiteHistoryStore, String) {
        let store = try SQLiteHistoryStore.inMemory()
        try store.fillWithAwkwardRows()
        return (store, try scratch.write(try exported(store, neutralise: neutralise), to: "export.csv"))
    }

    /// `file` with the line at `line` (1-based) replaced by `replacement`.
    func replacing(line: Int, of file: String, with replacement: (String) -> String, in scratch: ScratchDirectory) throws -> String {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        var lines = text.components(separatedBy: "\r\n")
        lines[line - 1] = replacement(lines[line - 1])
        return try scratch.write(lines.joined(separator: "\r\n"), to: "edited.csv")
    }

    func importError(_ path: String, into store: SQLiteHistoryStore) -> String? {
        do {
            _ = try ImportSource(path: path).merge(into: store)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [true, false])
    func anIndependentCSVParserReadsTheExportBackToTheStoredValues(neutralise: Bool) throws {
        let store = try SQLiteHistoryStore.inMemory()
        try store.fillWithAwkwardRows()
        var bytes = try exported(store, neutralise: neutralise)
        if neutralise { bytes.removeFirst(3) }  // the byte order mark
        let csv = try EnumeratedCSV(string: String(decoding: bytes, as: UTF8.self), delimiter: .comma, loadColumns: false)
        #expect(csv.header == ExportColumn.header)
        let runs = try store.runs(matching: HistoryFilter())
        #expect(csv.rows.count == runs.count)
        for (fields, run) in zip(csv.rows, runs) {
            let sweep = try #require(try store.sweep(id: run.sweepId))
            func field(_ column: ExportColumn) -> String {
                let value = fields[column.index]
                return neutralise && value.hasPrefix("'") && SpreadsheetSafety.neutralised(String(value.dropFirst())) == value
                    ? String(value.dropFirst()) : value
            }
            #expect(field(.runUuid) == run.uuid)
            #expect(field(.startedAt) == Timestamp.format(run.startedAt))
            #expect(field(.label) == sweep.label ?? "")
            #expect(field(.firstError) == run.firstError ?? "")
            #expect(field(.commandLine) == sweep.commandLine)
            #expect(field(.gitBranch) == sweep.gitBranch ?? "")
            #expect(Double(field(.throughput)) == run.throughput)
            #expect(Double(field(.wallSeconds)) == run.wallSeconds)
            #expect(Int(field(.workers)) == run.workers)
            #expect(field(.latencyP50) == run.latencyP50.map { "\($0)" } ?? "")
            #expect(Int64(field(.hostMemoryBytes)) == HostRecord.fixture.memoryBytes)
            if neutralise, let label = sweep.label {
                #expect(fields[ExportColumn.label.index] == SpreadsheetSafety.neutralised(label))
            }
        }
    }

    @Test(arguments: [true, false])
    func exportThenImportIntoAnEmptyHistoryThenExportGivesTheSameBytes(neutralise: Bool) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (store, file) = try exportedFile(neutralise: neutralise, in: scratch)
        let copy = try SQLiteHistoryStore.inMemory()
        // A raw file says nothing about itself, and its '=already quoted
        // label looks neutralised: the importer is told (--neutralised no).
        let summary = try ImportSource(path: file, neutralised: neutralise ? nil : false).merge(into: copy)
        #expect(summary == ImportSummary(newSweeps: awkwardLabels.count, newRuns: 2 * awkwardLabels.count, newHosts: 1))
        #expect(try exported(copy, neutralise: neutralise) == exported(store, neutralise: neutralise))
        #expect(try exported(copy, format: .json) == exported(store, format: .json))
    }

    @Test func importingTheSameFileTwiceAddsNothingTheSecondTime() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, file) = try exportedFile(in: scratch)
        let copy = try SQLiteHistoryStore.inMemory()
        _ = try ImportSource(path: file).merge(into: copy)
        let before = try exported(copy)
        let again = try ImportSource(path: file).merge(into: copy)
        #expect(again == ImportSummary(presentSweeps: awkwardLabels.count, presentRuns: 2 * awkwardLabels.count))
        #expect(try exported(copy) == before)
        #expect(again.description == "0 sweeps and 0 runs new; 16 sweeps and 32 runs already present.")
    }

    /// A sweep exported while it ran, then again once it ended: the second
    /// import adds its later runs and its end, as `run` itself would have.
    @Test func aSweepImportedWhileRunningTakesItsEndFromALaterExport() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep(label: "nightly")
        try store.save(.fixture(sweepId: sweep.id!, workers: 1))
        let midway = try scratch.write(try exported(store), to: "midway.csv")
        try store.save(.fixture(sweepId: sweep.id!, workers: 2, startedAt: Date(timeIntervalSince1970: 1_795_000_002)))
        try store.finishSweep(id: sweep.id!, status: .completed, at: Date(timeIntervalSince1970: 1_795_000_010))
        let ended = try scratch.write(try exported(store), to: "ended.csv")

        let copy = try SQLiteHistoryStore.inMemory()
        _ = try ImportSource(path: midway).merge(into: copy)
        #expect(try copy.sweeps(matching: HistoryFilter()).map(\.sweep.status) == [.running])
        let later = try ImportSource(path: ended).merge(into: copy)
        #expect(later == ImportSummary(presentSweeps: 1, newRuns: 1, presentRuns: 1, endedSweeps: 1))
        #expect(later.description == "0 sweeps and 1 run new; 1 sweep and 1 run already present; 1 sweep stored as running updated to how it ended.")
        #expect(try exported(copy) == (try exported(store)))

        // The earlier file again changes nothing back.
        #expect(try ImportSource(path: midway).merge(into: copy) == ImportSummary(presentSweeps: 1, presentRuns: 1))
        #expect(try exported(copy) == (try exported(store)))
    }

    /// Only `running` changes: a sweep this history marked interrupted stays
    /// so whatever a file says of it.
    @Test func aSweepThatEndedHereKeepsItsEndWhateverAFileSays() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep()
        try store.save(.fixture(sweepId: sweep.id!))
        let midway = try scratch.write(try exported(store), to: "midway.csv")
        let copy = try SQLiteHistoryStore.inMemory()
        _ = try ImportSource(path: midway).merge(into: copy)
        let copied = try #require(try copy.sweeps(matching: HistoryFilter()).first?.sweep.id)
        try copy.finishSweep(id: copied, status: .interrupted, at: Date(timeIntervalSince1970: 1_795_000_005))
        let before = try exported(copy)

        try store.finishSweep(id: sweep.id!, status: .completed, at: Date(timeIntervalSince1970: 1_795_000_010))
        let ended = try scratch.write(try exported(store), to: "ended.csv")
        #expect(try ImportSource(path: ended).merge(into: copy) == ImportSummary(presentSweeps: 1, presentRuns: 1))
        #expect(try exported(copy) == before)
    }

    @Test func importingIntoAHistoryWithSomeOfTheRunsAddsOnlyTheOthers() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (store, file) = try exportedFile(in: scratch)
        let firstSweep = try #require(try store.sweeps(matching: HistoryFilter()).first?.sweep.id)
        let partial = try scratch.write(try exported(store, filter: HistoryFilter(sweepID: firstSweep)), to: "one.csv")
        let copy = try SQLiteHistoryStore.inMemory()
        #expect(try ImportSource(path: partial).merge(into: copy) == ImportSummary(newSweeps: 1, newRuns: 2, newHosts: 1))
        let rest = try ImportSource(path: file).merge(into: copy)
        #expect(rest == ImportSummary(newSweeps: 15, presentSweeps: 1, newRuns: 30, presentRuns: 2))
    }

    @Test func neutralisingIsUndoneOnlyInFilesThatWereNeutralised() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for neutralise in [true, false] {
            let (store, file) = try exportedFile(neutralise: neutralise, in: scratch)
            let copy = try SQLiteHistoryStore.inMemory()
            _ = try ImportSource(path: file, neutralised: neutralise ? nil : false).merge(into: copy)
            #expect(try copy.sweeps(matching: HistoryFilter()).map(\.sweep.label) == awkwardLabels)
            #expect(try copy.runs(matching: HistoryFilter()).map(\.firstError) == store.runs(matching: HistoryFilter()).map(\.firstError))
        }
    }

    @Test func aFileWithoutAByteOrderMarkWhoseTextLooksNeutralisedIsRefusedUntilTheUserSays() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // A neutralised export that lost its byte order mark (an editor, a
        // `tail -c +4`): read verbatim, '=cmd would be stored for =cmd.
        let (store, neutralisedFile) = try exportedFile(in: scratch)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: neutralisedFile))
        bytes.removeFirst(SpreadsheetSafety.byteOrderMarkBytes.count)
        let stripped = scratch.path("stripped.csv")
        try bytes.write(to: URL(fileURLWithPath: stripped))

        let copy = try SQLiteHistoryStore.inMemory()
        let error = try #require(importError(stripped, into: copy))
        #expect(error.contains("starts with ' before a formula character, as a neutralised export writes it, but the file has no byte order mark"), "\(error)")
        #expect(error.contains("Pass --neutralised yes if it came from `poolbench export` without --raw, or --neutralised no"))
        #expect(try copy.runs(matching: HistoryFilter()).isEmpty, "nothing imported")

        _ = try ImportSource(path: stripped, neutralised: true).merge(into: copy)
        #expect(try copy.sweeps(matching: HistoryFilter()).map(\.sweep.label) == awkwardLabels)
        #expect(try exported(copy) == exported(store))

        // A raw export with such a label is refused the same way, and kept
        // as written when the user says so (the round trip test).
        let (_, rawFile) = try exportedFile(neutralise: false, in: scratch)
        #expect(importError(rawFile, into: try SQLiteHistoryStore.inMemory())?.contains("--neutralised no to keep the text as written") == true)
    }

    @Test func aMalformedRowAbortsTheImportNamingItsLineAndLeavesTheHistoryUnchanged() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, file) = try exportedFile(in: scratch)
        let copy = try SQLiteHistoryStore.inMemory()
        try copy.save(.fixture(sweepId: try copy.makeSweep(label: "mine").id!))
        let before = try exported(copy)

        func field(_ column: ExportColumn, on line: Int, becomes value: String) throws -> String? {
            // Line 7 is the 6th run: its label has no comma or line break, so splitting on commas is safe.
            let edited = try replacing(line: line, of: file, with: { text in
                var fields = text.components(separatedBy: ",")
                fields[column.index] = value
                return fields.joined(separator: ",")
            }, in: scratch)
            return importError(edited, into: copy)
        }
        #expect(try field(.throughput, on: 7, becomes: "abc") == "\(scratch.path("edited.csv")) line 7: column throughput: 'abc' is not a number; nothing was imported.")
        #expect(try field(.workers, on: 7, becomes: "2.5")?.contains("line 7: column workers: '2.5' is not a whole number") == true)
        #expect(try field(.workers, on: 7, becomes: "0")?.contains("line 7: column workers: 0 is less than 1") == true)
        #expect(try field(.executor, on: 7, becomes: "fibers")?.contains("line 7: column executor: 'fibers' is not an executor (sequential, threads, pool, dispatch, tasks, processes, py-threads, py-processes, py-asyncio, job)") == true)
        #expect(try field(.sweepStatus, on: 7, becomes: "paused")?.contains("line 7: column sweepStatus: 'paused' is not a sweep status") == true)
        #expect(try field(.startedAt, on: 7, becomes: "2026-02-30T00:00:00.000Z")?.contains("line 7: column startedAt: '2026-02-30T00:00:00.000Z' is not a UTC time") == true)
        #expect(try field(.runUuid, on: 7, becomes: "")?.contains("line 7: column runUuid: is empty") == true)
        let short = try replacing(line: 7, of: file, with: { $0.components(separatedBy: ",").dropLast().joined(separator: ",") }, in: scratch)
        #expect(importError(short, into: copy)?.contains("line 7: 44 fields, but the header has 45") == true)

        #expect(try exported(copy) == before)
    }

    /// Rows are read on a thread of their own, a batch at a time, while
    /// the ones before them are inserted: a file many batches long must
    /// arrive whole, and a bad row late in it must still undo the rows
    /// inserted before it was read.
    @Test func aFileOfManyBatchesArrivesWholeAndABadRowLateInItUndoesEverything() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let store = try SQLiteHistoryStore.inMemory()
        for sweepIndex in 0..<3 {
            let sweep = try store.makeSweep(startedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(sweepIndex) * 1_000))
            for index in 0..<400 {
                try store.save(.fixture(
                    sweepId: sweep.id!, workers: index % 8 + 1, repetition: index / 8,
                    startedAt: Date(timeIntervalSince1970: 1_795_000_001 + Double(sweepIndex * 1_000 + index)),
                    throughput: 100 + Double(index)
                ))
            }
        }
        let file = try scratch.write(try exported(store), to: "export.csv")

        let copy = try SQLiteHistoryStore.inMemory()
        let summary = try ImportSource(path: file).merge(into: copy)
        #expect(summary == ImportSummary(newSweeps: 3, newRuns: 1_200, newHosts: 1))
        #expect(try exported(copy) == (try exported(store)))

        let empty = try SQLiteHistoryStore.inMemory()
        let late = try replacing(line: 1_150, of: file, with: { text in
            var fields = text.components(separatedBy: ",")
            fields[ExportColumn.wallSeconds.index] = "soon"
            return fields.joined(separator: ",")
        }, in: scratch)
        #expect(importError(late, into: empty)?.contains("line 1150: column wallSeconds: 'soon' is not a number") == true)
        #expect(try empty.runs(matching: HistoryFilter()).isEmpty)
        #expect(try empty.sweeps(matching: HistoryFilter()).isEmpty)
    }

    /// Ctrl-C asks the import to stop: it stops between rows, however far
    /// the writer has got, and rolls everything back.
    @Test(arguments: [1, 700, 1_199])
    func anImportAskedToStopRollsBackWhereverItWas(stopAfter: Int) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep()
        for index in 0..<1_200 {
            try store.save(.fixture(sweepId: sweep.id!, workers: index % 8 + 1, repetition: index / 8))
        }
        let file = try scratch.write(try exported(store), to: "export.csv")
        let copy = try SQLiteHistoryStore.inMemory()
        try copy.save(.fixture(sweepId: try copy.makeSweep(label: "mine").id!))
        let before = try exported(copy)

        let asked = Atomic(0)
        #expect(throws: PoolBenchError.importInterrupted) {
            try ImportSource(path: file).merge(into: copy, stoppingWhen: {
                asked.add(1, ordering: .relaxed).newValue > stopAfter
            })
        }
        #expect(try exported(copy) == before)
    }

    @Test func aFileCutOffInItsLastFieldIsRefusedRatherThanImportedWithAShortenedValue() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, file) = try exportedFile(in: scratch)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes.removeLast(3)  // the last row's CRLF and the byte before it
        let cut = scratch.path("cut.csv")
        try bytes.write(to: URL(fileURLWithPath: cut))
        let lines = bytes.split(separator: UInt8(ascii: "\n")).count
        let store = try SQLiteHistoryStore.inMemory()
        let error = try #require(importError(cut, into: store))
        #expect(error.hasPrefix("\(cut) line \(lines): the last row has no line break at its end, so the file looks truncated"), "\(error)")
        #expect(try store.runs(matching: HistoryFilter()).isEmpty)
    }

    @Test func controlCharactersInARefusedValueAreShownEscaped() {
        #expect(ExportRowDecoder.shown("a\u{0}b\u{1B}[2Jc\td") == "a\\u{0}b\\u{1b}[2Jc\\td")
    }

    @Test func aFileThatIsNotAnExportIsRefusedBeforeAnythingIsRead() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, file) = try exportedFile(neutralise: false, in: scratch)
        let store = try SQLiteHistoryStore.inMemory()
        let empty = try scratch.write("", to: "empty.csv")
        #expect(importError(empty, into: store) == "\(empty) is empty; nothing was imported. Pass a file written by `poolbench export`.")
        let reordered = try replacing(line: 1, of: file, with: { $0.replacingOccurrences(of: "workload,parameters", with: "parameters,workload") }, in: scratch)
        #expect(importError(reordered, into: store)?.contains("(line 1: column 3 of the header is 'parameters', expected 'workload')") == true)
        let unknown = try replacing(line: 1, of: file, with: { $0 + ",extra" }, in: scratch)
        #expect(importError(unknown, into: store)?.contains("the header has 46 columns, expected 45: 'extra' is unknown") == true)
        let cut = try replacing(line: 1, of: file, with: { $0.components(separatedBy: ",").dropLast(10).joined(separator: ",") }, in: scratch)
        #expect(importError(cut, into: store)?.contains("the header has 35 columns, expected 45: it ends before 'hostPoolbenchVersion'") == true)
        let missing = scratch.path("missing.csv")
        #expect(importError(missing, into: store) == PoolBenchError.importFileNotFound(path: missing).description)
        #expect(try store.runs(matching: HistoryFilter()).isEmpty)
    }

    @Test func timesInShorterFormsAreStoredInTheHistorysFormat() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, file) = try exportedFile(neutralise: false, in: scratch)
        let edited = try replacing(line: 2, of: file, with: { text in
            var fields = text.components(separatedBy: ",")
            fields[ExportColumn.startedAt.index] = "2026-11-21 08:30"
            return fields.joined(separator: ",")
        }, in: scratch)
        let store = try SQLiteHistoryStore.inMemory()
        _ = try ImportSource(path: edited, neutralised: false).merge(into: store)
        let stored = try store.writer.read { db in try String.fetchAll(db, sql: "SELECT startedAt FROM run") }
        #expect(stored.contains("2026-11-21T08:30:00.000Z"))
    }

    @Test func theCanonicalTimeCheckKnowsTheCalendar() {
        func check(_ text: String) -> Bool {
            var copy = text
            return copy.withUTF8 { ExportRowDecoder.isCanonicalTime($0) }
        }
        #expect(check("2024-02-29T23:59:59.999Z"))
        #expect(!check("2023-02-29T00:00:00.000Z"))
        #expect(!check("2024-13-01T00:00:00.000Z"))
        #expect(!check("2024-01-01T24:00:00.000Z"))
        #expect(!check("2024-01-01 00:00:00.000Z"))
        #expect(!check("2024-01-01T00:00:00.000"))
    }
}

@Suite struct ImportHistoryDatabaseTests {
    @Test func anotherHistoryIsMergedByUUIDAndLeftByteForByte() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("team.sqlite")
        let team = try SQLiteHistoryStore.open(path: path, create: true)
        try team.fillWithAwkwardRows()
        try team.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let mine = try SQLiteHistoryStore.inMemory()
        try mine.save(.fixture(sweepId: try mine.makeSweep(label: "mine").id!))
        let first = try ImportSource(path: path).merge(into: mine)
        #expect(first == ImportSummary(newSweeps: 16, newRuns: 32))
        let second = try ImportSource(path: path).merge(into: mine)
        #expect(second == ImportSummary(presentSweeps: 16, presentRuns: 32))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try mine.runs(matching: HistoryFilter()).count == 33)
        #expect(try ImportSource(path: path).kind == .history)
    }

    @Test func aHistoryFromANewerPoolbenchIsRefusedAndLeftUntouched() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("newer.sqlite")
        let newer = try SQLiteHistoryStore.open(path: path, create: true)
        try newer.writer.write { db in
            try db.execute(sql: "INSERT INTO migration (version, name, appliedAt) VALUES (9999, '9999_future', 'x')")
        }
        try newer.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: PoolBenchError.sourceFromOtherVersion(path: path, version: 9999, known: Migrator().latestVersion)) {
            try ImportSource(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func anSQLiteDatabaseThatIsNotAHistoryIsRefused() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("other.sqlite")
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE note (text TEXT)") }
        #expect(throws: PoolBenchError.sourceNotAHistory(path: path)) { try ImportSource(path: path) }
    }
}
