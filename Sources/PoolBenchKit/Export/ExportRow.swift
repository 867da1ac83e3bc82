/// One value of an exported row as a formatter sees it. Text is borrowed
/// bytes, valid only inside the call that hands it over, so a million rows
/// stream through without a `String` being made for each field.
public enum ExportField {
    case null
    case integer(Int64)
    case real(Double)
    /// UTF-8 bytes.
    case text(UnsafeBufferPointer<UInt8>)
}

/// A row of `ExportColumn.allCases.count` values, wherever it lives: a
/// database statement stepping through the history, or values in memory.
public protocol ExportRowSource {
    /// Hands `body` the value of column `index` (an `ExportColumn` position).
    func withField<R>(_ index: Int, _ body: (ExportField) throws -> R) rethrows -> R
}

/// A row held in memory, for tests and for rows built by hand.
public struct ExportValues: ExportRowSource, Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
    }

    public var values: [Value]

    public init(_ values: [Value]) {
        self.values = values
    }

    public func withField<R>(_ index: Int, _ body: (ExportField) throws -> R) rethrows -> R {
        switch values[index] {
        case .null: return try body(.null)
        case let .integer(value): return try body(.integer(value))
        case let .real(value): return try body(.real(value))
        case let .text(value):
            var text = value
            return try text.withUTF8 { try body(.text($0)) }
        }
    }
}
