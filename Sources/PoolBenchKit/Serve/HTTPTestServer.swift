import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix

/// A loopback HTTP server whose answer is known: each response is held for
/// `latency` and at most `capacity` are in service at once (the rest queue
/// in arrival order), so throughput saturates at capacity ÷ latency.
/// With `latencyCV` > 0 each response's hold is drawn from a lognormal of
/// mean `latency` and that coefficient of variation: a noisy job whose
/// capacity is still known.
///
/// With `latencyCV` above 0 each response is held for a lognormal draw
/// with mean `latency` and that coefficient of variation instead
/// (`LognormalLatency`), seeded by `seed`, so a noisy server can be
/// reproduced.
///
/// Every path answers 200 with `bytes` of body, except `/status/NNN`, which
/// answers status NNN (after the same wait), so error handling can be tried.
public final class HTTPTestServer: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var latency: Double
        public var capacity: Int?
        public var bytes: Int
        /// Standard deviation ÷ mean of the service time; 0 holds every response for exactly `latency`.
        public var latencyCV: Double
        /// Seeds the service times' generator; nil draws a seed.
        public var seed: UInt64?

        public init(
            host: String = "127.0.0.1", port: Int = 0, latency: Double = 0, capacity: Int? = nil, bytes: Int = 1024,
            latencyCV: Double = 0, seed: UInt64? = nil
        ) {
            self.host = host
            self.port = port
            self.latency = latency
            self.capacity = capacity
            self.bytes = bytes
            self.latencyCV = latencyCV
            self.seed = seed
        }
    }

    /// What the server has done so far.
    public struct Statistics: Sendable, Hashable {
        /// Responses sent.
        public var served: Int
        /// The most requests ever in service at the same time.
        public var mostInService: Int
    }

    public let configuration: Configuration
    /// The port actually bound (the free one picked when asked for port 0).
    public let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let gate: ServiceGate

    /// Binds and starts serving. Throws `PoolBenchError.cannotListenOnHost`
    /// when the host is not an address of this machine, and
    /// `PoolBenchError.cannotListen` when the address cannot be bound
    /// otherwise, e.g. because the port is in use.
    public init(_ configuration: Configuration) throws {
        precondition(configuration.capacity.map { $0 >= 1 } ?? true, "capacity must be at least 1")
        let gate = ServiceGate(capacity: configuration.capacity)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: configuration.bytes)
        let latency = LatencySource(
            LognormalLatency(mean: configuration.latency, coefficientOfVariation: configuration.latencyCV),
            seed: configuration.seed ?? UInt64.random(in: .min ... .max)
        )
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        RequestHandler(gate: gate, latency: latency, body: body)
                    )
                }
            }
        do {
            channel = try bootstrap.bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            if let reason = Self.hostProblem(error) {
                throw PoolBenchError.cannotListenOnHost(host: configuration.host, reason: reason)
            }
            throw PoolBenchError.cannotListen(host: configuration.host, port: configuration.port, reason: Self.reason(error))
        }
        self.configuration = configuration
        self.port = channel.localAddress?.port ?? configuration.port
        self.group = group
        self.gate = gate
    }

    /// `http://127.0.0.1:43123/`
    public var url: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)/"
    }

    public var statistics: Statistics { gate.statistics }

    /// Requests waiting for a slot now, and those withdrawn because their
    /// connection closed while they waited: for tests to count.
    var waitingRequests: Int { gate.waitingCount }
    var withdrawnRequests: Int { gate.withdrawnCount }

    /// Stops listening, closes every connection and its threads.
    public func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// Runs until the listening channel closes (it never does by itself).
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// Why the host cannot be listened on, when that is what `error` says:
    /// any port would fail the same way.
    private static func hostProblem(_ error: any Error) -> String? {
        if error is SocketAddressError.UnknownHost || error is SocketAddressError { return "no such host or address" }
        guard let error = error as? IOError else { return nil }
        if error.errnoCode == EADDRNOTAVAIL { return "not an address of this machine" }
        if error.errnoCode == EAFNOSUPPORT { return reason(error) }
        return nil
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError {
            return String(cString: strerror(error.errnoCode)).lowercased()
        }
        return String(describing: error)
    }
}

/// Answers one connection's requests in order, each after its turn at the
/// gate and the configured latency. A request still waiting for its turn
/// when the connection closes is withdrawn from the gate: its client gave
/// up, and serving it would only delay the clients still waiting. One
/// already in service keeps its slot until its latency ends, as a real
/// server's work in progress would, so a client's timeout delays those
/// after it by one latency at most.
private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let gate: ServiceGate
    private let latency: LatencySource
    private let body: ByteBuffer
    private var head: HTTPRequestHead?
    /// The request waiting at the gate, if one is.
    private var waiting: ServiceGate.Ticket?

    init(gate: ServiceGate, latency: LatencySource, body: ByteBuffer) {
        self.gate = gate
        self.latency = latency
        self.body = body
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(request):
            head = request
        case .body:
            break
        case .end:
            guard let request = head else { return }
            head = nil
            let status = Self.status(for: request.uri)
            let keepAlive = request.isKeepAlive
            let eventLoop = context.eventLoop
            let loopBound = NIOLoopBound((self, context), eventLoop: eventLoop)
            let latency = latency
            waiting = gate.enter { [gate] in
                // Drawn as the request enters service, so draws follow the order of service.
                let hold = TimeAmount.nanoseconds(Int64((latency.next() * 1e9).rounded()))
                eventLoop.execute {
                    eventLoop.scheduleTask(in: hold) {
                        let (handler, context) = loopBound.value
                        handler.respond(context: context, status: status, keepAlive: keepAlive)
                        gate.leave()
                    }
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let waiting { gate.cancel(waiting) }
        waiting = nil
        context.fireChannelInactive()
    }

    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, keepAlive: Bool) {
        guard context.channel.isActive else { return }
        let body = status == .ok ? self.body : ByteBuffer(string: "\(status.code) \(status.reasonPhrase)\n")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Content-Type", value: "application/octet-stream")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }

    /// 200, or NNN for a path `/status/NNN`.
    static func status(for uri: String) -> HTTPResponseStatus {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        guard path.hasPrefix("/status/"), let code = Int(path.dropFirst("/status/".count)), (200...599).contains(code) else {
            return .ok
        }
        return HTTPResponseStatus(statusCode: code)
    }
}
