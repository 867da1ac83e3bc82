import Foundation

/// Turns a record of an export back into typed values, checking each field
/// against its column's `ExportColumn.Kind`. A problem is a sentence naming
/// the column and the value: "column throughput: 'abc' is not a number".
struct ExportRowDecoder {
    /// How a file's text was written, which decides what a leading `'`
    /// before a formula character means.
    enum TextForm {
        /// By a neutralising export: that `'` was added, and comes off.
        case neutralised
        /// As stored (`export --raw`, or another history): it is the text's own.
        case raw
        /// Nobody knows: a CSV without the byte order mark a neutralised
        /// export starts with. `'=x` may be a neutralised `=x` whose mark was
        /// lost, so such text is refused rather than guessed at.
        case unknown
    }

    var form: TextForm
    /// How many columns each record has: all of them, or fewer in a file
    /// from before the later columns existed, which are then unknown.
    var columnCount: Int

    init(form: TextForm, columnCount: Int = ExportColumn.allCases.count) {
        self.form = form
        self.columnCount = columnCount
    }

    private static let columns = ExportColumn.allCases
    private static let executors = ExecutorKind.allCases.map(\.rawValue)
    private static let statuses = SweepStatus.allCases.map(\.rawValue)

    /// Checks that `record` is the header `export` writes, or the shorter
    /// one an earlier poolbench wrote, and returns how many columns it has.
    static func checkHeader(_ record: CSVRecord) throws -> Int {
        let found = record.fields
        for (index, expected) in ExportColumn.header.enumerated() {
            guard index < found.count else {
                if index >= ExportColumn.firstExportCount { return found.count }
                throw DecodingProblem("the header has \(found.count) columns, expected \(columns.count): it ends before '\(expected)'")
            }
            guard found[index] == expected else {
                throw DecodingProblem("column \(index + 1) of the header is '\(Self.shown(found[index]))', expected '\(expected)'")
            }
        }
        guard found.count == columns.count else {
            throw DecodingProblem("the header has \(found.count) columns, expected \(columns.count): '\(Self.shown(found[columns.count]))' is unknown")
        }
        return found.count
    }

    /// The sweep's and host's columns repeat for every run of a sweep; when
    /// their bytes match the previous row's, its checked values are reused
    /// instead of decoded again.
    private static let repeatedColumns = ExportColumn.sweepUuid.index..<ExportColumn.firstExportCount
    private var repeated: (record: CSVRecord, values: ArraySlice<ExportValues.Value>)?

    mutating func decode(_ record: CSVRecord) throws -> ExportValues {
        guard record.count == columnCount else {
            throw DecodingProblem(
                "\(record.count) \(record.count == 1 ? "field" : "fields"), but the header has \(columnCount); a field holding a comma must be quoted"
            )
        }
        var values: [ExportValues.Value] = []
        values.reserveCapacity(Self.columns.count)
        // Export never quotes a UUID. A tool that re-saved the file quoting
        // every field (Python's `csv` with QUOTE_ALL) did, and wrote each
        // unknown value as `""` too, the way export writes empty text.
        let quotesEverything = record.quoted[ExportColumn.runUuid.index]
        let reuse = repeated.map { record.hasFields(Self.repeatedColumns, equalTo: $0.record) } ?? false
        // Fields are read by static functions: a method of self, called
        // from the closure below, copied the whole decoder once per field.
        let form = form
        for (index, column) in Self.columns.enumerated() {
            if reuse && Self.repeatedColumns.contains(index) {
                if index == Self.repeatedColumns.lowerBound { values.append(contentsOf: repeated!.values) }
                continue
            }
            guard index < columnCount else {
                values.append(.null)
                continue
            }
            let value = try record.withField(index) { bytes throws -> ExportValues.Value in
                do {
                    let emptyIsUnknown = bytes.isEmpty && (quotesEverything || !record.quoted[index])
                    return try Self.decode(bytes, form: form, emptyIsUnknown: emptyIsUnknown, as: column.kind)
                } catch let problem as DecodingProblem {
                    throw DecodingProblem("column \(column.rawValue): \(problem.reason)")
                }
            }
            values.append(value)
        }
        if !reuse {
            try Self.checkSweep(values)
            repeated = (record.fields(Self.repeatedColumns), values[Self.repeatedColumns])
        }
        try Self.checkRun(values)
        return ExportValues(values)
    }

