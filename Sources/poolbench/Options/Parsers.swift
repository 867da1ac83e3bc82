import ArgumentParser
import Foundation
import PoolBenchKit

/// Parsers for option values whose failures ArgumentParser would otherwise
/// word vaguely. Options using them also take `parsing: .unconditional`, so
/// that `--tasks -3` reaches validation rather than reading `-3` as a flag
/// and reporting a missing value.
enum Parsers {
    /// `5%` or `0.05` as 0.05; nil for anything that is not a finite number.
    static func fraction(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let isPercentage = trimmed.hasSuffix("%")
        guard let number = Double(isPercentage ? String(trimmed.dropLast()) : trimmed), number.isFinite else { return nil }
        return isPercentage ? number / 100 : number
    }

    /// `text` as a fraction (`fraction(_:)`) that `accepts`, or the one-line
    /// error for `flag`: not a number, or outside what `range` says (e.g.
    /// "must be above 0% and at most 50%"), each with `examples` to copy.
    static func fraction(
        _ text: String, flag: String, examples: (percentage: String, fraction: String), range: String,
        accepts: (Double) -> Bool
    ) throws(ValidationError) -> Double {
        let example = "\(examples.percentage) or \(examples.fraction)"
        guard let fraction = fraction(text) else {
            throw ValidationError(
                "\(flag) '\(text)' is not a number; use a percentage like \(examples.percentage) or a fraction like \(examples.fraction)."
            )
        }
        guard accepts(fraction) else { throw ValidationError("\(flag) '\(text)' \(range), e.g. \(example).") }
        return fraction
    }

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
        { text in try seconds(text, flag: flag, examples: "90s or 2m") }
    }

    /// The seconds in `text`, a duration with a unit. A negative duration
    /// is told apart from text that is no duration at all, so `-1s` is not
    /// answered with "use a number with a unit". (Options taking one use
    /// `parsing: .unconditional`, or ArgumentParser would take `-1s` for
    /// a flag and report a missing value.)
    static func seconds(_ text: String, flag: String, examples: String) throws(ValidationError) -> Double {
        if let seconds = Units.parseDuration(text) { return seconds }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("-"), Units.parseDuration(String(trimmed.dropFirst())) != nil {
            throw ValidationError("\(flag) '\(text)' is negative; give a duration of 0 or more, like \(examples).")
        }
        throw ValidationError("\(flag) '\(text)' is not a duration; use a number with a unit, like \(examples).")
    }
}
