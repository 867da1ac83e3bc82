import Foundation

/// PostgreSQL's binary `COPY` format, the bulk path in both directions:
/// numbers cross as their 8 bytes and text as its bytes, so nothing is
/// printed, parsed or escaped on the way, and a double read back is the
/// double written.
///
/// The format (PostgreSQL's documentation, "COPY", "Binary Format"): an
/// 11-byte signature `PGCOPY\n\377\r\n\0`, a 32-bit flags field and a
/// 32-bit header-extension length; then each tuple as a 16-bit field count
/// and, per field, a 32-bit length (−1 for NULL) and that many bytes; then
/// a 16-bit −1. Every integer is big-endian.
enum PostgreSQLBinaryCopy {
    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
    /// Signature, flags and extension length.
    static let headerLength = signature.count + 8

    /// What a column holds on the wire: `bigint`, `double precision` or text.
    enum FieldType: Sendable {
        case integer, real, text
    }

    /// The wire type of an export column, as the PostgreSQL schema stores it.
    static func type(of column: ExportColumn) -> FieldType {
        switch column.kind {
        case .integer, .optionalInteger: .integer
        case .real, .optionalReal: .real
        default: .text
        }
    }

    static let exportTypes: [FieldType] = ExportColumn.allCases.map(type(of:))
}

// MARK: - Writing

/// Tuples in binary `COPY` form, built in a buffer that is sent whenever it
/// fills.
struct PostgreSQLCopyWriter {
    private(set) var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(1 << 17)
        bytes += PostgreSQLBinaryCopy.signature
        append(UInt32(0))
        append(UInt32(0))
    }

    var isFull: Bool { bytes.count >= 1 << 16 }

    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    mutating func beginTuple(fields: Int) { append(UInt16(fields)) }

    mutating func appendNull() { append(UInt32(bitPattern: -1)) }

    mutating func append(integer value: Int64) {
        append(UInt32(8))
        append(UInt64(bitPattern: value))
    }

    mutating func append(real value: Double) {
        append(UInt32(8))
        append(value.bitPattern)
    }

    mutating func append(text value: String) {
        var text = value
        text.withUTF8 { utf8 in
            append(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// `value` as a field of wire type `type`; a whole number in a real
    /// column is sent as the real it stands for.
    mutating func append(_ value: ExportValues.Value, as type: PostgreSQLBinaryCopy.FieldType) {
        switch (value, type) {
        case (.null, _): appendNull()
        case let (.integer(number), .real): append(real: Double(number))
        case let (.integer(number), _): append(integer: number)
        case let (.real(number), _): append(real: number)
        case let (.text(text), _): append(text: text)
        }
    }

    mutating func appendTrailer() { append(UInt16(0xFFFF)) }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}

// MARK: - Reading

/// Splits the bytes of a binary `COPY … TO STDOUT` into tuples, whatever
/// pieces libpq hands them over in, and hands each to a visitor as an
/// export row read in place.
struct PostgreSQLCopyReader {
    private var pending: [UInt8] = []
    private var sawHeader = false
    private(set) var finished = false
    private var offsets: [Int]
    private var lengths: [Int32]
    private let types: [PostgreSQLBinaryCopy.FieldType]

    init(types: [PostgreSQLBinaryCopy.FieldType]) {
        self.types = types
        offsets = Array(repeating: 0, count: types.count)
        lengths = Array(repeating: -1, count: types.count)
    }

    /// Feeds the next piece; calls `row` for every tuple it completes.
    mutating func consume(
        _ piece: UnsafeRawBufferPointer, _ row: (PostgreSQLExportRow) throws -> Void
    ) throws {
        if pending.isEmpty {
            let used = try parse(piece, row)
            if used < piece.count { pending.append(contentsOf: piece[used...]) }
        } else {
            pending.append(contentsOf: piece)
            let buffer = pending
            let used = try buffer.withUnsafeBytes { try parse($0, row) }
            pending.removeFirst(used)
        }
    }

    /// Throws unless the stream ended with its trailer.
    func checkComplete() throws {
        guard finished, pending.isEmpty else { throw PostgreSQLCopyError.truncated }
    }

    /// Parses every whole tuple in `bytes`, returning how many bytes it used.
    private mutating func parse(_ bytes: UnsafeRawBufferPointer, _ row: (PostgreSQLExportRow) throws -> Void) throws -> Int {
        var position = 0
        if !sawHeader {
            guard bytes.count >= PostgreSQLBinaryCopy.headerLength else { return 0 }
            guard bytes.prefix(PostgreSQLBinaryCopy.signature.count).elementsEqual(PostgreSQLBinaryCopy.signature) else {
                throw PostgreSQLCopyError.notBinaryCopy
            }
            let extensionLength = Int(Self.int32(bytes, PostgreSQLBinaryCopy.signature.count + 4))
            guard bytes.count >= PostgreSQLBinaryCopy.headerLength + extensionLength else { return 0 }
            position = PostgreSQLBinaryCopy.headerLength + extensionLength
            sawHeader = true
        }
        while position + 2 <= bytes.count {
            let fields = Int(Int16(bitPattern: UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self))))
            if fields == -1 {
                finished = true
                return position + 2
            }
            guard fields == types.count else { throw PostgreSQLCopyError.unexpectedFieldCount(fields) }
            var cursor = position + 2
            var complete = true
            for index in 0..<fields {
                guard cursor + 4 <= bytes.count else { complete = false; break }
                let length = Self.int32(bytes, cursor)
                cursor += 4
                offsets[index] = cursor
                lengths[index] = length
                if length > 0 { cursor += Int(length) }
                if cursor > bytes.count { complete = false; break }
            }
            guard complete else { break }
            try row(PostgreSQLExportRow(base: bytes.baseAddress!, offsets: offsets, lengths: lengths, types: types))
            position = cursor
        }
        return position
    }

    private static func int32(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Int32 {
        Int32(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }
}

enum PostgreSQLCopyError: Error, CustomStringConvertible {
    case notBinaryCopy
    case unexpectedFieldCount(Int)
    case truncated

    var description: String {
        switch self {
        case .notBinaryCopy: "the server's copy did not start with PostgreSQL's binary signature"
        case let .unexpectedFieldCount(count): "the server's copy had a row of \(count) fields"
        case .truncated: "the server's copy ended mid-row"
        }
    }
}

/// One tuple of a binary copy of the export query, read in place.
public struct PostgreSQLExportRow: ExportRowSource {
    let base: UnsafeRawPointer
    let offsets: [Int]
    let lengths: [Int32]
    let types: [PostgreSQLBinaryCopy.FieldType]

    @inline(__always)
    public func withField<R>(_ index: Int, _ body: (ExportField) throws -> R) rethrows -> R {
        let length = lengths[index]
        if length < 0 { return try body(.null) }
        let start = base + offsets[index]
        switch types[index] {
        case .integer:
            return try body(.integer(Int64(bigEndian: start.loadUnaligned(as: Int64.self))))
        case .real:
            return try body(.real(Double(bitPattern: UInt64(bigEndian: start.loadUnaligned(as: UInt64.self)))))
        case .text:
            let text = UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: Int(length))
            return try body(.text(text))
        }
    }
}
