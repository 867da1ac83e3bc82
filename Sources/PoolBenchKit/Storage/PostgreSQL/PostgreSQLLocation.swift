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

    /// `url` without its password. The user information is taken to end
    /// at the last "@" rather than at the first, as libpq reads it: a URL
    /// whose password holds an unencoded "@" or "/" is refused before it
    /// is used (`misreadUserInfo`), and shown, even then, without any part
    /// of that password.
    static func redacting(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let scheme = url[..<schemeEnd.upperBound]
        var rest = Substring(url[schemeEnd.upperBound...])
        if let at = rest.lastIndex(of: "@") {
            let user = rest[..<at].prefix { $0 != ":" }
            rest = user + rest[at...]
        }
        guard let mark = rest.firstIndex(of: "?") else { return String(scheme + rest) }
        return String(scheme + rest[..<mark]) + redactingQuery(rest[mark...])
    }

    /// The password as libpq reads it from the URL (from the first ":" of
    /// the user information to the first "@", unless a "/" comes first),
    /// and as `redacting` hides it, each also percent-decoded, plus any
    /// `password=` parameter: every form in which a message could quote it.
    var secrets: [String] {
        guard let schemeEnd = url.range(of: "://") else { return [] }
        let rest = url[schemeEnd.upperBound...]
        var raw: [Substring] = []
        for at in [Self.libpqUserInfoEnd(rest), rest.lastIndex(of: "@")].compactMap({ $0 }) {
            if let colon = rest[..<at].firstIndex(of: ":") { raw.append(rest[rest.index(after: colon)..<at]) }
        }
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") where pair.lowercased().hasPrefix("password=") {
                raw.append(pair.dropFirst("password=".count))
            }
        }
        let forms = raw.flatMap { [String($0), $0.removingPercentEncoding].compactMap { $0 } }
        return Array(Set(forms.filter { !$0.isEmpty })).sorted { $0.count > $1.count }
    }

    /// `text` (a message from libpq) with every form of the password in it
    /// replaced by `***`.
    func redactingSecrets(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }

    /// Whether the URL holds an "@" that libpq would not read as the end of
    /// the user name and password: one in a password (or after a "/" in
    /// it), which libpq would take for part of the host or database name,
    /// and quote in its messages.
    var misreadUserInfo: Bool {
        guard let schemeEnd = url.range(of: "://") else { return false }
        let rest = url[schemeEnd.upperBound...]
        guard let last = rest.lastIndex(of: "@") else { return false }
        return Self.libpqUserInfoEnd(rest) != last
    }

    /// Where libpq ends the user information of a URL's `rest` (after
    /// `://`): at the first "@", when no "/" comes before it.
    private static func libpqUserInfoEnd(_ rest: Substring) -> Substring.Index? {
        guard let end = rest.firstIndex(where: { $0 == "@" || $0 == "/" }), rest[end] == "@" else { return nil }
        return end
    }

    /// The keywords of `text` when it is a libpq keyword/value connection
    /// string (`host=db dbname=bench password=…`), which libpq would read
    /// and SQLite would take for a file name: it starts with a keyword
    /// libpq knows, then "=". nil for anything else. Read as libpq reads
    /// it: spaces may surround "=", and a value may be quoted ('a b') or
    /// hold backslash escapes.
    static func connectionStringKeywords(_ text: String) -> [String]? {
        var rest = Substring(text)
        var keywords: [String] = []
        while true {
            rest = rest.drop { $0.isWhitespace }
            guard !rest.isEmpty else { break }
            let keyword = rest.prefix { $0 != "=" && !$0.isWhitespace }
            rest = rest.dropFirst(keyword.count).drop { $0.isWhitespace }
            guard libpqKeywords.contains(String(keyword)), rest.first == "=" else { break }
            if !keywords.contains(String(keyword)) { keywords.append(String(keyword)) }
            rest = rest.dropFirst().drop { $0.isWhitespace }
            let quoted = rest.first == "'"
            if quoted { rest = rest.dropFirst() }
            var escaped = false
            while let character = rest.first {
                rest = rest.dropFirst()
                if escaped { escaped = false; continue }
                if character == "\\" { escaped = true; continue }
                if quoted ? character == "'" : character.isWhitespace { break }
            }
        }
        return keywords.isEmpty ? nil : keywords
    }

    /// libpq's connection keywords (PostgreSQL 17's list).
    static let libpqKeywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "require_auth", "channel_binding",
        "connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
        "replication", "gssencmode", "sslmode", "sslnegotiation", "sslcompression", "sslcert", "sslkey",
        "sslcertmode", "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
        "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation",
        "service", "target_session_attrs", "load_balance_hosts",
    ]

    private static func redactingQuery(_ query: Substring) -> String {
        guard query.count > 1 else { return String(query) }
        let kept = query.dropFirst().split(separator: "&").filter { pair in
            !pair.lowercased().hasPrefix("password=")
        }
        return kept.isEmpty ? "" : "?" + kept.joined(separator: "&")
    }
}
