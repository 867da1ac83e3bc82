/// The formats `poolbench export` writes; each maps to one formatter.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// RFC 4180 CSV with a header row.
    case csv
    /// JSON Lines: one object per run.
    case json

    /// The formatter for this format. `neutralise` only affects CSV, the
    /// format spreadsheets open.
    public func formatter(neutralise: Bool) -> any ExportRowFormatter {
        switch self {
        case .csv: CSVExportFormatter(neutralise: neutralise)
        case .json: JSONLinesExportFormatter()
        }
    }
}

/// How rows become bytes in one export format.
public protocol ExportRowFormatter {
    /// Written once, before the first row (even when no row follows).
    func writeHeader(to output: inout OutputBuffer)
    func writeRow(_ row: some ExportRowSource, to output: inout OutputBuffer)
}

/// RFC 4180 CSV: the `ExportColumn` names as a header row, then one row per
/// run. Every row ends with CRLF, as RFC 4180 asks; line breaks inside a
/// field are kept as they are, inside quotes.
///
/// - A field is quoted when it holds a comma, a quote or a line break (quotes
///   doubled), and when it starts or ends with a space or tab, which some
///   readers would otherwise trim.
/// - Numbers are plain: `-` sign, `.` decimal point, no grouping, the
///   shortest digits that read back to the same double. Unknown values are
///   empty fields; empty text is `""`, so the two stay apart on import. (A
///   tool that re-saves the file quoting every field writes both as `""`;
///   import reads them as unknown there, see `ExportRowDecoder`.)
/// - When `neutralise` is on (the default), text that a spreadsheet would run
///   as a formula gets a leading `'` (see `SpreadsheetSafety`), and the file
///   starts with a UTF-8 byte order mark. The mark lets spreadsheets read the
///   file as UTF-8 and tells `import` to take the `'` away again; a `--raw`
///   file has neither.
public struct CSVExportFormatter: ExportRowFormatter {
    public var neutralise: Bool

    public init(neutralise: Bool) {
        self.neutralise = neutralise
    }

    public func writeHeader(to output: inout OutputBuffer) {
        if neutralise { output.append(SpreadsheetSafety.byteOrderMark) }
        for (index, column) in ExportColumn.allCases.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.write(column.rawValue)
        }
        output.append("\r\n")
    }

    public func writeRow(_ row: some ExportRowSource, to output: inout OutputBuffer) {
        for index in 0..<ExportColumn.allCases.count {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            row.withField(index) { field in
                switch field {
                case .null: break
                case let .integer(value): output.append(value)
                case let .real(value): output.append(value)
                case let .text(text): writeText(text, to: &output)
                }
            }
        }
        output.append("\r\n")
    }

    func writeText(_ text: UnsafeBufferPointer<UInt8>, to output: inout OutputBuffer) {
        let prefixed = neutralise && SpreadsheetSafety.isFormulaLike(text)
        guard prefixed || !text.isEmpty else {
            output.append("\"\"")
            return
        }
        let first = prefixed ? UInt8(ascii: "'") : text.first!
        let last = text.last ?? first
        var needsQuotes = first == .space || first == .tab || last == .space || last == .tab
        if !needsQuotes {
            // A spreadsheet set to split on semicolons would start a new
            // cell after one, perhaps with a formula: quoted, it stays text.
            for byte in text
            where byte == .comma || byte == .quote || byte == .lineFeed || byte == .carriageReturn
                || (neutralise && byte == UInt8(ascii: ";")) {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else {
            if prefixed { output.append(UInt8(ascii: "'")) }
            output.append(text)
            return
        }
        output.append(.quote)
        if prefixed { output.append(UInt8(ascii: "'")) }
        var start = 0
        for (index, byte) in text.enumerated() where byte == .quote {
            output.append(UnsafeBufferPointer(rebasing: text[start...index]))
            output.append(.quote)
            start = index + 1
        }
        output.append(UnsafeBufferPointer(rebasing: text[start...]))
        output.append(.quote)
    }
}

/// JSON Lines: one object per run, keys the `ExportColumn` names in column
/// order, numbers as numbers, unknown values as `null`, times as ISO 8601
/// strings. Each line ends with LF. Non-finite numbers, which JSON cannot
/// hold, are the strings `"Infinity"` and `"-Infinity"` as in the JSON
/// reports. Nothing is neutralised: JSON is not opened by spreadsheets.
public struct JSONLinesExportFormatter: ExportRowFormatter {
    /// `{"runUuid":`, `,"startedAt":`, …: what goes before each value.
    private let keys: [[UInt8]] = ExportColumn.allCases.enumerated().map { index, column in
        Array(((index == 0 ? "{" : ",") + "\"\(column.rawValue)\":").utf8)
    }

    public init() {}

    public func writeHeader(to output: inout OutputBuffer) {}

    public func writeRow(_ row: some ExportRowSource, to output: inout OutputBuffer) {
        for index in keys.indices {
            keys[index].withUnsafeBufferPointer { output.append($0) }
            row.withField(index) { field in
                switch field {
                case .null: output.append("null")
                case let .integer(value): output.append(value)
                case let .real(value):
                    if value.isFinite {
                        output.append(value)
                    } else {
                        output.append(.quote)
                        output.append(value)
                        output.append(.quote)
                    }
                case let .text(text): writeString(text, to: &output)
                }
            }
        }
        output.append("}\n")
    }

    /// A JSON string: quotes, backslashes and control characters escaped
    /// (RFC 8259 §7); everything else, non-ASCII text included, as UTF-8.
    func writeString(_ text: UnsafeBufferPointer<UInt8>, to output: inout OutputBuffer) {
        output.append(.quote)
        var start = 0
        for (index, byte) in text.enumerated() where byte < 0x20 || byte == .quote || byte == .backslash {
            output.append(UnsafeBufferPointer(rebasing: text[start..<index]))
            switch byte {
            case .quote: output.append("\\\"")
            case .backslash: output.append("\\\\")
            case .lineFeed: output.append("\\n")
            case .carriageReturn: output.append("\\r")
            case .tab: output.append("\\t")
            default:
                output.append("\\u00")
                output.append(Self.hexDigits[Int(byte >> 4)])
                output.append(Self.hexDigits[Int(byte & 0xF)])
            }
            start = index + 1
        }
        output.append(UnsafeBufferPointer(rebasing: text[start...]))
        output.append(.quote)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

extension UInt8 {
    static let tab = UInt8(ascii: "\t")
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let comma = UInt8(ascii: ",")
    static let apostrophe = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
}
