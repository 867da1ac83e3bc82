import Foundation
@testable import PoolBenchKit

/// Labels that break naive CSV writers and readers, or would run in a
/// spreadsheet.
let awkwardLabels: [String?] = [
    "plain", "with, comma", "with \"quotes\"", "two\nlines", "crlf\r\ninside", "Zürich — 東京 ☕️",
    "=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\tleading tab", "'=already quoted", "'apostrophe",
    " padded ", "", nil,
]

extension HistoryStore {
    /// One sweep per label, each with two runs that fill every column, one
    /// of them with the unknown values left unknown.
    func fillWithAwkwardRows() throws {
        for (index, label) in awkwardLabels.enumerated() {
            let host = try host(.fixture)
            let sweep = try beginSweep(SweepRecord(
                hostId: host.id!, status: .completed, startedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(index) * 100),
                finishedAt: Date(timeIntervalSince1970: 1_795_000_050 + Double(index) * 100),
                commandLine: "poolbench run sleep --label \(label ?? "")", label: label, gitCommit: "abc123",
                gitBranch: index.isMultiple(of: 2) ? "main" : nil
            ))
            var run = RunRecord.fixture(
                sweepId: sweep.id!, workers: index + 1, startedAt: Date(timeIntervalSince1970: 1_795_000_001 + Double(index) * 100),
                throughput: 123.456 + Double(index)
            )
            run.firstError = label.map { "error: \($0)" }
            run.wallSeconds = 0.1 + 0.2
            try save(run)
            try save(RunRecord(
                sweepId: sweep.id!, workload: "cpu", parameters: "", executor: "tasks", workers: 1, tasks: 7,
                repetition: 1, startedAt: Date(timeIntervalSince1970: 1_795_000_002.5 + Double(index) * 100),
                wallSeconds: 1e-5, throughput: 700_000
            ))
        }
    }
}

/// Runs the exporter into memory and returns what it wrote.
func exported(
    _ store: any HistoryStore, format: ExportFormat = .csv, neutralise: Bool = true, filter: HistoryFilter = HistoryFilter()
) throws -> [UInt8] {
    var output = OutputBuffer()
    _ = try HistoryExporter(format: format, neutralise: neutralise).export(from: store, matching: filter, to: &output)
    return output.bytes
}

/// What a formatter writes for one row of hand-made values.
func formatted(_ values: [ExportValues.Value], with formatter: some ExportRowFormatter) -> String {
    var output = OutputBuffer()
    formatter.writeRow(ExportValues(values), to: &output)
    return String(decoding: output.bytes, as: UTF8.self)
}

/// A row whose every column holds `filler`, with `value` in `column`.
func row(_ column: ExportColumn, _ value: ExportValues.Value, filler: ExportValues.Value = .null) -> [ExportValues.Value] {
    var values = [ExportValues.Value](repeating: filler, count: ExportColumn.allCases.count)
    values[column.index] = value
    return values
}

extension ScratchDirectory {
    /// Writes `text` to a file named `name` and returns its path.
    func write(_ text: String, to name: String) throws -> String {
        let path = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
