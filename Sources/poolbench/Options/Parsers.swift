import ArgumentParser
import PoolBenchKit

/// Parsers for option values whose failures ArgumentParser would otherwise
/// word vaguely. Options using them also take `parsing: .unconditional`, so
/// that `--tasks -3` reaches validation rather than reading `-3` as a flag
/// and reporting a missing value.
enum Parsers {
    /// A whole number; its range is checked by the command's `validate()`.
    static func wholeNumber<Number: FixedWidthInteger>(_ text: String) throws -> Number {
        guard let value = Number(text.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("expected a whole number, e.g. 8.")
        }
        return value
    }

    /// `--format`, refused at parse time when the command does not offer it,
    /// naming the formats it does.
    static func format(offering offered: [ReportFormat] = [.table, .json, .markdown]) -> @Sendable (String) throws -> ReportFormat {
        { text in
            guard let format = ReportFormat(rawValue: text), offered.contains(format) else {
                throw ValidationError("use one of: \(offered.map(\.rawValue).joined(separator: ", ")).")
            }
            return format
        }
    }

    /// A duration with a unit (`90s`, `2m`), in seconds.
    static func duration(flag: String) -> @Sendable (String) throws -> Double {
        { text in
            guard let seconds = Units.parseDuration(text) else {
                throw ValidationError("\(flag) '\(text)' is not a duration; use a number with a unit, like 90s or 2m.")
            }
            return seconds
        }
    }
}
