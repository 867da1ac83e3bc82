import Foundation

/// Bytes on their way to a file descriptor, handed to `write(2)` in chunks of
/// `chunkSize`, so an export of any size holds at most one chunk in memory.
public struct OutputBuffer: TextOutputStream {
    public static let chunkSize = 64 * 1024

    private(set) var bytes: [UInt8] = []
    private let descriptor: Int32
    /// Names the destination in error messages.
    private let name: String
    /// The name errors give standard output, which has no file to leave untouched.
    static let standardOutputName = "standard output"

    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
        bytes.reserveCapacity(Self.chunkSize + 4096)
    }

    /// A buffer that never writes anywhere, for tests that read `bytes`.
    init() {
        self.init(descriptor: -1, name: "memory")
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    @inline(__always)
    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Whole numbers in decimal, without going through `String`.
    mutating func append(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// A double in its shortest form that reads back to the same value
    /// (`0.1`, `100.0`, `1e-05`); never localised. Non-finite values, which
    /// no spreadsheet or JSON parser reads as numbers, are `Infinity`,
    /// `-Infinity` and `NaN`, as the JSON reports write them.
    mutating func append(_ value: Double) {
        if value.isFinite {
            value.write(to: &self)
        } else if value.isNaN {
            append("NaN")
        } else {
            append(value < 0 ? "-Infinity" : "Infinity")
        }
    }

    public mutating func write(_ string: String) {
        bytes.append(contentsOf: string.utf8)
    }

    /// The standard library formats a `Double` into a stack buffer and hands
    /// it here when the stream offers this; the default would make a `String`
    /// per number, which dominates the cost of an export.
    public mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }

    /// Writes out what is buffered once a chunk has built up.
    @inline(__always)
    mutating func flushIfFull() throws {
        if bytes.count >= Self.chunkSize { try flush() }
    }

    /// Forgets what is buffered without writing it.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Writes out everything buffered.
    mutating func flush() throws {
        guard descriptor >= 0, !bytes.isEmpty else { return }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE && descriptor == STDOUT_FILENO { throw PoolBenchError.outputClosed }
                    throw PoolBenchError.writeFailed(path: name, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
