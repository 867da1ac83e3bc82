import Foundation
import Synchronization
import Testing
@testable import PoolBenchKit

extension ExecutionTests {
    /// The `processes` executor against real child processes: tiny `/bin/sh`
    /// workers that speak the worker protocol, so no poolbench binary is needed.
    @Suite final class Processes {
        /// Where the shell workers leave their traces; gone after each test.
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("poolbench-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        deinit {
            try? FileManager.default.removeItem(at: directory)
        }

        /// A shell worker: the configuration argument lands in `$0`, unused.
        func shellWorker(_ script: String) -> ProcessesExecutor {
            ProcessesExecutor(workerCommand: ["/bin/sh", "-c", script])
        }

        func lines(of name: String) throws -> [String] {
            try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                .split(separator: "\n").map(String.init)
        }

        @Test func runsEveryTaskOnceInWorkerProcessesAndReapsThemAll() async throws {
            let log = directory.appendingPathComponent("tasks").path
            let pids = directory.appendingPathComponent("pids").path
            let executor = shellWorker("""
                echo $$ >> '\(pids)'
                while read task; do echo "$task" >> '\(log)'; echo "ok $task 0.001 0"; done
                """)
            let result = try await executor.execute(CountingWorkload(tasks: 40), tasks: 40, workers: 3)
            #expect(try lines(of: "tasks").compactMap(Int.init).sorted() == Array(0..<40))
            #expect(result.errorCount == 0)
            #expect(result.latencies == Array(repeating: 0.001, count: 40))
            let workerPids = try lines(of: "pids").compactMap { pid_t($0) }
            #expect(workerPids.count == 3)
            for pid in workerPids {
                // A reaped child is gone; an unreaped one would linger as a zombie.
                #expect(kill(pid, 0) == -1 && errno == ESRCH, "worker \(pid) was not reaped")
            }
        }

        @Test func aWorkerThatDiesFailsOnlyTheTaskItWasRunning() async throws {
            let executor = shellWorker("""
                while read task; do
                  if [ "$task" = 5 ]; then exit 3; fi
                  echo "ok $task 0 0"
                done
                """)
            let result = try await executor.execute(CountingWorkload(tasks: 20), tasks: 20, workers: 2)
            #expect(result.errorCount == 1)
            let message = try #require(result.firstError)
            #expect(message.contains("task 5") && message.contains("exited with status 3"), "\(message)")
            #expect(result.latencies.count == 19)
            #expect(result.failedLatencies.count == 1)
        }

        @Test func whenEveryWorkerDiesTheRemainingTasksFailWithoutHanging() async throws {
            let executor = shellWorker("read task; exit 1")
            let result = try await executor.execute(CountingWorkload(tasks: 10), tasks: 10, workers: 2)
            #expect(result.errorCount == 10)
            #expect(result.latencies.isEmpty)
            #expect(result.failedLatencies.count == 10)
        }

        @Test func aFailureReportedByTheWorkerIsCountedWithItsMessage() async throws {
            let executor = shellWorker("""
                while read task; do
                  if [ "$task" = 2 ]; then echo "error $task 0.5 0 disk on fire"; else echo "ok $task 0 0"; fi
                done
                """)
            let result = try await executor.execute(CountingWorkload(tasks: 6), tasks: 6, workers: 2)
            #expect(result.errorCount == 1)
            #expect(result.firstError == "disk on fire")
            #expect(result.failedLatencies == [0.5])
            #expect(result.latencies == Array(repeating: 0, count: 5))
            #expect(result.failures == FailureCounts([.other: 1]))
        }

        @Test func theBytesWorkersReportAreSummedIntoTheResult() async throws {
            let executor = shellWorker("""
                while read task; do
                  if [ "$task" = 3 ]; then echo "error $task 0 7 status 500"; else echo "ok $task 0 $((task * 100))"; fi
                done
                """)
            let result = try await executor.execute(CountingWorkload(tasks: 5), tasks: 5, workers: 2)
            #expect(result.workerBytesReceived == 0 + 100 + 200 + 7 + 400)
            #expect(result.errorCount == 1)
        }

        @Test func anUnreadableReplyFailsTheTaskAndRetiresTheWorker() async throws {
            let executor = shellWorker("while read task; do echo 'hello there'; done")
            let result = try await executor.execute(CountingWorkload(tasks: 4), tasks: 4, workers: 1)
            #expect(result.errorCount == 4)
            #expect(result.firstError?.contains("unreadable reply 'hello there'") == true)
        }

        @Test func aWorkerCommandThatCannotStartIsReported() async throws {
            let missing = directory.appendingPathComponent("no-such-worker").path
            await #expect(throws: PoolBenchError.cannotStartWorker(command: missing, errno: ENOENT)) {
                try await ProcessesExecutor(workerCommand: [missing]).execute(CountingWorkload(tasks: 2), tasks: 2, workers: 2)
            }
            await #expect(throws: PoolBenchError.emptyWorkerCommand) {
                try await ProcessesExecutor(workerCommand: []).execute(CountingWorkload(tasks: 2), tasks: 2, workers: 2)
            }
        }

        @Test func aCapacityServerSharesOneSemaphoreThatIsUnlinkedAfterTheRun() async throws {
            let workload = try SleepWorkload(duration: 0, capacity: 2)
            // In-process workers build their workload from the configuration,
            // as real ones do, so they open the shared semaphore by name.
            let launcher = InProcessWorkerLauncher()
            let result = try await ProcessesExecutor(launcher: launcher).execute(workload, tasks: 12, workers: 3)
            #expect(result.errorCount == 0, "\(result.firstError ?? "")")
            let names = Set(launcher.configurations.map(\.sharedSlots))
            #expect(names.count == 1)
            let name = try #require(names.first ?? nil)
            #expect(throws: PoolBenchError.cannotOpenSharedSlots(name: name, errno: ENOENT)) {
                try SharedSlots.open(name: name, capacity: 2)
            }
        }
    }
}
