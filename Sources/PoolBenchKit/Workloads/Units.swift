import Foundation

/// Durations and sizes as people type them: `10ms`, `1.5s`, `250us`, `2m`;
/// `512`, `64KiB`, `1MiB`, `1.5MB`.
public enum Units {
    /// A day, the longest wait or timeout poolbench takes: longer ones are
    /// typos, and past about 292 years a deadline no longer fits the
    /// clock's nanoseconds.
    public static let longestDuration = 86_400.0

    /// Sub-second units divide, so `100ns` is exactly the double nearest 1e-7.
    private static let durationUnits: [(suffix: String, convert: @Sendable (Double) -> Double)] = [
        ("ns", { $0 / 1e9 }), ("us", { $0 / 1e6 }), ("µs", { $0 / 1e6 }), ("ms", { $0 / 1e3 }),
        ("s", { $0 }), ("m", { $0 * 60 }), ("h", { $0 * 3600 }),
    ]
    private static let byteUnits: [(suffix: String, bytes: Double)] = [
        ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824),
        ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("K", 1024), ("M", 1_048_576), ("G", 1_073_741_824), ("B", 1),
    ]

    /// Seconds in `text`, which needs a unit (`10ms`, `1.5s`); nil when it
    /// is not a finite, non-negative duration.
    public static func parseDuration(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // Longest suffix first, so `ms` is not read as `m` followed by junk.
        for unit in durationUnits.sorted(by: { $0.suffix.count > $1.suffix.count })
        where trimmed.hasSuffix(unit.suffix) {
            guard let number = Double(trimmed.dropLast(unit.suffix.count)), number.isFinite, number >= 0
            else { return nil }
            return unit.convert(number)
        }
        return nil
    }

    /// Bytes in `text`: a plain count or one with a unit (`64KiB`, `1MB`);
    /// nil when it is not a whole, non-negative size.
    public static func parseBytes(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var number = trimmed
        var scale = 1.0
        for unit in byteUnits where trimmed.hasSuffix(unit.suffix) {
            number = String(trimmed.dropLast(unit.suffix.count))
            scale = unit.bytes
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let bytes = (value * scale).rounded()
        // `1.5MB` is a whole number of bytes; `1.5` is not, and `0.3KiB` neither.
        guard bytes < Double(Int.max), abs(value * scale - bytes) <= 1e-9 * max(1, bytes) else { return nil }
        return Int(bytes)
    }

    /// The shortest unit that keeps the number readable: `10ms`, `1.5s`.
    public static func formatDuration(_ seconds: Double) -> String {
        switch seconds {
        case 0: "0s"
        case ..<1e-3: number(seconds * 1e6) + "us"
        case ..<1: number(seconds * 1e3) + "ms"
        default: number(seconds) + "s"
        }
    }

    /// Binary units when the size is a whole number of them: `64KiB`, `1MiB`.
    public static func formatBytes(_ bytes: Int) -> String {
        for (suffix, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(suffix)"
        }
        return "\(bytes)B"
    }

    private static func number(_ value: Double) -> String {
        String(format: "%.6g", value)
    }
}
