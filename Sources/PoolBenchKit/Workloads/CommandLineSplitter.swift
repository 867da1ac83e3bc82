import Foundation

/// Splits a job's command line into arguments by the shell's quoting rules,
/// without a shell: nothing is expanded, globbed or redirected.
///
/// - Unquoted: whitespace separates arguments; a backslash keeps the next
///   character literally.
/// - 'single quotes': everything literal up to the next single quote.
/// - "double quotes": literal, except that a backslash before ", \, $ or `
///   keeps that character (elsewhere the backslash stays, as in sh).
/// Quotes join with adjacent text: `a'b c'd` is the one argument `ab cd`;
/// `''` is an empty argument.
public enum CommandLineSplitter {
    public enum SplitError: Error, Equatable, CustomStringConvertible {
        case unterminatedQuote(Character)
        case trailingBackslash

        public var description: String {
            switch self {
            case let .unterminatedQuote(quote): "a \(quote) quote is never closed."
            case .trailingBackslash: "it ends with a backslash that escapes nothing."
            }
        }
    }

    public static func split(_ text: String) throws(SplitError) -> [String] {
        var arguments: [String] = []
        var current = ""
        var inArgument = false
        var characters = text.makeIterator()
        while let character = characters.next() {
            switch character {
            case "'":
                inArgument = true
                while true {
                    guard let next = characters.next() else { throw .unterminatedQuote("'") }
                    if next == "'" { break }
                    current.append(next)
                }
            case "\"":
                inArgument = true
                while true {
                    guard let next = characters.next() else { throw .unterminatedQuote("\"") }
                    if next == "\"" { break }
                    if next == "\\" {
                        guard let escaped = characters.next() else { throw .unterminatedQuote("\"") }
                        if !"\"\\$`".contains(escaped) { current.append("\\") }
                        current.append(escaped)
                    } else {
                        current.append(next)
                    }
                }
            case "\\":
                guard let escaped = characters.next() else { throw .trailingBackslash }
                inArgument = true
                current.append(escaped)
            case _ where character.isWhitespace:
                if inArgument { arguments.append(current) }
                current = ""
                inArgument = false
            default:
                inArgument = true
                current.append(character)
            }
        }
        if inArgument { arguments.append(current) }
        return arguments
    }

    /// Arguments joined so that pasting them into a shell runs the same
    /// thing; `split` reads them back too. Single quotes, so nothing inside
    /// is expanded. The stored command lines and workload parameters are
    /// written this way, so it must not change.
    public static func shellQuoted(_ arguments: [String]) -> String {
        arguments.map { argument in
            let safe = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:@%+".contains($0) }
            return safe && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        .joined(separator: " ")
    }

    /// The inverse of `split`: `arguments` as one line that splits back into
    /// them. An argument is quoted only when it must be, in double quotes,
    /// so the line reads well inside a shell's single quotes, where
    /// `shellQuoted`'s own single quotes would turn into `'\''`.
    public static func join(_ arguments: [String]) -> String {
        arguments.map { argument in
            let plain = !argument.isEmpty && !argument.contains { $0.isWhitespace || "'\"\\".contains($0) }
            guard !plain else { return argument }
            let escaped = argument.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        .joined(separator: " ")
    }
}
