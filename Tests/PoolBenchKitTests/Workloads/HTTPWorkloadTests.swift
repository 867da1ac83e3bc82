import Foundation
import Synchronization
import Testing
@testable import PoolBenchKit

/// The http workload against the in-process server, and the server itself.
@Suite struct HTTPWorkloadTests {
    @Test func everyTaskFetchesTheWholeBodyThroughEveryExecutor() async throws {
        let server = try HTTPTestServer(.init(bytes: 4096))
        defer { server.stop() }
        let workload = try HTTPWorkload(urls: [server.url], timeout: 10)
        defer { workload.close() }
        for kind in [ExecutorKind.sequential, .pool, .tasks] {
            let result = try await kind.makeExecutor(workerCommand: []).execute(workload, tasks: 12, workers: 4)
            #expect(result.errorCount == 0, "\(kind): \(result.firstError ?? "")")
        }
        #expect(await server.served(settlingAt: 36) == 36)
    }

    @Test func everyBodyByteIsCountedWhicheverExecutorRanTheTask() async throws {
        let server = try HTTPTestServer(.init(bytes: 1000))
        defer { server.stop() }
        let workload = try HTTPWorkload(urls: [server.url], timeout: 10)
        defer { workload.close() }
        #expect(workload.bytesReceived == 0)
        for kind in [ExecutorKind.sequential, .threads, .pool, .dispatch, .tasks] {
            let before = try #require(workload.bytesReceived)
            _ = try await kind.makeExecutor(workerCommand: []).execute(workload, tasks: 7, workers: 3)
            #expect(workload.bytesReceived == before + 7000, "\(kind)")
        }
        // Worker processes rebuild the workload from its spec, count what
        // their tasks receive and report it with each reply.
        let before = workload.bytesReceived
        let result = try await ProcessesExecutor(launcher: InProcessWorkerLauncher()).execute(workload, tasks: 7, workers: 3)
        #expect(result.errorCount == 0, "\(result.firstError ?? "")")
        #expect(result.workerBytesReceived == 7000)
        #expect(workload.bytesReceived == before, "the parent's workload ran none of them")
    }

    @Test func anErrorStatusStillCountsItsBody() async throws {
        let server = try HTTPTestServer(.init())
        defer { server.stop() }
        let workload = try HTTPWorkload(urls: [server.url + "status/503"], timeout: 10)
        defer { workload.close() }
        let result = try await PoolExecutor().execute(workload, tasks: 2, workers: 2)
        #expect(result.errorCount == 2)
        #expect(try #require(workload.bytesReceived) > 0)
    }

    @Test func aRefusedConnectionFailsTheTaskWithAShortReason() async throws {
        let stopped = try HTTPTestServer(.init())
        let url = stopped.url + "x"
        stopped.stop()
        let workload = try HTTPWorkload(urls: [url], timeout: 10)
        defer { workload.close() }
        let result = try await PoolExecutor().execute(workload, tasks: 3, workers: 2)
        #expect(result.errorCount == 3)
        #expect(result.firstError == "GET \(url): connection refused")
    }

    @Test func aStatusOutsideTwoHundredsFailsTheTask() async throws {
        let server = try HTTPTestServer(.init())
        defer { server.stop() }
        let url = server.url + "status/404"
        let workload = try HTTPWorkload(urls: [url, server.url], timeout: 10)
        defer { workload.close() }
        for kind in [ExecutorKind.pool, .tasks] {
            let result = try await kind.makeExecutor(workerCommand: []).execute(workload, tasks: 4, workers: 2)
            #expect(result.errorCount == 2, "tasks 0 and 2 take the 404 URL")
            #expect(result.firstError == "GET \(url): status 404")
        }
    }

    @Test func aSlowResponseTimesOut() async throws {
        let server = try HTTPTestServer(.init(latency: 5))
        defer { server.stop() }
        let workload = try HTTPWorkload(urls: [server.url], timeout: 0.05)
        defer { workload.close() }
        for kind in [ExecutorKind.pool, .tasks] {
            let result = try await kind.makeExecutor(workerCommand: []).execute(workload, tasks: 2, workers: 2)
            #expect(result.errorCount == 2)
            #expect(result.firstError == "GET \(server.url): timed out after 50ms")
        }
    }

    /// Without a deadline over the body, the `tasks` body would wait for the
    /// rest of it forever; the time limit turns that into a failure.
    @Test(.timeLimit(.minutes(1)))
    func aBodyThatStallsTimesOutWhicheverBodyRanTheTask() async throws {
        let server = try StallingServer()
        defer { server.stop() }
        let workload = try HTTPWorkload(urls: [server.url], timeout: 0.2)
        defer { workload.close() }
        for kind in [ExecutorKind.pool, .tasks] {
            let result = try await kind.makeExecutor(workerCommand: []).execute(workload, tasks: 2, workers: 2)
            #expect(result.errorCount == 2, "\(kind)")
            #expect(result.firstError == "GET \(server.url): timed out after 200ms", "\(kind)")
        }
    }

