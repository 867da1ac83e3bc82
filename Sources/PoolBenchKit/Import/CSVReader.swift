import Foundation

/// One CSV record: its fields' bytes one after another, where each field
/// ends, and whether it was quoted (which is how export tells an empty text,
/// `""`, from an unknown value, an empty field).
struct CSVRecord: Equatable, Sendable {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    var quoted: [Bool] = []

    init() {}

    var count: Int { ends.count }

    /// The bytes of field `index`.
    func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = index == 0 ? 0 : ends[index - 1]
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<ends[index]])) }
    }

    /// The fields as text, for messages and tests.
    var fields: [String] {
        (0..<count).map { index in withField(index) { String(decoding: $0, as: UTF8.self) } }
    }

    /// Fields `range` as a record of their own.
    func fields(_ range: Range<Int>) -> CSVRecord {
        let offset = range.lowerBound == 0 ? 0 : ends[range.lowerBound - 1]
        let end = range.isEmpty ? offset : ends[range.upperBound - 1]
        var part = CSVRecord()
        part.bytes = Array(bytes[offset..<end])
        part.ends = ends[range].map { $0 - offset }
        part.quoted = Array(quoted[range])
        return part
    }

    /// Whether fields `range` are the fields of `part`, byte for byte.
    func hasFields(_ range: Range<Int>, equalTo part: CSVRecord) -> Bool {
        guard range.upperBound <= count, range.count == part.count else { return false }
        let offset = range.lowerBound == 0 ? 0 : ends[range.lowerBound - 1]
        let end = range.isEmpty ? offset : ends[range.upperBound - 1]
        guard end - offset == part.bytes.count else { return false }
        for index in 0..<part.count
        where ends[range.lowerBound + index] - offset != part.ends[index] || quoted[range.lowerBound + index] != part.quoted[index] {
            return false
        }
        return bytes.withUnsafeBufferPointer { mine in
            part.bytes.withUnsafeBufferPointer { theirs in
                theirs.isEmpty || memcmp(mine.baseAddress! + offset, theirs.baseAddress!, theirs.count) == 0
            }
        }
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        quoted.removeAll(keepingCapacity: true)
    }

    /// Takes a UTF-8 byte order mark off the start of the first field;
    /// whether there was one.
    mutating func removeLeadingByteOrderMark() -> Bool {
        let mark = SpreadsheetSafety.byteOrderMarkBytes
        guard let first = ends.first, first >= mark.count, Array(bytes[0..<mark.count]) == mark else { return false }
        bytes.removeFirst(mark.count)
        ends = ends.map { $0 - mark.count }
        return true
    }

    mutating func endField(quoted wasQuoted: Bool) {
        ends.append(bytes.count)
        quoted.append(wasQuoted)
    }
}

/// A problem in the CSV text itself, at a line of the file.
struct CSVSyntaxError: Error, Equatable {
    var line: Int
    var reason: String
}

/// Reads RFC 4180 records from a file descriptor 64 KiB at a time, so a file
/// of any size is read with one chunk and one record in memory. Records end
/// with CRLF or LF; quoted fields may hold commas, doubled quotes and line
/// breaks. Empty lines are skipped. Anything else that is not RFC 4180 — a
/// quote inside an unquoted field, text after a closing quote, a stray
/// carriage return, a quote never closed — is an error naming its line.
struct CSVReader {
    /// A record longer than this is not a poolbench export; stop before
    /// reading a whole binary file into memory looking for its end.
    static let maximumRecordBytes = 16 << 20
    /// Nor is a record of more fields than this (an export has 41). Each
    /// field costs about 9 bytes of bookkeeping however short, so without
    /// this bound a 50 MB line of commas took 1.28 GB; with it, a record
    /// holds at most `maximumRecordBytes` and this many fields.
    static let maximumFields = 1024

    private let descriptor: Int32
    private let name: String
    private var chunk: [UInt8]
    private var position = 0
    private var available = 0
    private var atEndOfInput = false
    /// The line the next byte is on, from 1.
    private var line = 1
    /// The line the last record returned by `next` starts on.
    private(set) var recordLine = 0
    /// Whether the input started with a UTF-8 byte order mark (skipped).
    private(set) var startsWithByteOrderMark = false
    /// Whether the last record returned ended at the end of the input with
    /// no line break: RFC 4180 allows it, but it is also how a file cut off
    /// in its last field looks.
    private(set) var recordEndedWithoutLineBreak = false
    private var started = false

    private enum State {
        case fieldStart, unquoted, quoted, afterClosingQuote
    }

    init(descriptor: Int32, name: String, chunkSize: Int = 64 * 1024) {
        self.descriptor = descriptor
        self.name = name
        self.chunk = [UInt8](repeating: 0, count: chunkSize)
    }