    /// What no single field shows: a run with more failed tasks than tasks.
    private static func checkRun(_ values: [ExportValues.Value]) throws {
        if case let .integer(errors) = values[ExportColumn.errorCount.index],
           case let .integer(tasks) = values[ExportColumn.tasks.index], errors > tasks {
            throw DecodingProblem("column errorCount: \(errors) failed tasks, but the run has only \(tasks) tasks")
        }
    }

    /// A sweep that finished before it started.
    private static func checkSweep(_ values: [ExportValues.Value]) throws {
        if case let .text(finished) = values[ExportColumn.sweepFinishedAt.index],
           case let .text(started) = values[ExportColumn.sweepStartedAt.index], finished < started {
            throw DecodingProblem("column sweepFinishedAt: '\(finished)' is before the sweep started ('\(started)')")
        }
    }

    /// `emptyIsUnknown`: the field is empty and written as export writes an
    /// unknown value, which a column that may be unknown reads as unknown.
    private static func decode(
        _ field: UnsafeBufferPointer<UInt8>, form: TextForm, emptyIsUnknown: Bool, as kind: ExportColumn.Kind
    ) throws -> ExportValues.Value {
        switch kind {
        case .text:
            return .text(try text(field, form: form))
        case .optionalText:
            return emptyIsUnknown ? .null : .text(try text(field, form: form))
        case .optionalName:
            return field.isEmpty ? .null : .text(try text(field, form: form))
        case .name:
            let value = try text(field, form: form)
            guard !value.isEmpty else { throw DecodingProblem("is empty, but every run has one") }
            return .text(value)
        case .uuid:
            return .text(try Self.uuid(field))
        case .time:
            return .text(try time(field, form: form))
        case .optionalTime:
            return emptyIsUnknown ? .null : .text(try time(field, form: form))
        case let .integer(minimum, maximum):
            let value = try integer(field)
            guard value >= minimum else { throw DecodingProblem("\(value) is less than \(minimum)") }
            guard value <= maximum else { throw DecodingProblem("\(value) is more than \(maximum)") }
            return .integer(value)
        case .optionalInteger:
            guard !field.isEmpty else { return .null }
            let value = try integer(field)
            guard value >= 0 else { throw DecodingProblem("\(value) is less than 0") }
            return .integer(value)
        case let .real(minimum):
            return .real(try real(field, minimum: minimum))
        case .optionalReal:
            return field.isEmpty ? .null : .real(try real(field, minimum: 0))
        case .executor:
            let value = try text(field, form: form)
            guard Self.executors.contains(value) else {
                throw DecodingProblem("'\(Self.shown(value))' is not an executor (\(Self.executors.joined(separator: ", ")))")
            }
            return .text(value)
        case .failureCounts:
            guard !field.isEmpty else { return .null }
            let value = try text(field, form: form)
            guard let counts = FailureCounts(json: value) else {
                throw DecodingProblem("'\(Self.shown(value))' is not an object of failure kinds to counts, e.g. {\"http 429\":3}")
            }
            return counts.json.map(ExportValues.Value.text) ?? .null
        case .workloadSpec:
            guard !field.isEmpty else { return .null }
            let value = try text(field, form: form)
            guard let spec = WorkloadSpec(storedJSON: value) else {
                throw DecodingProblem("'\(Self.shown(value))' is not a workload spec as export writes it, e.g. {\"cpu\":{\"size\":1000}}")
            }
            return spec.storedJSON.map(ExportValues.Value.text) ?? .null
        case .status:
            let value = try text(field, form: form)
            guard Self.statuses.contains(value) else {
                throw DecodingProblem("'\(Self.shown(value))' is not a sweep status (\(Self.statuses.joined(separator: ", ")))")
            }
            return .text(value)
        }
    }

