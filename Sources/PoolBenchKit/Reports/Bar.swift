/// Horizontal bars for charts in a terminal table.
enum Bar {
    /// Eighths of a cell, for the end of a bar: ▏ is one eighth, ▉ seven.
    static let eighths: [Character] = Array(" ▏▎▍▌▋▊▉")

    /// A bar `width` cells long at `maximum`, proportional below it, to the
    /// nearest eighth of a cell; empty for values that are not positive.
    static func render(_ value: Double, maximum: Double, width: Int) -> String {
        guard value.isFinite, maximum.isFinite, value > 0, maximum > 0 else { return "" }
        let total = Int((min(value / maximum, 1) * Double(width * 8)).rounded())
        let full = String(repeating: "█", count: total / 8)
        return total % 8 == 0 ? full : full + String(eighths[total % 8])
    }
}
