/// Keeps a CSV export from running formulas when a spreadsheet opens it
/// (OWASP "CSV Injection"): text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'`, which spreadsheets show as text.
///
/// Text that already starts with apostrophes followed by one of those
/// characters (`'=x`) gets one more, so import can undo the rule exactly:
/// in a neutralised file, text matching `'+[=+-@\t\r]` loses one `'`, and
/// nothing else changes. Numbers are written as numbers and never touched,
/// so `-1.5` stays a number. A neutralised file is told apart from a `--raw`
/// one by the byte order mark it starts with.
enum SpreadsheetSafety {
    /// UTF-8's byte order mark; a neutralised CSV starts with it.
    static let byteOrderMark: StaticString = "\u{FEFF}"
    static let byteOrderMarkBytes: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Whether `text` matches `'*[=+-@\t\r]`, so export prefixes it.
    @inline(__always)
    static func isFormulaLike(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = text.first else { return false }
        if isTrigger(first) { return true }
        guard first == .apostrophe else { return false }
        for byte in text where byte != .apostrophe { return isTrigger(byte) }
        return false
    }

    /// Whether `text` matches `'+[=+-@\t\r]`: what a neutralised export
    /// wrote for formula-like text, so import drops its first byte.
    static func wasNeutralised(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.first == .apostrophe && isFormulaLike(UnsafeBufferPointer(rebasing: text.dropFirst()))
    }

    /// The same rule on a `String`, for tests and documentation.
    static func neutralised(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { isFormulaLike($0) } ? "'" + text : text
    }

    @inline(__always)
    private static func isTrigger(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), .tab, .carriageReturn: true
        default: false
        }
    }
}
