import Testing
@testable import PoolBenchKit

extension ExecutionTests {
    @Suite struct EveryExecutor {
        @Test(arguments: ExecutorKind.forTasks)
        func runsAtMostItsWorkersAtOnceAndReachesThatMany(kind: ExecutorKind) async throws {
            let workers = kind.isSingleWorker ? 1 : 4
            let workload = CountingWorkload(tasks: 24, latch: Latch(count: workers))
            let result = try await makeExecutor(kind, serving: workload).execute(workload, tasks: 24, workers: 4)
            #expect(!workload.timedOut, "fewer than \(workers) tasks were ever in flight together")
            #expect(workload.maxInFlight == workers)
            #expect(result.errorCount == 0)
        }

        @Test(arguments: ExecutorKind.forTasks)
        func runsEveryTaskExactlyOnceAndTimesEachOne(kind: ExecutorKind) async throws {
            let workload = CountingWorkload(tasks: 50)
            let result = try await makeExecutor(kind, serving: workload).execute(workload, tasks: 50, workers: 3)
            #expect(workload.runs == Array(repeating: 1, count: 50))
            #expect(result.latencies.count == 50)
            // No task can take longer than the whole run it was part of.
            #expect(result.latencies.allSatisfy { $0 <= result.wallSeconds })
            #expect(result.firstError == nil)
        }

        @Test(arguments: ExecutorKind.forTasks)
        func countsAThrowingTaskAndKeepsItsMessageWhileTheOthersComplete(kind: ExecutorKind) async throws {
            let workload = CountingWorkload(tasks: 12, failures: [5: "task 5 failed"])
            let result = try await makeExecutor(kind, serving: workload).execute(workload, tasks: 12, workers: 3)
            #expect(result.errorCount == 1)
            #expect(result.firstError == "task 5 failed")
            #expect(workload.runs == Array(repeating: 1, count: 12))
            #expect(result.latencies.count == 11, "a failed task's latency is kept apart")
            #expect(result.failedLatencies.count == 1)
            #expect(result.failures == FailureCounts([.other: 1]))
        }

        @Test(arguments: ExecutorKind.forTasks)
        func countsEveryFailureAndKeepsOneOfTheirMessages(kind: ExecutorKind) async throws {
            let failing = Dictionary(uniqueKeysWithValues: stride(from: 0, to: 30, by: 3).map { ($0, "task \($0) failed") })
            let workload = CountingWorkload(tasks: 30, failures: failing)
            let result = try await makeExecutor(kind, serving: workload).execute(workload, tasks: 30, workers: 4)
            #expect(result.errorCount == failing.count)
            #expect(Set(failing.values).contains(try #require(result.firstError)))
            #expect(workload.runs == Array(repeating: 1, count: 30))
        }

        @Test(arguments: ExecutorKind.forTasks)
        func moreWorkersThanTasksStillRunsEachTaskOnce(kind: ExecutorKind) async throws {
            let workload = CountingWorkload(tasks: 3)
            let result = try await makeExecutor(kind, serving: workload).execute(workload, tasks: 3, workers: 16)
            #expect(workload.runs == [1, 1, 1])
            #expect(result.latencies.count == 3)
        }

        @Test(arguments: ExecutorKind.forTasks)
        func noTasksGiveAnEmptyResult(kind: ExecutorKind) async throws {
            let workload = CountingWorkload(tasks: 0)
            let result = try await makeExecutor(kind, serving: workload).execute(workload, tasks: 0, workers: 4)
            #expect(result.latencies.isEmpty)
            #expect(result.errorCount == 0)
        }

        @Test(arguments: ExecutorKind.forTasks)
        func fewerThanOneWorkerIsRejected(kind: ExecutorKind) async throws {
            let workload = CountingWorkload(tasks: 1)
            await #expect(throws: PoolBenchError.invalidWorkers(0)) {
                try await makeExecutor(kind, serving: workload).execute(workload, tasks: 1, workers: 0)
            }
        }

        @Test(arguments: ExecutorKind.forTasks)
        func eachKindMakesAnExecutorOfThatKind(kind: ExecutorKind) {
            #expect(kind.makeExecutor(workerCommand: ["poolbench", "worker"]).kind == kind)
        }
    }
}