    private static func text(_ field: UnsafeBufferPointer<UInt8>, form: TextForm) throws -> String {
        let looksNeutralised = SpreadsheetSafety.wasNeutralised(field)
        if looksNeutralised && form == .unknown {
            throw DecodingProblem(
                "'\(Self.shown(field))' starts with ' before a formula character, as a neutralised export writes it, "
                    + "but the file has no byte order mark to say it was neutralised. Pass --neutralised yes if it "
                    + "came from `poolbench export` without --raw, or --neutralised no to keep the text as written"
            )
        }
        let bytes = looksNeutralised && form == .neutralised ? UnsafeBufferPointer(rebasing: field.dropFirst()) : field
        var isASCII = true
        for byte in bytes {
            // The history would keep only the text before it.
            if byte == 0 { throw DecodingProblem("the text holds a NUL byte, which a history cannot store; remove it from the file") }
            if byte >= 0x80 { isASCII = false }
        }
        // Nearly all text is ASCII, which needs no validating.
        if isASCII { return String(decoding: bytes, as: UTF8.self) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DecodingProblem("the text is not valid UTF-8")
        }
        return text
    }

    /// A whole number: an optional `-` and decimal digits that fit in 64 bits.
    private static func integer(_ field: UnsafeBufferPointer<UInt8>) throws -> Int64 {
        let negative = field.first == UInt8(ascii: "-")
        let digits = negative ? UnsafeBufferPointer(rebasing: field.dropFirst()) : field
        var value: Int64 = 0
        var overflow = digits.isEmpty
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw DecodingProblem("'\(Self.shown(field))' is not a whole number")
            }
            let digit = Int64(byte - UInt8(ascii: "0"))
            var carry = false
            (value, carry) = value.multipliedReportingOverflow(by: 10)
            overflow = overflow || carry
            (value, carry) = negative ? value.subtractingReportingOverflow(digit) : value.addingReportingOverflow(digit)
            overflow = overflow || carry
        }
        guard !overflow else { throw DecodingProblem("'\(Self.shown(field))' is not a whole number") }
        return value
    }

    /// A number as export writes it: decimal digits with an optional `-`,
    /// `.` fraction and exponent (`12`, `0.25`, `1e-05`), finite and at
    /// least `minimum`. Not `Infinity`, `nan` or a hex float (`0x1p3`),
    /// which `Double.init` would take: no run measures those.
    private static func real(_ field: UnsafeBufferPointer<UInt8>, minimum: Double) throws -> Double {
        let parsed = Double(String(decoding: field, as: UTF8.self))
        guard let value = parsed, !value.isNaN else { throw DecodingProblem("'\(Self.shown(field))' is not a number") }
        guard Self.isDecimal(field) || !value.isFinite else {
            throw DecodingProblem("'\(Self.shown(field))' is not a decimal number like 12.5 or 1e-05")
        }
        guard value.isFinite, value >= minimum else {
            throw DecodingProblem("'\(Self.shown(field))' is not a finite number ≥ \(Self.shown(minimum))")
        }
        return value
    }

    private static func shown(_ number: Double) -> String {
        number == number.rounded() ? String(Int64(number)) : String(number)
    }

    /// `-?D+(.D+)?([eE][+-]?D+)?` with D a decimal digit.
    static func isDecimal(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func digits() -> Bool {
            let start = index
            while index < field.count, field[index] >= UInt8(ascii: "0"), field[index] <= UInt8(ascii: "9") { index += 1 }
            return index > start
        }
        func skip(_ bytes: String) -> Bool {
            guard index < field.count, bytes.utf8.contains(field[index]) else { return false }
            index += 1
            return true
        }
        _ = skip("-")
        guard digits() else { return false }
        if skip("."), !digits() { return false }
        if skip("eE") {
            _ = skip("+-")
            guard digits() else { return false }
        }
        return index == field.count
    }

    /// A UUID as `UUID(uuidString:)` reads one (hex digits in groups of
    /// 8-4-4-4-12, either case), in the lower case poolbench writes, so that
    /// one run spelt in upper case by another tool is still one run.
    /// Checked byte by byte: this runs for every imported row.
    static func uuid(_ field: UnsafeBufferPointer<UInt8>) throws -> String {
        guard !field.isEmpty else { throw DecodingProblem("is empty, but every run and sweep has a UUID") }
        var valid = field.count == 36
        let canonical = String(unsafeUninitializedCapacity: valid ? 36 : 0) { buffer in
            guard valid else { return 0 }
            for (index, byte) in field.enumerated() {
                switch (index, byte) {
                case (8, UInt8(ascii: "-")), (13, UInt8(ascii: "-")), (18, UInt8(ascii: "-")), (23, UInt8(ascii: "-")):
                    buffer[index] = byte
                case (8, _), (13, _), (18, _), (23, _):
                    valid = false
                case (_, UInt8(ascii: "0")...UInt8(ascii: "9")), (_, UInt8(ascii: "a")...UInt8(ascii: "f")):
                    buffer[index] = byte
                case (_, UInt8(ascii: "A")...UInt8(ascii: "F")):
                    buffer[index] = byte + 0x20
                default:
                    valid = false
                }
                if !valid { return 0 }
            }
            return 36
        }
        guard valid else {
            throw DecodingProblem("'\(shown(field))' is not a UUID like 0b3d9c4e-8f2a-4c1d-9e7b-5a6f3d2c1b0a")
        }
        return canonical
    }

    /// A time in the history's format, stored as it is; the shorter forms
    /// `Timestamp.parse` accepts (`2026-11-21`, `2026-11-21 08:00`) are
    /// rewritten in the full format so times keep sorting as text.
    private static func time(_ field: UnsafeBufferPointer<UInt8>, form: TextForm) throws -> String {
        let value = try text(field, form: form)
        let canonical: String
        if Self.isCanonicalTime(field) {
            canonical = value
        } else if let date = Timestamp.parse(value) {
            canonical = Timestamp.format(date)
        } else {
            throw DecodingProblem("'\(Self.shown(value))' is not a UTC time like 2026-11-21T23:29:21.123Z")
        }
        // Canonical times start with the year, and sort as text.
        guard canonical >= Self.earliestTime else {
            throw DecodingProblem("'\(Self.shown(value))' is before 1970, earlier than any run can have been measured")
        }
        return canonical
    }

    private static let earliestTime = "1970-01-01T00:00:00.000Z"

    /// Whether `field` is `YYYY-MM-DDTHH:MM:SS.mmmZ` naming a real instant.
    /// Checked byte by byte: this runs twice per imported row.
    static func isCanonicalTime(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard field.count == 24 else { return false }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for index in start..<start + count {
                let byte = field[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        for (index, separator) in timeSeparators where field[index] != separator { return false }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2), number(20, 3) != nil,
              (1...12).contains(month), hour < 24, minute < 60, second < 60
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    private static let timeSeparators: [(Int, UInt8)] = [
        (4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")), (10, UInt8(ascii: "T")), (13, UInt8(ascii: ":")),
        (16, UInt8(ascii: ":")), (19, UInt8(ascii: ".")), (23, UInt8(ascii: "Z")),
    ]

    /// A value as messages show it: at most 40 characters, line breaks and
    /// other control characters escaped so that a binary file cannot drive
    /// the terminal.
    static func shown(_ value: String) -> String {
        var flat = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\r": flat += "\\r"
            case "\n": flat += "\\n"
            case "\t": flat += "\\t"
            case _ where scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value):
                flat += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: flat.unicodeScalars.append(scalar)
            }
        }
        return flat.count > 40 ? String(flat.prefix(40)) + "…" : flat
    }

    static func shown(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        shown(String(decoding: bytes, as: UTF8.self))
    }
}

/// Why a field or header cannot be imported, without its location; the
/// caller adds the line.
struct DecodingProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
