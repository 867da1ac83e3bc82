import Foundation

/// A file to import: a CSV written by `poolbench export` (neutralised or
/// `--raw`), another poolbench history database, or a hyperfine
/// `--export-json` scan, told apart by SQLite's 16-byte file header and a
/// JSON object's opening brace unless `kind` is given. Opening it checks
/// what it is — the CSV header, the database's schema, or every result of
/// the scan — before the history is touched.
public final class ImportSource {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case csv
        case history
        case hyperfine
    }

    public let path: String
    public let kind: Kind
    private var csv: CSVFile?
    private var history: ForeignHistory?
    private var scan: HyperfineScan?

    private static let sqliteHeader = Array("SQLite format 3\0".utf8)

    /// Opens `path`. For a CSV, `neutralised` says whether export wrote it
    /// neutralised (true) or with `--raw` (false); nil reads the byte order
    /// mark, and refuses text that looks neutralised in a file without one.
    /// For a hyperfine scan, `scanOptions` name its worker-count parameter
    /// and items per run.
    public init(
        path: String, kind: Kind? = nil, neutralised: Bool? = nil,
        scanOptions: ScanOptions = ScanOptions()
    ) throws {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { throw PoolBenchError.importFileNotFound(path: path) }
            throw PoolBenchError.importFileUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        // Opening a FIFO waits for a writer that may never come; a device
        // may never end. Import reads files.
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw PoolBenchError.importFileUnreadable(path: path, reason: "it is a directory")
        case S_IFIFO:
            throw PoolBenchError.importFileUnreadable(path: path, reason: "it is a named pipe (FIFO), not a file; save what it carries to a file and import that")
        default:
            throw PoolBenchError.importFileUnreadable(path: path, reason: "it is a device or socket, not a file")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw PoolBenchError.importFileUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        var header = [UInt8](repeating: 0, count: Self.sqliteHeader.count)
        let count = pread(descriptor, &header, header.count, 0)
        let kind = kind ?? Self.kind(from: header.prefix(max(count, 0)))
        self.kind = kind
        switch kind {
        case .history:
            close(descriptor)
            history = try ForeignHistory(path: path)
            return
        case .hyperfine:
            defer { close(descriptor) }
            scan = try Self.readScan(descriptor: descriptor, path: path, status: status, options: scanOptions)
            return
        case .csv:
            break
        }
        do {
            csv = try Self.openCSV(descriptor: descriptor, path: path, neutralised: neutralised)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// An open CSV export, read once from its first row to its last, by one
    /// thread at a time: the import's reading thread once the merge starts.
    private final class CSVFile: @unchecked Sendable {
        let descriptor: Int32
        var reader: CSVReader
        var decoder: ExportRowDecoder

        init(descriptor: Int32, reader: CSVReader, decoder: ExportRowDecoder) {
            self.descriptor = descriptor
            self.reader = reader
            self.decoder = decoder
        }

        deinit { close(descriptor) }
    }

    /// Reads the header and, unless told, learns from the byte order mark
    /// whether export neutralised the file.
    private static func openCSV(descriptor: Int32, path: String, neutralised: Bool?) throws -> CSVFile {
        var reader = CSVReader(descriptor: descriptor, name: path)
        var header = CSVRecord()
        let columnCount: Int
        let markInsideQuotes: Bool
        do {
            guard try reader.next(into: &header) else { throw PoolBenchError.importFileEmpty(path: path) }
            // A tool that read the file without heeding its byte order mark
            // and re-saved it quoting every field keeps the mark inside the
            // first field's quotes.
            markInsideQuotes = !reader.startsWithByteOrderMark && header.removeLeadingByteOrderMark()
            columnCount = try ExportRowDecoder.checkHeader(header)
        } catch let error as CSVSyntaxError {
            throw PoolBenchError.notAnExport(path: path, reason: "line \(error.line): \(error.reason)")
        } catch let problem as DecodingProblem {
            throw PoolBenchError.notAnExport(path: path, reason: "line \(reader.recordLine): \(problem.reason)")
        }
        let form: ExportRowDecoder.TextForm = switch neutralised {
        case true?: .neutralised
        case false?: .raw
        case nil: reader.startsWithByteOrderMark || markInsideQuotes ? .neutralised : .unknown
        }
        let decoder = ExportRowDecoder(form: form, columnCount: columnCount)
        return CSVFile(descriptor: descriptor, reader: reader, decoder: decoder)
    }

    /// Merges every row into `store` in one transaction; the first bad row
    /// aborts the import and leaves the history as it was, and so does
    /// `shouldStop` answering true before the last row is read. Rows are read
    /// and checked on a thread of their own while the history's writer
    /// inserts the ones before them.
    public func merge(
        into store: any HistoryStore, stoppingWhen shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws -> ImportSummary {
        let rows: @Sendable (_ yield: (Row) throws -> Void) throws -> Void
        if let history {
            rows = { [path] yield in try Self.readRows(of: history, path: path, yield) }
        } else if let scan {
            rows = { [scan] yield in for values in scan.rows { try yield(Row(values: values, line: nil)) } }
        } else if let csv {
            rows = { [path] yield in try Self.readRows(of: csv, path: path, yield) }
        } else {
            preconditionFailure("an import source is a CSV, a history or a scan")
        }
        do {
            return try store.merge { insert in
                // Asked between two inserts: the reading thread stops with them.
                try Pipeline.run(produce: rows) { row in
                    if shouldStop() { throw PoolBenchError.importInterrupted }
                    do {
                        try insert(row.values)
                    } catch let conflict as ImportConflict {
                        throw row.problem(conflict.reason, in: path)
                    }
                }
            }
        } catch let conflict as ImportConflict {
            // Found once every row was in, so no single row is to blame.
            throw PoolBenchError.importRefused(path: path, reason: conflict.reason)
        }
    }

    /// A checked row and where it came from, for messages about it.
    private struct Row: Sendable {
        var values: ExportValues
        /// Where the record starts in a CSV file; nil for another history's row.
        var line: Int?

        func problem(_ reason: String, in path: String) -> PoolBenchError {
            if let line { return .badRow(path: path, line: line, reason: reason) }
            guard case let .text(uuid) = values.values[ExportColumn.runUuid.index] else {
                preconditionFailure("rows are checked before they are merged")
            }
            return .badRun(path: path, uuid: uuid, reason: reason)
        }
    }

    /// What a file is, by its first bytes: an SQLite header, a JSON object's
    /// brace, or else a CSV.
    private static func kind(from start: some Collection<UInt8>) -> Kind {
        if start.elementsEqual(sqliteHeader) { return .history }
        return start.first { !" \t\r\n".utf8.contains($0) } == UInt8(ascii: "{") ? .hyperfine : .csv
    }

    /// What `path` holds, told as `init` tells it when not given a kind; nil
    /// when it cannot be read (`init` then says why).
    public static func kind(of path: String) -> Kind? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: sqliteHeader.count)
        let count = pread(descriptor, &header, header.count, 0)
        return count < 0 ? nil : kind(from: header.prefix(count))
    }

    /// Options of a hyperfine scan's import.
    public struct ScanOptions: Sendable {
        /// The parameter that is the worker count; nil when the scan has one.
        public var parameter: String?
        /// Items one run processes, for throughput in items per second.
        public var items: Int?

        public init(parameter: String? = nil, items: Int? = nil) {
            self.parameter = parameter
            self.items = items
        }
    }

    /// Reads a whole scan (bounded: hyperfine writes kilobytes) and checks
    /// every result; its runs belong to this machine's host.
    private static func readScan(
        descriptor: Int32, path: String, status: stat, options: ScanOptions
    ) throws -> HyperfineScan {
        guard Int(status.st_size) <= HyperfineScan.maximumBytes else {
            throw PoolBenchError.notAScan(
                path: path, reason: "it is \(status.st_size) bytes, more than the \(HyperfineScan.maximumBytes >> 20) MiB a scan may be"
            )
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw PoolBenchError.importFileUnreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= HyperfineScan.maximumBytes else {
                throw PoolBenchError.notAScan(path: path, reason: "it is more than the \(HyperfineScan.maximumBytes >> 20) MiB a scan may be")
            }
        }
        let modified = Date(timeIntervalSince1970: Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9)
        return try HyperfineScan(
            path: path, bytes: bytes, modified: modified, host: HostProbe.current(),
            options: HyperfineScan.Options(parameter: options.parameter, items: options.items)
        )
    }

    /// Every run of another history, checked as an imported file's rows are.
    private static func readRows(of history: ForeignHistory, path: String, _ yield: (Row) throws -> Void) throws {
        var decoder = ExportRowDecoder(form: .raw)
        var record = CSVRecord()
        var buffer = OutputBuffer()
        try history.forEachRow { row in
            record.fill(from: row, using: &buffer)
            let values: ExportValues
            do {
                values = try decoder.decode(record)
            } catch let problem as DecodingProblem {
                let uuid = record.withField(ExportColumn.runUuid.index) { String(decoding: $0, as: UTF8.self) }
                throw PoolBenchError.badRun(path: path, uuid: uuid, reason: problem.reason)
            }
            try yield(Row(values: values, line: nil))
        }
    }

    /// Every row of a CSV export after its header, each checked; a problem
    /// names its line.
    private static func readRows(of csv: CSVFile, path: String, _ yield: (Row) throws -> Void) throws {
        var record = CSVRecord()
        while true {
            let values: ExportValues
            do {
                guard try csv.reader.next(into: &record) else { return }
                // Export ends every row with CRLF, so a last row without
                // one was most likely cut off, perhaps mid-number.
                if csv.reader.recordEndedWithoutLineBreak {
                    throw CSVSyntaxError(
                        line: csv.reader.recordLine,
                        reason: "the last row has no line break at its end, so the file looks truncated (export ends every row with one); if it is complete, add a line break at its end"
                    )
                }
                values = try csv.decoder.decode(record)
            } catch let error as CSVSyntaxError {
                throw PoolBenchError.badRow(path: path, line: error.line, reason: error.reason)
            } catch let problem as DecodingProblem {
                throw PoolBenchError.badRow(path: path, line: csv.reader.recordLine, reason: problem.reason)
            }
            try yield(Row(values: values, line: csv.reader.recordLine))
        }
    }
}

