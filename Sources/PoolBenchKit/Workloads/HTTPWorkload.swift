import AsyncHTTPClient
import Foundation
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Requests one URL per task, taken round robin by task number, and reads
/// the whole body: the seeds' image downloads, or an API's calls with their
/// method, headers and body. A refused connection, a status outside 2xx or a
/// timeout fails that task only.
///
/// One AsyncHTTPClient serves every task, with a connection pool as large as
/// any worker count, so N workers keep N connections alive rather than
/// reconnecting per request. Both bodies start the same request; the
/// blocking one waits on its future from the executor's own thread, the
/// async one awaits it.
///
/// A URL's user info is sent as HTTP Basic authentication, as curl and
/// Python's requests do, and never reaches a message: a task's error names
/// the URL as `Redaction` shows it.
///
/// With `retries`, a 429 or 503 is sent again after the wait
/// `HTTPRetryPolicy` gives, inside the same task: the task's latency runs from
/// its first send to its final response, and it fails only when its last try
/// does. Each re-send is counted (`retries`), apart from failed tasks.
public final class HTTPWorkload: Workload {
    public let request: HTTPRequestSpec
    private let targets: [HTTPTarget]
    private let client: HTTPClient
    private let closed = Mutex(false)
    private let received = Atomic<Int>(0)
    private let retried = Mutex(FailureCounts())
    private let policy: HTTPRetryPolicy
    /// Draws the backoff's jitter; seeded, so a test sees a known schedule.
    private let jitter: Mutex<SeededGenerator>

    /// `jitterSeed` fixes the backoff's draws (tests); by default they differ
    /// per process, as a real client's do.
    public init(_ request: HTTPRequestSpec, jitterSeed: UInt64? = nil) throws(PoolBenchError) {
        guard !request.urls.isEmpty else {
            throw .invalidParameter(name: "url", value: "", expected: "at least one http:// or https:// URL")
        }
        for url in request.urls {
            if let problem = Self.problem(with: url) {
                throw .invalidParameter(name: "url", value: Redaction.text(url), expected: problem)
            }
        }
        guard request.timeout.isFinite, request.timeout > 0, request.timeout <= Units.longestDuration else {
            throw .invalidParameter(name: "timeout", value: "\(request.timeout)", expected: "above 0 and at most 86400 seconds (a day)")
        }
        if let problem = Self.problem(withMethod: request.method) {
            throw .invalidParameter(name: "method", value: request.method, expected: problem)
        }
        guard request.retries >= 0, request.retries <= HTTPRetryPolicy.mostRetries else {
            throw .invalidParameter(name: "retries", value: "\(request.retries)", expected: "from 0 to \(HTTPRetryPolicy.mostRetries)")
        }
        self.request = request
        policy = request.retryPolicy
        jitter = Mutex(SeededGenerator(seed: jitterSeed ?? UInt64.random(in: .min ... .max)))
        targets = request.urls.map { HTTPTarget(url: $0, headers: request.headers) }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 65_536)
        // A refused connection fails its request at once, like urllib,
        // instead of being retried with backoff until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        // A connection that takes longer than a task may is no use to that
        // task. Left unset, the pool gives a connection 30 s to be made, and
        // one hanging in a TLS handshake with a silent server held the
        // client's shutdown, and the sweep's summary, that long.
        configuration.timeout.connect = Self.timeAmount(request.timeout)
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        // Trust settings are read, and their files checked, only where TLS
        // is used: a stale SSL_CERT_FILE does not stop a plain http sweep.
        if request.trust != .system || request.urls.contains(where: { $0.lowercased().hasPrefix("https://") }) {
            configuration.tlsConfiguration = try HTTPTLS.configuration(
                for: request.trust, environment: ProcessInfo.processInfo.environment
            )
        }
        client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    /// A GET of `urls` without headers.
    public convenience init(urls: [String], timeout: Double) throws(PoolBenchError) {
        try self.init(HTTPRequestSpec(urls: urls, timeout: timeout))
    }

    /// Why `url` cannot be fetched, or nil when it can (see `HTTPURLCheck`).
    public static func problem(with url: String) -> String? {
        HTTPURLCheck.problem(with: url)
    }

