import Glibc
import Testing
@testable import PoolBenchKit

/// A request whose client gave up while it waited is never served: it
/// would hold the slot for a full latency that nobody reads.
@Suite struct AbandonedRequestTests {
    @Test func aWithdrawnWaiterIsSkippedWhenItsTurnComes() {
        let gate = ServiceGate(capacity: 1)
        let order = Recorder()
        #expect(gate.enter { order.append(0) } == nil, "admitted at once, so there is nothing to withdraw")
        let tickets = (1...5).map { request in gate.enter { order.append(request) } }
        #expect(gate.cancel(tickets[1]!))
        #expect(gate.cancel(tickets[3]!))
        #expect(!gate.cancel(tickets[1]!), "withdrawn already")
        #expect(gate.waitingCount == 3)
        for _ in 1...3 { gate.leave() }
        #expect(order.values == [0, 1, 3, 5])
        #expect(!gate.cancel(tickets[4]!), "in service: its leave ends it")
        gate.leave()
        #expect(gate.statistics == .init(served: 4, mostInService: 1))
        #expect(gate.withdrawnCount == 2)
        // Empty again: the next request is admitted at once.
        #expect(gate.enter { order.append(6) } == nil)
        #expect(order.values == [0, 1, 3, 5, 6])
    }

    /// Eight clients queue behind one slow request and close their
    /// connections. The next client is served after the request in
    /// service, not after eight more latencies: the server sends two
    /// responses in all, where it used to send ten.
    @Test(.timeLimit(.minutes(1)))
    func requestsWhoseClientsCloseWhileWaitingAreDropped() async throws {
        let latency = 0.3
        let server = try HTTPTestServer(.init(latency: latency, capacity: 1))
        defer { server.stop() }
        let abandoned = try (0..<9).map { _ in try RawClient(port: server.port) }
        #expect(await server.settle { $0.waitingRequests == 8 }, "one request in service, eight waiting")
        for client in abandoned { client.close() }
        #expect(await server.settle { $0.withdrawnRequests == 8 })
        #expect(server.waitingRequests == 0)

        let workload = try HTTPWorkload(urls: [server.url], timeout: 30)
        defer { workload.close() }
        let started = MonotonicClock.now()
        let result = try await SequentialExecutor().execute(workload, tasks: 1, workers: 1)
        let seconds = Double(MonotonicClock.now() - started) / 1e9
        #expect(result.errorCount == 0, "\(result.firstError ?? "")")
        #expect(await server.served(settlingAt: 2) == 2, "the request in service and the last client's, none of the abandoned")
        // Generous: the request in service ends within one latency, then
        // this one takes another; serving the abandoned eight would take 2.4 s more.
        #expect(seconds < 8 * latency, "the last client waited \(seconds) s")
    }
}

/// A client that sends one request and may close before the answer.
private struct RawClient {
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let request = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard connected == 0, send(socket, request, request.count, 0) == request.count else {
            Glibc.close(socket)
            throw POSIXFailure(errno: errno)
        }
    }

    func close() {
        Glibc.close(socket)
    }
}

private struct POSIXFailure: Error {
    var errno: Int32
}

extension HTTPTestServer {
    /// Whether `condition` holds within five seconds, polled: the server
    /// sees a client's request and its closing a moment after the client
    /// acts.
    func settle(_ condition: (HTTPTestServer) -> Bool) async -> Bool {
        for _ in 0..<500 where !condition(self) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(self)
    }
}
