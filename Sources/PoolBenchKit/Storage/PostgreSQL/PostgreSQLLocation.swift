import Foundation

/// Where a PostgreSQL history lives: a `postgresql://` or `postgres://`
/// connection URL, handed to libpq exactly as the user wrote it (so its
/// parameters, such as `sslmode`, pass through), and shown to people only
/// without its password.
struct PostgreSQLLocation: Sendable, Equatable, CustomStringConvertible {
    /// The URL as given; it may hold a password, so it is never printed.
    let url: String

    /// nil when `text` is not a PostgreSQL URL: it is then a SQLite path.
    init?(_ text: String) {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("postgresql://") || lowered.hasPrefix("postgres://") else { return nil }
        url = text
    }

    /// The URL without a password, e.g. `postgresql://ci@db.example:5432/bench`;
    /// a `password=` query parameter is dropped too. Safe to print and store.
    var description: String { Self.redacting(url) }

    /// A command-line argument with any PostgreSQL URL in it (`URL`, or
    /// `--db=URL`) shown without its password: what a sweep stores as the
    /// command that ran it.
    static func redactingArgument(_ argument: String) -> String {
        let starts = ["postgresql://", "postgres://"].compactMap {
            argument.range(of: $0, options: .caseInsensitive)?.lowerBound
        }
        guard let split = starts.min() else { return argument }
        return String(argument[..<split]) + redacting(String(argument[split...]))
    }

    static func redacting(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let scheme = url[..<schemeEnd.upperBound]
        var rest = Substring(url[schemeEnd.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[mark...]
            rest = rest[..<mark]
        }
        // userinfo ends at the last "@" before the path, since a password
        // may itself hold "@" when written unencoded.
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            let user = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            authority = Substring(user) + authority[at...]
        }
        return String(scheme) + authority + path + redactingQuery(query)
    }

    private static func redactingQuery(_ query: Substring) -> String {
        guard query.count > 1 else { return String(query) }
        let kept = query.dropFirst().split(separator: "&").filter { pair in
            !pair.lowercased().hasPrefix("password=")
        }
        return kept.isEmpty ? "" : "?" + kept.joined(separator: "&")
    }
}
