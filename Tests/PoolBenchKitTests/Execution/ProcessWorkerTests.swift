import Foundation
import Testing
@testable import PoolBenchKit

extension ExecutionTests {
    @Suite struct WorkerProtocol {
        @Test(arguments: [
            ProcessWorker.Configuration(spec: .sleep(duration: 0.01, capacity: 4), sharedSlots: "/poolbench-1-2"),
            ProcessWorker.Configuration(spec: .sleep(duration: 1.5e-4, capacity: nil)),
            ProcessWorker.Configuration(spec: .cpu(size: 1_000_000)),
            ProcessWorker.Configuration(spec: .file(bytes: 65536)),
        ])
        func aConfigurationSurvivesTheTripThroughItsArguments(configuration: ProcessWorker.Configuration) throws {
            let arguments = ProcessWorker.arguments(for: configuration)
            #expect(arguments.count == 1)
            #expect(try ProcessWorker.configuration(fromArguments: arguments) == configuration)
        }

        @Test func argumentsThatAreNotOneConfigurationAreRejected() {
            #expect(throws: PoolBenchError.self) { try ProcessWorker.configuration(fromArguments: []) }
            #expect(throws: PoolBenchError.self) { try ProcessWorker.configuration(fromArguments: ["{\"spec\": 3}"]) }
        }

        @Test(arguments: [
            WorkerReply(task: 7, latency: 0.0125, failure: nil),
            WorkerReply(task: 0, latency: 1e-6, failure: "Cannot fsync /tmp/x: I/O error"),
            WorkerReply(task: 3, latency: 0.5, bytesReceived: 1_048_576, failure: nil),
            WorkerReply(task: 4, latency: 0.5, bytesReceived: 12, failure: "GET http://127.0.0.1/: status 503"),
            WorkerReply(task: 5, latency: 0.25, bytesReceived: 3, failure: "GET http://127.0.0.1/: status 429", kind: .http(429)),
        ])
        func aReplySurvivesTheTripThroughItsLine(reply: WorkerReply) {
            #expect(reply.line.hasSuffix("\n"))
            #expect(WorkerReply(line: String(reply.line.dropLast())) == reply)
        }

        @Test func aFailureMessageIsKeptOnOneLine() {
            let reply = WorkerReply(task: 1, latency: 0, failure: "first\nsecond")
            #expect(reply.line == "error 1 0.0 0 first second\n")
        }

        @Test(arguments: ["", "ok", "ok 1", "ok 1 0", "ok x 0 0", "ok 1 0 x", "ok 1 0 -5", "ok 1 0 0 extra", "error 1 0 0", "done 1 0 0"])
        func malformedRepliesAreNotRead(line: String) {
            #expect(WorkerReply(line: line) == nil)
        }

        @Test func theWorkerLoopAnswersEachTaskInOrderAndStopsAtEndOfInput() throws {
            var ends: [Int32] = [-1, -1]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
            defer { close(ends[0]) }
            let workload = CountingWorkload(tasks: 3, failures: [1: "no good"])
            #expect(WorkerChannel.send("0\n1\n2\n", to: ends[0]))
            shutdown(ends[0], Int32(SHUT_WR))
            try ProcessWorker.serve(workload, input: ends[1], output: ends[1])
            close(ends[1])
            var replies = LineBuffer()
            var lines: [WorkerReply] = []
            while let line = replies.readLine(from: ends[0]) {
                lines.append(try #require(WorkerReply(line: line)))
            }
            #expect(lines.map(\.task) == [0, 1, 2])
            #expect(lines.map(\.failure) == [nil, "no good", nil])
            #expect(workload.runs == [1, 1, 1])
        }

        /// A worker's arguments are in `ps` for every user of the machine; an
        /// http workload's configuration holds its credentials.
        @Test func aSpawnedWorkerFindsItsConfigurationInItsEnvironmentNotItsArguments() throws {
            let configuration = ProcessWorker.Configuration(
                spec: .http(HTTPRequestSpec(urls: ["http://u:pw@h/"], headers: [.init(name: "X-Api-Key", value: "k")]))
            )
            let script = #"printf '%s|%s\n' "$#" "$POOLBENCH_WORKER_CONFIGURATION""#
            let worker = try SpawnedWorkerLauncher(command: ["/bin/sh", "-c", script, "sh"]).launch(configuration)
            var replies = LineBuffer()
            let read = replies.readLine(from: worker.channel)
            let line = try #require(read)
            close(worker.channel)
            #expect(worker.reap(grace: 5) == "exited with status 0")
            #expect(line == "0|" + ProcessWorker.arguments(for: configuration)[0])
        }

        @Test func aRequestThatIsNotATaskNumberStopsTheWorker() {
            var ends: [Int32] = [-1, -1]
            #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
            defer { close(ends[0]); close(ends[1]) }
            #expect(WorkerChannel.send("seven\n", to: ends[0]))
            #expect(throws: PoolBenchError.workerProtocolViolation("expected a task number, got 'seven'")) {
                try ProcessWorker.serve(CountingWorkload(tasks: 1), input: ends[1], output: ends[1])
            }
        }
    }
}
