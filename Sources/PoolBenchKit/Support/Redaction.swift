/// Credentials taken out of text that is stored, printed or exported: the
/// password of a URL's user info (`http://user:***@host/`), the value of a
/// credential header (`Authorization: ***`), and a PostgreSQL URL's password
/// (as `PostgreSQLLocation` shows it). Every place that keeps or shows a
/// command line, a workload's parameters or a task's error goes through
/// `text(_:)`, so no output has a rule of its own to forget.
///
/// The request itself still carries them: only what is written down is
/// redacted.
public enum Redaction {
    /// What stands where a secret was.
    static let mask = "***"

    /// `text` with every URL's password and every credential header's value
    /// replaced by `***`: a command-line argument, a workload parameter, a
    /// task's error message.
    public static func text(_ text: String) -> String {
        guard text.contains(":") else { return text }
        return headerValues(in: urls(in: text))
    }

    /// A command line's arguments, each through `text(_:)`, and a request
    /// body given inline (`--data TEXT`, not `--data @FILE`) as `***`: a body
    /// may hold a password, and the history keeps only its size.
    static func arguments(_ arguments: [String]) -> [String] {
        var previous: String?
        return arguments.map { argument in
            defer { previous = argument }
            if previous == "--data", !argument.hasPrefix("@") { return mask }
            if argument.hasPrefix("--data="), !argument.dropFirst(7).hasPrefix("@") { return "--data=" + mask }
            return text(argument)
        }
    }

    /// Whether a header's value is a credential: `Authorization`,
    /// `Proxy-Authorization`, `Cookie`, or a name holding `key`, `token` or
    /// `secret` in any case (`X-Api-Key`, `X-Auth-Token`).
    static func isCredentialHeader(_ name: some StringProtocol) -> Bool {
        let lowered = name.lowercased()
        return ["authorization", "proxy-authorization", "cookie"].contains(lowered)
            || ["key", "token", "secret"].contains { lowered.contains($0) }
    }

    /// `Name: value`, or `Name: ***` when the header is a credential.
    static func header(name: String, value: String) -> String {
        "\(name): \(isCredentialHeader(name) ? mask : value)"
    }

    // MARK: URLs

    /// Every `scheme://user:password@host…` in `text` as `scheme://user:***@host…`.
    /// In a text of several words (`sh -c 'curl …'`) a URL ends at
    /// whitespace or a quote; a text of one word (`--db=URL`) is a URL to
    /// its end, since a password may hold a quote.
    static func urls(in text: String) -> String {
        let oneWord = !text.contains(where: \.isWhitespace)
        var result = ""
        var rest = Substring(text)
        while let separator = rest.range(of: "://") {
            let schemeStart = rest[..<separator.lowerBound].lastIndex { !isSchemeCharacter($0) }.map(rest.index(after:))
                ?? rest.startIndex
            let end = oneWord
                ? rest.endIndex
                : rest[separator.upperBound...].firstIndex { $0.isWhitespace || $0 == "'" || $0 == "\"" } ?? rest.endIndex
            result += rest[..<schemeStart]
            result += url(rest[schemeStart..<end])
            rest = rest[end...]
        }
        return result + rest
    }

    /// One URL without its password. User info ends at the last `@` before
    /// the first `/` after the scheme, not at a `?` or `#`: a password
    /// holding those unencoded is still a password (libpq reads it so), and
    /// hiding too much of a malformed URL is better than printing a secret.
    /// When what follows the first `:` is no port (`http://u:pa/ss@h/`),
    /// a `/` does not end it either.
    static func url(_ url: Substring) -> String {
        guard let separator = url.range(of: "://") else { return String(url) }
        let scheme = url[..<separator.lowerBound].lowercased()
        if scheme == "postgresql" || scheme == "postgres" { return PostgreSQLLocation.redacting(String(url)) }
        let afterScheme = url[separator.upperBound...]
        let authority = afterScheme.prefix { $0 != "/" }
        var userInfoEnd = authority.lastIndex(of: "@")
        if userInfoEnd == nil, let colon = authority.firstIndex(of: ":") {
            let port = afterScheme[afterScheme.index(after: colon)...].prefix { !"/?#".contains($0) }
            if port.isEmpty || !port.allSatisfy({ $0.isASCII && $0.isNumber }) { userInfoEnd = afterScheme.lastIndex(of: "@") }
        }
        guard let at = userInfoEnd, let colon = afterScheme[..<at].firstIndex(of: ":") else { return String(url) }
        return String(url[...colon]) + mask + url[at...]
    }

    private static func isSchemeCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "+-.".contains(character))
    }

    // MARK: Headers

    /// Every credential header line in `text` (`Authorization: Bearer x`)
    /// with its value replaced up to the end of the line or a closing
    /// quote. A header name counts only at the start of the text, a word, a
    /// quoted word or an option's value (`--header=Cookie: …`), so
    /// `http://apikey:***@host` is left to `urls(in:)`.
    static func headerValues(in text: String) -> String {
        var result = ""
        var index = text.startIndex
        var atWordStart = true
        while index < text.endIndex {
            if atWordStart, let masked = maskedHeader(in: text[index...]) {
                result += masked.text
                index = masked.end
                atWordStart = false
                continue
            }
            let character = text[index]
            result.append(character)
            atWordStart = character.isWhitespace || "'\"=".contains(character)
            index = text.index(after: index)
        }
        return result
    }

    /// When `text` starts with a credential header line, its name, colon and
    /// `***`, and where the value ends.
    private static func maskedHeader(in text: Substring) -> (text: String, end: String.Index)? {
        let name = text.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        guard !name.isEmpty, name.endIndex < text.endIndex, text[name.endIndex] == ":", isCredentialHeader(name) else {
            return nil
        }
        let value = text[text.index(after: name.endIndex)...]
        // `apikey://…` is a URL, not a header.
        guard !value.hasPrefix("//") else { return nil }
        let end = value.firstIndex { $0.isNewline || $0 == "'" || $0 == "\"" } ?? value.endIndex
        guard value[..<end].contains(where: { !$0.isWhitespace }) else { return nil }
        return (name + ": " + mask, end)
    }
}