    /// A silent https endpoint holds each connection in its TLS handshake.
    /// The pool's own 30 s for making a connection used to hold the
    /// client's shutdown, so a sweep whose tasks all failed at the timeout
    /// printed its summary half a minute later. The bound is far from both.
    @Test(.timeLimit(.minutes(1)))
    func aSilentHTTPSEndpointHoldsNothingPastTheTimeout() async throws {
        let server = try StallingServer(silent: true)
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/"
        let started = MonotonicClock.now()
        let workload = try HTTPWorkload(urls: [url], timeout: 0.2)
        for kind in [ExecutorKind.sequential, .tasks] {
            let result = try await kind.makeExecutor(workerCommand: []).execute(workload, tasks: 2, workers: 2)
            #expect(result.errorCount == 2, "\(kind)")
            #expect(result.firstError == "GET \(url): timed out after 200ms", "\(kind)")
        }
        workload.close()
        let seconds = Double(MonotonicClock.now() - started) / 1e9
        #expect(seconds < 15, "four 200 ms tasks and a shutdown took \(seconds) s")
    }

    @Test func aBodyOfManyChunksIsCountedWhole() async throws {
        let server = try HTTPTestServer(.init(bytes: 3 << 20))
        defer { server.stop() }
        let workload = try HTTPWorkload(urls: [server.url], timeout: 30)
        defer { workload.close() }
        for kind in [ExecutorKind.pool, .tasks] {
            let before = try #require(workload.bytesReceived)
            let result = try await kind.makeExecutor(workerCommand: []).execute(workload, tasks: 2, workers: 2)
            #expect(result.errorCount == 0, "\(kind): \(result.firstError ?? "")")
            #expect(workload.bytesReceived == before + 2 * (3 << 20), "\(kind)")
        }
    }

    @Test(arguments: ["ftp://example.org/", "http://", "not a url", "/relative/path"])
    func aURLThatCannotBeFetchedIsRefusedUpFront(url: String) {
        #expect(HTTPWorkload.problem(with: url) != nil)
        #expect(throws: PoolBenchError.self) { try HTTPWorkload(urls: [url], timeout: 1) }
    }

    @Test func theSpecRebuildsTheSameWorkload() throws {
        let spec = WorkloadSpec.http(urls: ["http://127.0.0.1:1/a", "https://127.0.0.1:2/b"], timeout: 2)
        let workload = try spec.makeWorkload()
        defer { workload.close() }
        #expect(workload.spec == spec)
        #expect(spec.parameterText == "urls=2 first=http://127.0.0.1:1/a timeout=2s")
    }
}

@Suite struct HTTPTestServerTests {
    @Test func neverServesMoreThanItsCapacityAtOnce() async throws {
        let server = try HTTPTestServer(.init(latency: 0.002, capacity: 3))
        defer { server.stop() }
        let workload = try HTTPWorkload(urls: [server.url], timeout: 30)
        defer { workload.close() }
        let result = try await PoolExecutor().execute(workload, tasks: 60, workers: 12)
        #expect(result.errorCount == 0)
        #expect(await server.served(settlingAt: 60) == 60)
        #expect(server.statistics.mostInService <= 3)
    }

    @Test func queuedRequestsAreAdmittedInArrivalOrder() {
        let gate = ServiceGate(capacity: 1)
        let order = Recorder()
        gate.enter { order.append(0) }
        for request in 1...5 { gate.enter { order.append(request) } }
        #expect(order.values == [0])
        for _ in 1...5 { gate.leave() }
        #expect(order.values == [0, 1, 2, 3, 4, 5])
        #expect(gate.statistics == .init(served: 5, mostInService: 1))
    }

    @Test func aPortInUseIsOneClearError() throws {
        let first = try HTTPTestServer(.init())
        defer { first.stop() }
        #expect {
            try HTTPTestServer(.init(port: first.port))
        } throws: { error in
            (error as? PoolBenchError).map { "\($0)".hasPrefix("cannot listen on 127.0.0.1:\(first.port): address already in use.") } ?? false
        }
    }
}

/// Collects values from closures that may run on any thread.
final class Recorder: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ value: Int) { storage.withLock { $0.append(value) } }
    var values: [Int] { storage.withLock { $0 } }
}

extension HTTPTestServer {
    /// Responses sent, once the count reaches `expected` or two seconds
    /// pass. The server counts a response just after writing it, so a
    /// client can read the last one a moment before it is counted; the
    /// wait bounds that, and the caller asserts the count.
    func served(settlingAt expected: Int) async -> Int {
        for _ in 0..<200 where statistics.served < expected {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return statistics.served
    }
}
