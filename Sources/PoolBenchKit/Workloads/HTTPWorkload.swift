import AsyncHTTPClient
import Foundation
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// GETs one URL per task, taken round robin by task number, and reads the
/// whole body: the seeds' image downloads. A refused connection, a status
/// outside 2xx or a timeout fails that task only.
///
/// One AsyncHTTPClient serves every task, with a connection pool as large as
/// any worker count, so N workers keep N connections alive rather than
/// reconnecting per request. Both bodies start the same request; the
/// blocking one waits on its future from the executor's own thread, the
/// async one awaits it.
public final class HTTPWorkload: Workload {
    public let urls: [String]
    public let timeout: Double
    private let client: HTTPClient
    private let closed = Mutex(false)
    private let received = Atomic<Int>(0)

    public init(urls: [String], timeout: Double) throws(PoolBenchError) {
        guard !urls.isEmpty else {
            throw .invalidParameter(name: "url", value: "", expected: "at least one http:// or https:// URL")
        }
        for url in urls {
            if let problem = Self.problem(with: url) {
                throw .invalidParameter(name: "url", value: url, expected: problem)
            }
        }
        guard timeout.isFinite, timeout > 0, timeout <= Units.longestDuration else {
            throw .invalidParameter(name: "timeout", value: "\(timeout)", expected: "above 0 and at most 86400 seconds (a day)")
        }
        self.urls = urls
        self.timeout = timeout
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 65_536)
        // A refused connection fails its request at once, like urllib,
        // instead of being retried with backoff until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        // A connection that takes longer than a task may is no use to that
        // task. Left unset, the pool gives a connection 30 s to be made, and
        // one hanging in a TLS handshake with a silent server held the
        // client's shutdown, and the sweep's summary, that long.
        configuration.timeout.connect = Self.timeAmount(timeout)
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    /// Why `url` cannot be fetched, or nil when it can (see `HTTPURLCheck`).
    public static func problem(with url: String) -> String? {
        HTTPURLCheck.problem(with: url)
    }

    public var spec: WorkloadSpec { .http(urls: urls, timeout: timeout) }

    private func url(for task: Int) -> String { urls[task % urls.count] }

    private var timeAmount: TimeAmount { Self.timeAmount(timeout) }

    private static func timeAmount(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64((seconds * 1e9).rounded())) }

    public func runBlocking(task: Int) throws {
        let (url, request) = try start(task: task)
        let status: UInt
        do {
            status = try request.futureResult.wait()
        } catch {
            throw PoolBenchError.requestFailed(url: url, reason: Self.reason(error, timeout: timeout))
        }
        try Self.check(status: status, url: url)
    }

    /// Awaits the same request as the blocking body: the future completes
    /// on the client's event loop, so no thread waits for it.
    public func run(task: Int) async throws {
        let (url, request) = try start(task: task)
        let status: UInt
        do {
            status = try await withTaskCancellationHandler {
                try await request.futureResult.get()
            } onCancel: {
                request.cancel()
            }
        } catch {
            throw PoolBenchError.requestFailed(url: url, reason: Self.reason(error, timeout: timeout))
        }
        try Self.check(status: status, url: url)
    }

    /// Starts task `task`'s GET. Its deadline covers the whole request, body
    /// included (the async `execute(_:timeout:)` stops timing once the head
    /// arrives, so a server that stalls mid-body would hang a task), and its
    /// body is counted and dropped as it arrives, so memory stays flat
    /// whatever the size of the body.
    private func start(task: Int) throws(PoolBenchError) -> (url: String, request: HTTPClient.Task<UInt>) {
        let url = url(for: task)
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: url, method: .GET)
        } catch {
            throw .requestFailed(url: url, reason: Self.reason(error, timeout: timeout))
        }
        let counter = BodyCounter { [self] bytes in received.wrappingAdd(bytes, ordering: .relaxed) }
        return (url, client.execute(request: request, delegate: counter, deadline: .now() + timeAmount))
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

    private static func check(status: UInt, url: String) throws(PoolBenchError) {
        guard (200..<300).contains(status) else {
            throw .requestFailed(url: url, reason: "status \(status)")
        }
    }

    /// A short lower-case reason: "connection refused", "timed out after 30s".
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
        return String(describing: error)
    }
}

/// Counts a response's body bytes as they arrive and keeps none of them;
/// the response it yields is the status code.
private final class BodyCounter: HTTPClientResponseDelegate {
    typealias Response = UInt

    private let status = Atomic<UInt>(0)
    private let count: @Sendable (Int) -> Void

    init(count: @escaping @Sendable (Int) -> Void) {
        self.count = count
    }

    func didReceiveHead(task: HTTPClient.Task<UInt>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        status.store(head.status.code, ordering: .relaxed)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<UInt>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        count(buffer.readableBytes)
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<UInt>) throws -> UInt {
        status.load(ordering: .relaxed)
    }
}
