import Foundation

/// Everything an `http` task sends: the URLs (round robin), the method,
/// headers and body, how long a request may take, how often a 429 or 503
/// is sent again (see `HTTPRetryPolicy`), and which certificates it trusts. It holds credentials as given, since a worker process rebuilds
/// the workload from it; what is stored and shown is `parameters`, redacted.
public struct HTTPRequestSpec: Codable, Hashable, Sendable {
    public var urls: [String]
    public var timeout: Double
    public var method: String
    public var headers: [HTTPHeaderLine]
    public var body: Data?
    public var trust: HTTPTrust
    /// How many times one task may re-send its request after a 429 or 503.
    public var retries: Int

    /// With a body and no method, POST, as curl does with `--data`.
    public init(
        urls: [String], timeout: Double = 30, method: String? = nil, headers: [HTTPHeaderLine] = [], body: Data? = nil,
        trust: HTTPTrust = .system, retries: Int = 0
    ) {
        self.urls = urls
        self.timeout = timeout
        self.method = method ?? (body == nil ? "GET" : "POST")
        self.headers = headers
        self.body = body
        self.trust = trust
        self.retries = retries
    }

    /// When this spec's tasks re-send a request, and how long they wait.
    public var retryPolicy: HTTPRetryPolicy { HTTPRetryPolicy(retries: retries, cap: timeout) }

    /// The parameters the history keeps, without credentials. A GET without
    /// headers, body or retries reads as it always has (`url=… timeout=30s`),
    /// so its series continue; a retrying client is another series
    /// (`retries=3`), since it measures goodput with waits. A header is kept shell-quoted, its value `***` when
    /// it is a credential; a body only as its size, since it may hold one
    /// too. Trust settings are not kept: they do not change what is measured.
    var parameters: [(name: String, value: String)] {
        let shown = urls.map(Redaction.text)
        var parameters = shown.count == 1 ? [("url", shown[0])] : [("urls", String(shown.count)), ("first", shown[0])]
        parameters.append(("timeout", Units.formatDuration(timeout)))
        if method != "GET" { parameters.append(("method", method)) }
        if retries > 0 { parameters.append(("retries", String(retries))) }
        for header in headers {
            let line = Redaction.text(Redaction.header(name: header.name, value: header.value))
            parameters.append(("header", CommandLineSplitter.shellQuoted([line])))
        }
        if let body { parameters.append(("data", Units.formatBytes(body.count))) }
        return parameters
    }

    /// `--url`, `--method`, `--header`, `--timeout` and `--retries` as a person types them.
    var arguments: [String] {
        let sent: [String] = urls.flatMap { ["--url", $0] } + (method == (body == nil ? "GET" : "POST") ? [] : ["--method", method])
            + headers.flatMap { ["--header", "\($0.name): \($0.value)"] } + ["--timeout", Units.formatDuration(timeout)]
        return sent + (retries > 0 ? ["--retries", String(retries)] : [])
    }
}

extension WorkloadSpec {
    /// What a person must know before this workload runs: that `--insecure`
    /// turns certificate checks off. Printed once per sweep.
    public var warning: String? {
        guard case let .http(request) = self, request.trust == .insecure else { return nil }
        return "Warning: --insecure: the server's certificate is not verified, so anyone on the path can read or alter these requests."
    }
}

/// One request header, `Name: value`.
public struct HTTPHeaderLine: Codable, Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `Name: value` split at the first colon, both sides trimmed; nil when
    /// the name is empty or not an HTTP token (letters, digits and
    /// ``!#$%&'*+-.^_`|~``), or the value holds a line break.
    public init?(line: String) {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+-.^_`|~".contains($0)) }),
              !value.contains(where: { $0.isNewline || ($0.isASCII && $0.asciiValue! < 0x20 && $0 != "\t") })
        else { return nil }
        self.init(name: name, value: value)
    }
}

/// Which server certificates an https request accepts.
public enum HTTPTrust: Codable, Hashable, Sendable {
    /// The system's certificate authorities, or those `SSL_CERT_FILE` and
    /// `SSL_CERT_DIR` name, as curl and Python read them.
    case system
    /// Only the certificate authorities in this PEM file (`--cacert`).
    case certificateFile(String)
    /// Any certificate, unverified (`--insecure`).
    case insecure
}
