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
        let target: String
        switch try OutputTarget.resolve(path, historyPath: store.historyFile) {
        case let .stream(device): return try export(from: store, matching: filter, toStream: device, named: path)
        case let .file(file): target = file
        }
        let file = try AtomicFile(replacing: target)
        do {
            var output = OutputBuffer(descriptor: file.descriptor, name: path)
            let count = try export(from: store, matching: filter, to: &output)
            try output.flush()
            try file.commit()
            return count
        } catch {
            file.discard()
            throw error
        }
    }

    private func export(from store: any HistoryStore, matching filter: HistoryFilter, toStream device: String, named path: String) throws -> Int {
        let descriptor = open(device, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            throw PoolBenchError.outputUnwritable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var output = OutputBuffer(descriptor: descriptor, name: path)
        do {
            let count = try export(from: store, matching: filter, to: &output)
            try output.flush()
            return count
        } catch let PoolBenchError.writeFailed(_, reason) {
            // A stream has no file to leave untouched: say only what failed.
            throw PoolBenchError.outputUnwritable(path: path, reason: reason)
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