extension CSVRecord {
    /// A database row as export would write it, without neutralising, so a
    /// merged history goes through the same checks as an imported file.
    mutating func fill(from row: some ExportRowSource, using buffer: inout OutputBuffer) {
        buffer.removeAll()
        ends.removeAll(keepingCapacity: true)
        quoted.removeAll(keepingCapacity: true)
        for index in ExportColumn.allCases.indices {
            // Quoted as export quotes them: empty text, which is not unknown.
            let isEmptyText = row.withField(index) { field -> Bool in
                switch field {
                case .null: return false
                case let .integer(value): buffer.append(value)
                case let .real(value): buffer.append(value)
                case let .text(text):
                    buffer.append(text)
                    return text.isEmpty
                }
                return false
            }
            ends.append(buffer.bytes.count)
            quoted.append(isEmptyText)
        }
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: buffer.bytes)
    }
}

extension ImportSummary: CustomStringConvertible {
    /// `2 sweeps and 40 runs new; 1 sweep and 20 runs already present.`
    public var description: String {
        func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }
        let ended = endedSweeps == 0 ? "" : "; \(count(endedSweeps, "sweep")) stored as running updated to how it ended"
        return "\(count(newSweeps, "sweep")) and \(count(newRuns, "run")) new; "
            + "\(count(presentSweeps, "sweep")) and \(count(presentRuns, "run")) already present\(ended)."
    }
}
