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
