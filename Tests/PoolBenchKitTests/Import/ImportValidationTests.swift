import Foundation
import GRDB
import Testing
@testable import PoolBenchKit

/// What import lets in: runs as poolbench records them, matched by UUID
/// however the UUID is spelt, and nothing a run cannot have.
extension ImportTests {
    @Test func valuesNoRunCanHaveAreRefusedNamingTheirLineAndNothingIsImported() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, file) = try exportedFile(in: scratch)
        let copy = try SQLiteHistoryStore.inMemory()
        try copy.save(.fixture(sweepId: try copy.makeSweep(label: "mine").id!))
        let before = try exported(copy)
        let edited = scratch.path("edited.csv")

        // Line 7 is the cpu run of the third sweep: 7 tasks, no errors.
        func field(_ column: ExportColumn, becomes value: String) throws -> String? {
            let path = try replacing(line: 7, of: file, with: { text in
                var fields = text.components(separatedBy: ",")
                fields[column.index] = value
                return fields.joined(separator: ",")
            }, in: scratch)
            return importError(path, into: copy)
        }
        let refusals: [(ExportColumn, String, String)] = [
            (.throughput, "inf", "column throughput: 'inf' is not a finite number ≥ 0"),
            (.throughput, "Infinity", "column throughput: 'Infinity' is not a finite number ≥ 0"),
            (.throughput, "nan", "column throughput: 'nan' is not a number"),
            (.wallSeconds, "-1", "column wallSeconds: '-1' is not a finite number ≥ 0"),
            (.throughput, "0x1p3", "column throughput: '0x1p3' is not a decimal number like 12.5 or 1e-05"),
            (.latencyP50, "-0.5", "column latencyP50: '-0.5' is not a finite number ≥ 0"),
            (.cpuUserSeconds, "1e999", "column cpuUserSeconds: '1e999' is not a finite number ≥ 0"),
            (.peakRssBytes, "-1", "column peakRssBytes: -1 is less than 0"),
            (.errorCount, "8", "column errorCount: 8 failed tasks, but the run has only 7 tasks"),
            (.workers, "10001", "column workers: 10001 is more than 10000"),
            (.workload, "", "column workload: is empty, but every run has one"),
            (.startedAt, "0000-01-01T00:00:00.000Z", "column startedAt: '0000-01-01T00:00:00.000Z' is before 1970"),
            (.sweepFinishedAt, "2020-01-01T00:00:00.000Z", "column sweepFinishedAt: '2020-01-01T00:00:00.000Z' is before the sweep started"),
            (.runUuid, " padded", "column runUuid: ' padded' is not a UUID"),
            (.runUuid, "not-a-uuid", "column runUuid: 'not-a-uuid' is not a UUID"),
            (.sweepUuid, "{00000000-0000-0000-0000-000000000000}", "column sweepUuid: '{00000000-0000-0000-0000-000000000000}' is not a UUID"),
        ]
        for (column, value, reason) in refusals {
            let error = try field(column, becomes: value)
            #expect(error?.hasPrefix("\(edited) line 7: \(reason)") == true, "\(column) \(value): \(error ?? "imported")")
            #expect(error?.hasSuffix("; nothing was imported.") == true)
        }
        // Exponents are numbers as export may write them. (Reading the file
        // as text dropped its byte order mark, so the importer is told.)
        let exponent = try replacing(line: 7, of: file, with: { text in
            var fields = text.components(separatedBy: ",")
            fields[ExportColumn.throughput.index] = "1.5e+2"
            return fields.joined(separator: ",")
        }, in: scratch)
        #expect(try ImportSource(path: exponent, neutralised: true).merge(into: try SQLiteHistoryStore.inMemory()).newRuns == 2 * awkwardLabels.count)
        #expect(try exported(copy) == before)
    }

    @Test func numbersAreReadOnlyInTheDecimalFormsExportWrites() {
        func decimal(_ text: String) -> Bool {
            var copy = text
            return copy.withUTF8 { ExportRowDecoder.isDecimal($0) }
        }
        for accepted in ["0", "12", "-3", "0.25", "1e-05", "1.5E+10", "123.456"] { #expect(decimal(accepted), "\(accepted)") }
        for refused in ["", "-", ".5", "5.", "1e", "0x1p3", "inf", "1_000", " 1", "1 ", "+1", "1,5"] {
            #expect(!decimal(refused), "\(refused)")
        }
    }

    @Test func aUUIDIsReadAsFoundationReadsOneAndWrittenInLowerCase() {
        let samples = [
            "0B3D9C4E-8F2A-4C1D-9E7B-5A6F3D2C1B0A", "0b3d9c4e-8f2a-4c1d-9e7b-5a6f3d2c1b0a", "0b3d9c4e-8F2A-4c1d-9e7b-5a6f3d2c1b0a",
            " 0b3d9c4e-8f2a-4c1d-9e7b-5a6f3d2c1b0a", "0b3d9c4e8f2a4c1d9e7b5a6f3d2c1b0a", "0b3d9c4e-8f2a-4c1d-9e7b-5a6f3d2c1b0g",
            "0b3d9c4e-8f2a-4c1d-9e7b_5a6f3d2c1b0a", "not-a-uuid", "{0b3d9c4e-8f2a-4c1d-9e7b-5a6f3d2c1b0a}",
        ]
        for sample in samples {
            var copy = sample
            let ours = copy.withUTF8 { try? ExportRowDecoder.uuid($0) }
            #expect(ours == UUID(uuidString: sample)?.uuidString.lowercased(), "\(sample)")
        }
    }

    @Test func uuidsMatchWhateverTheirCaseAndAreStoredAsPoolbenchWritesThem() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (store, file) = try exportedFile(in: scratch)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let upper = try scratch.write(text.replacing(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) { $0.output.uppercased() }, to: "upper.csv")
        #expect(upper != file)
        #expect(try String(contentsOfFile: upper, encoding: .utf8) != text)

        // Reading the file as text dropped its byte order mark.
        let again = try ImportSource(path: upper, neutralised: true).merge(into: store)
        #expect(again == ImportSummary(presentSweeps: awkwardLabels.count, presentRuns: 2 * awkwardLabels.count))

        let fresh = try SQLiteHistoryStore.inMemory()
        _ = try ImportSource(path: upper, neutralised: true).merge(into: fresh)
        #expect(try exported(fresh) == exported(store), "stored in lower case, as poolbench writes them")
        for uuid in try fresh.runs(matching: HistoryFilter()).map(\.uuid) {
            #expect(UUID(uuidString: uuid)?.uuidString.lowercased() == uuid)
        }
    }

    @Test func aUUIDGivenToTwoDifferentRunsInOneFileIsRefusedAndARepeatedRowIsNot() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, file) = try exportedFile(in: scratch)
        let lines = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\r\n")
        let firstUuid = lines[1].components(separatedBy: ",")[ExportColumn.runUuid.index]

        let conflicting = try replacing(line: 7, of: file, with: { text in
            var fields = text.components(separatedBy: ",")
            fields[ExportColumn.runUuid.index] = firstUuid.uppercased()
            return fields.joined(separator: ",")
        }, in: scratch)
        let copy = try SQLiteHistoryStore.inMemory()
        #expect(importError(conflicting, into: copy) == "\(conflicting) line 7: run \(firstUuid) appears twice with different values; a UUID names one run; nothing was imported.")
        #expect(try copy.runs(matching: HistoryFilter()).isEmpty)

        // The same sweep UUID on a run of another sweep is a conflict too.
        let sweepUuid = lines[1].components(separatedBy: ",")[ExportColumn.sweepUuid.index]
        let otherSweep = try replacing(line: 7, of: file, with: { text in
            var fields = text.components(separatedBy: ",")
            fields[ExportColumn.sweepUuid.index] = sweepUuid
            return fields.joined(separator: ",")
        }, in: scratch)
        #expect(importError(otherSweep, into: copy)?.contains("line 7: sweep \(sweepUuid) appears twice with different values") == true)

        var repeated = lines
        repeated.insert(lines[1], at: lines.count - 1)
        let twice = try scratch.write(repeated.joined(separator: "\r\n"), to: "twice.csv")
        let summary = try ImportSource(path: twice, neutralised: true).merge(into: copy)
        #expect(summary.newRuns == 2 * awkwardLabels.count)
        #expect(summary.presentRuns == 1)
    }

    @Test func aRowTheSchemaRefusesIsOneLineNotAnSQLError() throws {
        let store = try SQLiteHistoryStore.inMemory()
        try store.fillWithAwkwardRows()
        var row: ExportValues?
        _ = try store.writer.read { db in
            try SQLiteHistoryStore.forEachExportRow(db, matching: HistoryFilter()) { source in
                if row == nil { row = ExportValues(ExportColumn.allCases.indices.map { index in
                    source.withField(index) { field in
                        switch field {
                        case .null: .null
                        case let .integer(value): .integer(value)
                        case let .real(value): .real(value)
                        case let .text(bytes): .text(String(decoding: bytes, as: UTF8.self))
                        }
                    }
                }) }
            }
        }
        var bad = try #require(row)
        bad.values[ExportColumn.runUuid.index] = .text(UUID().uuidString.lowercased())
        bad.values[ExportColumn.throughput.index] = .real(-1)
        let fresh = try SQLiteHistoryStore.inMemory()
        do {
            _ = try fresh.merge { insert in try insert(bad) }
            Issue.record("the schema let a negative throughput in")
        } catch let conflict as ImportConflict {
            #expect(conflict.reason.hasPrefix("the history refuses it (CHECK constraint failed"))
            #expect(!conflict.reason.contains("\n"))
            #expect(!conflict.reason.contains("INSERT"))
        }
    }
}