    /// Why `method` cannot be sent, or nil: an HTTP token such as GET,
    /// POST or PATCH.
    public static func problem(withMethod method: String) -> String? {
        let token = !method.isEmpty && method.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "!#$%&'*+-.^_`|~".contains($0)) }
        return token ? nil : "a method such as GET, POST, PUT, PATCH or DELETE"
    }

    public var spec: WorkloadSpec { .http(request) }

    private var timeAmount: TimeAmount { Self.timeAmount(request.timeout) }

    private static func timeAmount(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64((seconds * 1e9).rounded())) }

    public func runBlocking(task: Int) throws {
        for attempt in 0... {
            let (target, request) = try start(task: task)
            let response: HTTPResponseSummary
            do {
                response = try request.futureResult.wait()
            } catch {
                throw failure(target, reason: Self.reason(error, timeout: self.request.timeout))
            }
            guard let wait = retryDelay(after: response, attempt: attempt) else {
                return try check(status: response.status, target: target)
            }
            Thread.sleep(forTimeInterval: wait)
        }
    }

    /// Awaits the same request as the blocking body: the future completes
    /// on the client's event loop, so no thread waits for it.
    public func run(task: Int) async throws {
        for attempt in 0... {
            let (target, request) = try start(task: task)
            let response: HTTPResponseSummary
            do {
                response = try await withTaskCancellationHandler {
                    try await request.futureResult.get()
                } onCancel: {
                    request.cancel()
                }
            } catch {
                throw failure(target, reason: Self.reason(error, timeout: self.request.timeout))
            }
            guard let wait = retryDelay(after: response, attempt: attempt) else {
                return try check(status: response.status, target: target)
            }
            try await Task.sleep(for: .seconds(wait))
        }
    }

    /// How long to wait before sending again after `response` to try
    /// `attempt` (0 the first), counting the re-send; nil when it is final.
    private func retryDelay(after response: HTTPResponseSummary, attempt: Int) -> Double? {
        guard policy.shouldRetry(status: response.status, attempt: attempt) else { return nil }
        retried.withLock { $0.add(.retried(.http(response.status))) }
        let unit = jitter.withLock { $0.nextUnit() }
        return policy.delay(beforeRetry: attempt + 1, retryAfter: response.retryAfter, now: Date(), unit: unit)
    }

    /// Every re-send so far, by the status that made it wait.
    public var retries: FailureCounts { retried.withLock { $0 } }

    /// Starts task `task`'s request. Its deadline covers the whole request,
    /// body included (the async `execute(_:timeout:)` stops timing once the
    /// head arrives, so a server that stalls mid-body would hang a task), and
    /// its body is counted and dropped as it arrives, so memory stays flat
    /// whatever the size of the body.
    private func start(task: Int) throws(PoolBenchError) -> (target: HTTPTarget, request: HTTPClient.Task<HTTPResponseSummary>) {
        let target = targets[task % targets.count]
        let outgoing: HTTPClient.Request
        do {
            outgoing = try HTTPClient.Request(
                url: target.url, method: HTTPMethod(rawValue: request.method), headers: target.headers,
                body: request.body.map { .bytes($0) }
            )
        } catch {
            throw failure(target, reason: Self.reason(error, timeout: request.timeout))
        }
        let counter = BodyCounter { [self] bytes in received.wrappingAdd(bytes, ordering: .relaxed) }
        return (target, client.execute(request: outgoing, delegate: counter, deadline: .now() + timeAmount))
    }

    private func failure(_ target: HTTPTarget, reason: String) -> PoolBenchError {
        .requestFailed(method: request.method, url: target.shown, reason: reason)
    }

    /// Every body's bytes, whatever its status: they crossed the network.
    public var bytesReceived: Int? { received.load(ordering: .relaxed) }

    /// Shuts the client down: its connections close. Safe to call twice.
    public func close() {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        if !wasClosed { try? client.syncShutdown() }
    }

    private func check(status: UInt, target: HTTPTarget) throws(PoolBenchError) {
        guard (200..<300).contains(status) else {
            throw failure(target, reason: "status \(status)")
        }
    }

    /// A short lower-case reason: "connection refused", "timed out after 30s",
    /// "the server's certificate is not trusted: pass --cacert FILE".
    static func reason(_ error: any Error, timeout: Double) -> String {
        if let error = error as? HTTPClientError {
            let timeouts: [HTTPClientError] = [
                .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout,
            ]
            if timeouts.contains(error) { return "timed out after \(Units.formatDuration(timeout))" }
            return error.shortDescription.lowercased()
        }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return reason(first.error, timeout: timeout)
        }
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)).lowercased()
        }
        if let reason = HTTPTLS.reason(error) { return reason }
        return String(describing: error)
    }
}

/// One of the workload's URLs as it is requested: without its user info,
/// which goes into an `Authorization: Basic` header unless one was given,
/// and as messages show it.
private struct HTTPTarget: Sendable {
    let url: String
    let shown: String
    let headers: HTTPHeaders

    init(url: String, headers given: [HTTPHeaderLine]) {
        var headers = HTTPHeaders(given.map { ($0.name, $0.value) })
        let parts = HTTPURLCheck.userInfo(of: url)
        self.url = parts.url
        if let credentials = parts.credentials, !headers.contains(name: "Authorization") {
            headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        }
        shown = Redaction.text(url)
        self.headers = headers
    }
}

/// What a task keeps of a response: its status, and when it asks to be
/// retried later, its `Retry-After`.
struct HTTPResponseSummary: Sendable {
    var status: UInt
    var retryAfter: String?
}

/// Counts a response's body bytes as they arrive and keeps none of them;
/// the response it yields is the status code and `Retry-After`.
private final class BodyCounter: HTTPClientResponseDelegate {
    typealias Response = HTTPResponseSummary

    // Written by `didReceiveHead` and read by `didFinishRequest`, both on
    // the request's event loop.
    private let head = Mutex(HTTPResponseSummary(status: 0))
    private let count: @Sendable (Int) -> Void

    init(count: @escaping @Sendable (Int) -> Void) {
        self.count = count
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let summary = HTTPResponseSummary(status: head.status.code, retryAfter: head.headers.first(name: "Retry-After"))
        self.head.withLock { $0 = summary }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        count(buffer.readableBytes)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        head.withLock { $0 }
    }
}
