/// What the http workload accepts as a URL, checked by hand before any
/// client sees it: `URL(string:)` takes `http://127.0.0.1:65536/` and the
/// port then traps deep inside the client, after the sweep has started.
///
/// Accepted: `http://` or `https://` (any case), an optional `user@` or
/// `user:password@` part (sent as Basic authentication, see `userInfo(of:)`),
/// a host (a name of letters, digits, `-`, `_` and `.`, or an IPv6 address
/// in brackets), an optional port from 1 to 65535, then a path, query or
/// fragment of printable ASCII without spaces. Anything else is refused with
/// the reason, so a typo is a usage error before the sweep begins.
enum HTTPURLCheck {
    /// Why `url` cannot be fetched, or nil when it can.
    static func problem(with url: String) -> String? {
        guard !url.isEmpty else { return "an absolute http:// or https:// URL, not an empty one" }
        if let bad = url.unicodeScalars.first(where: { $0.value <= 0x20 || $0.value >= 0x7F }) {
            let what = bad == " " ? "a space" : bad.value < 0x7F ? "a control character" : "a non-ASCII character"
            return "a URL without \(what) (percent-encode it, e.g. %20 for a space)"
        }
        guard let separator = url.range(of: "://") else { return "an absolute http:// or https:// URL" }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            return scheme.isEmpty ? "an absolute http:// or https:// URL" : "an http:// or https:// URL, not \(scheme)://"
        }
        let rest = url[separator.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        // A user info whose password holds ? or # unencoded would send the
        // request to the wrong host, with part of the password as its port.
        if rest.prefix(while: { $0 != "/" }).dropFirst(authority.count).contains("@") {
            return "a password with ?, # and / percent-encoded (%3F, %23, %2F); a query holding @ needs a path before it, like http://host/?q=a@b"
        }
        if let at = authority.lastIndex(of: "@") {
            guard authority[..<at].removingPercentEncoding != nil else {
                return "a user name and password whose % escapes are valid, like %40 for @"
            }
            authority = authority[authority.index(after: at)...]
        }

        let host: Substring
        let port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return "an IPv6 host closed by ], like http://[::1]:8080/" }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return "a port after the IPv6 host's ], like http://[::1]:8080/" }
            port = after.isEmpty ? nil : after.dropFirst()
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), host.contains(":") else {
                return "an IPv6 address between the brackets, like http://[::1]:8080/"
            }
        } else {
            let colon = authority.firstIndex(of: ":")
            host = colon.map { authority[..<$0] } ?? authority
            port = colon.map { authority[authority.index(after: $0)...] }
            guard !host.isEmpty else { return "a URL with a host, like http://127.0.0.1:8080/" }
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }),
                !host.hasPrefix("."), !host.contains("..")
            else { return "a host name of letters, digits, - and . (or an IP address), not '\(host)'" }
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port),
                (1...65535).contains(number)
            else { return "a port from 1 to 65535, not '\(port)'" }
        }
        return nil
    }

    /// `url` without its user info, and that user info decoded as Basic
    /// authentication sends it (`user:password`); nil credentials when
    /// there is none. For a URL `problem(with:)` accepts.
    static func userInfo(of url: String) -> (url: String, credentials: String?) {
        guard let separator = url.range(of: "://") else { return (url, nil) }
        let rest = url[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return (url, nil) }
        let userInfo = authority[..<at]
        let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let user = parts[0].removingPercentEncoding ?? String(parts[0])
        let password = parts.count > 1 ? (parts[1].removingPercentEncoding ?? String(parts[1])) : ""
        return (String(url[..<separator.upperBound] + rest[rest.index(after: at)...]), user + ":" + password)
    }
}