extension ImportHistoryDatabaseTests {
    @Test func anotherHistorysRowsAreCheckedAsAFilesAreAndTheirUUIDsStoredInLowerCase() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = scratch.path("team.sqlite")
        let team = try SQLiteHistoryStore.open(path: path, create: true)
        let hostId = try team.host(.fixture).id!
        let sweepUuid = UUID().uuidString
        let sweep = try team.beginSweep(SweepRecord(
            uuid: sweepUuid, hostId: hostId, status: .completed, startedAt: Date(timeIntervalSince1970: 1_795_000_000),
            finishedAt: Date(timeIntervalSince1970: 1_795_000_100), commandLine: "poolbench run sleep"
        ))
        var run = RunRecord.fixture(sweepId: sweep.id!)
        run.uuid = run.uuid.uppercased()
        try team.save(run)
        try team.close()

        let mine = try SQLiteHistoryStore.inMemory()
        #expect(try ImportSource(path: path).merge(into: mine) == ImportSummary(newSweeps: 1, newRuns: 1, newHosts: 1))
        #expect(try mine.runs(matching: HistoryFilter()).map(\.uuid) == [run.uuid.lowercased()])
        #expect(try mine.sweeps(matching: HistoryFilter()).map(\.sweep.uuid) == [sweepUuid.lowercased()])

        let broken = try SQLiteHistoryStore.open(path: path, create: true)
        var failing = RunRecord.fixture(sweepId: sweep.id!)
        failing.errorCount = failing.tasks + 1
        try broken.save(failing)
        try broken.close()
        #expect(throws: PoolBenchError.badRun(
            path: path, uuid: failing.uuid, reason: "column errorCount: 101 failed tasks, but the run has only 100 tasks"
        )) { try ImportSource(path: path).merge(into: try SQLiteHistoryStore.inMemory()) }
    }
}
