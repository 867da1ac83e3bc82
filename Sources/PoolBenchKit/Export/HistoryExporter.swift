import Foundation

/// Writes a history's runs as CSV or JSON Lines, streaming: one row at a time
/// from the database into a 64 KiB buffer, so memory stays flat however many
/// runs there are.
public struct HistoryExporter {
    public var format: ExportFormat
    /// Whether CSV text a spreadsheet would run as a formula is neutralised.
    public var neutralise: Bool

    public init(format: ExportFormat = .csv, neutralise: Bool = true) {
        self.format = format
        self.neutralise = neutralise
    }

    /// Writes the runs matching `filter` to standard output.
    /// - Returns: how many runs were written.
    @discardableResult
    public func exportToStandardOutput(from store: any HistoryStore, matching filter: HistoryFilter) throws -> Int {
        var output = OutputBuffer(descriptor: STDOUT_FILENO, name: OutputBuffer.standardOutputName)
        let count = try export(from: store, matching: filter, to: &output)
        try output.flush()
        return count
    }

    /// Writes the runs matching `filter` to the file at `path`, replacing it
    /// only once the export is complete: on any failure the file is as it
    /// was, and no temporary file is left behind. A symlink's target is
    /// replaced, a device or FIFO written as a stream, and the history's own
    /// files refused (see `OutputTarget`).
    /// - Returns: how many runs were written.
    @discardableResult
    public func export(from store: any HistoryStore, matching filter: HistoryFilter, toFile path: String) throws -> Int {
        try OutputTarget.write(toFile: path, historyPath: store.historyFile) { output in
            try export(from: store, matching: filter, to: &output)
        }
    }

    /// Writes the header and the runs matching `filter` into `output`,
    /// flushing each full chunk.
    public func export(from store: any HistoryStore, matching filter: HistoryFilter, to output: inout OutputBuffer) throws -> Int {
        try export(from: store, matching: filter, with: format.formatter(neutralise: neutralise), to: &output)
    }

    // Generic over the formatter so the row loop is specialised per format.
    private func export(
        from store: any HistoryStore, matching filter: HistoryFilter, with formatter: some ExportRowFormatter,
        to output: inout OutputBuffer
    ) throws -> Int {
        formatter.writeHeader(to: &output)
        return try store.forEachExportRow(matching: filter) { row in
            formatter.writeRow(row, to: &output)
            try output.flushIfFull()
        }
    }
}