    /// Reads the next record into `record`; false at the end of the input.
    mutating func next(into record: inout CSVRecord) throws -> Bool {
        record.removeAll()
        var state = State.fieldStart
        var quoteLine = 0
        var pendingCarriageReturn = false
        recordLine = line

        while true {
            if position == available {
                try refill()
                if available == 0 {
                    if pendingCarriageReturn { throw strayCarriageReturn() }
                    switch state {
                    case .quoted:
                        throw CSVSyntaxError(
                            line: quoteLine,
                            reason: "a quoted field starting on this line is never closed; the file looks truncated"
                        )
                    case .fieldStart where record.count == 0:
                        return false
                    case .fieldStart, .unquoted: try Self.endField(of: &record, quoted: false, line: recordLine)
                    case .afterClosingQuote: try Self.endField(of: &record, quoted: true, line: recordLine)
                    }
                    recordEndedWithoutLineBreak = true
                    return true
                }
            }
            let endOfRecord = try chunk.withUnsafeBufferPointer { buffer -> Bool in
                while position < available {
                    let byte = buffer[position]
                    position += 1
                    if pendingCarriageReturn {
                        guard byte == .lineFeed else { throw strayCarriageReturn() }
                        pendingCarriageReturn = false
                    }
                    switch state {
                    case .quoted:
                        // Copy the run up to the next quote in one go.
                        var end = position - 1
                        while end < available, buffer[end] != .quote {
                            if buffer[end] == .lineFeed { line += 1 }
                            end += 1
                        }
                        record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[(position - 1)..<end]))
                        if end < available { state = .afterClosingQuote }
                        position = min(end + 1, available)
                    case .afterClosingQuote:
                        switch byte {
                        case .quote:
                            record.bytes.append(.quote)
                            state = .quoted
                        case .comma:
                            try Self.endField(of: &record, quoted: true, line: recordLine)
                            state = .fieldStart
                        case .lineFeed:
                            try Self.endField(of: &record, quoted: true, line: recordLine)
                            line += 1
                            return true
                        case .carriageReturn:
                            pendingCarriageReturn = true
                        default:
                            throw CSVSyntaxError(
                                line: line, reason: "text after a closing quote; a quote inside a quoted field must be doubled"
                            )
                        }
                    case .fieldStart, .unquoted:
                        switch byte {
                        case .quote:
                            guard state == .fieldStart else {
                                throw CSVSyntaxError(
                                    line: line,
                                    reason: "a quote inside an unquoted field; quote the whole field and double the quote"
                                )
                            }
                            state = .quoted
                            quoteLine = line
                        case .comma:
                            try Self.endField(of: &record, quoted: false, line: recordLine)
                            state = .fieldStart
                        case .lineFeed:
                            line += 1
                            if state == .fieldStart && record.count == 0 {
                                recordLine = line  // an empty line: skip it
                                continue
                            }
                            try Self.endField(of: &record, quoted: false, line: recordLine)
                            return true
                        case .carriageReturn:
                            pendingCarriageReturn = true
                        default:
                            // Copy the run up to the next special byte in one go.
                            var end = position
                            while end < available {
                                let next = buffer[end]
                                if next == .comma || next == .lineFeed || next == .quote || next == .carriageReturn { break }
                                end += 1
                            }
                            record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[(position - 1)..<end]))
                            position = end
                            state = .unquoted
                        }
                    }
                    if record.bytes.count > Self.maximumRecordBytes {
                        throw CSVSyntaxError(line: recordLine, reason: "a row longer than 16 MiB")
                    }
                }
                return false
            }
            if endOfRecord { return true }
        }
    }

    /// Ends a field of the record starting on `line`, refusing one field too many.
    private static func endField(of record: inout CSVRecord, quoted: Bool, line: Int) throws {
        guard record.count < maximumFields else {
            throw CSVSyntaxError(
                line: line,
                reason: "a row of more than \(maximumFields) fields, where an export has \(ExportColumn.allCases.count)"
            )
        }
        record.endField(quoted: quoted)
    }

    private func strayCarriageReturn() -> CSVSyntaxError {
        CSVSyntaxError(line: line, reason: "a carriage return outside quotes that does not end the line")
    }

    private mutating func refill() throws {
        position = 0
        available = 0
        guard !atEndOfInput else { return }
        let count = try chunk.withUnsafeMutableBytes { buffer -> Int in
            while true {
                let count = read(descriptor, buffer.baseAddress!, buffer.count)
                if count >= 0 { return count }
                if errno != EINTR {
                    throw PoolBenchError.importFileUnreadable(path: name, reason: String(cString: strerror(errno)))
                }
            }
        }
        if count == 0 { atEndOfInput = true }
        available = count
        if !started {
            started = true
            if count >= 3, Array(chunk[0..<3]) == SpreadsheetSafety.byteOrderMarkBytes {
                startsWithByteOrderMark = true
                position = 3
            }
        }
    }
}
