import Foundation

/// Numbers as tables show them: a few significant digits and a unit.
public enum Formatting {
    /// `1.23s`, `12.3ms`, `456us`; `—` when unknown.
    public static func seconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        switch abs(value) {
        case 0: return "0s"
        case ..<1e-3: return String(format: "%.3gus", value * 1e6)
        case ..<1: return String(format: "%.3gms", value * 1e3)
        default: return String(format: "%.3gs", value)
        }
    }

    /// A rate with thousands grouped and sensible precision: `1,234`, `98.7`.
    public static func rate(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        if abs(value) >= 1000 { return grouped(Int(value.rounded())) }
        return String(format: abs(value) >= 100 ? "%.0f" : abs(value) >= 10 ? "%.1f" : "%.2f", value)
    }

    /// A byte count in binary units: `512 B`, `1.5 KiB`, `118 MiB`.
    public static func bytes(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        var scaled = value
        var unit = "B"
        for next in ["KiB", "MiB", "GiB", "TiB"] where abs(scaled) >= 1024 {
            scaled /= 1024
            unit = next
        }
        return String(format: unit == "B" || abs(scaled) >= 100 ? "%.0f %@" : "%.3g %@", scaled, unit)
    }

    /// Bytes per second in binary units: `512 B/s`, `1.5 KiB/s`, `118 MiB/s`.
    public static func byteRate(_ value: Double?) -> String {
        value == nil ? bytes(value) : bytes(value) + "/s"
    }

    /// `2.00×`
    public static func factor(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        return String(format: "%.2f×", value)
    }

    /// `2026-11-21 23:29`
    public static func minute(_ date: Date) -> String {
        let text = Timestamp.format(date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5))
    }

    /// `1,234,567`: thousands grouped with commas.
    public static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}
