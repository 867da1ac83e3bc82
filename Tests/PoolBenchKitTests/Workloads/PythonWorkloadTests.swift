import Foundation
import Testing
@testable import PoolBenchKit

/// The python workload in-process: its resident worker's lines, each
/// executor over a real interpreter, and a worker that dies mid-run.
@Suite struct PythonWorkloadTests {
    @Test func itemLinesReadAsRepliesAndAFailureKeepsItsExceptionType() {
        #expect(PythonWorker.item("ok 3 0.25") == WorkerReply(task: 3, latency: 0.25, failure: nil))
        #expect(
            PythonWorker.item("fail 1 0.5 ValueError bad value 1")
                == WorkerReply(task: 1, latency: 0.5, failure: "ValueError: bad value 1", kind: FailureKind(rawValue: "ValueError"))
        )
        #expect(PythonWorker.item("fail 2 1.0 timeout took longer than 1s")?.kind == .timeout)
        #expect(PythonWorker.item("ok x 0.25") == nil)
        #expect(PythonWorker.item("ok 3 -1") == nil)
        #expect(PythonWorker.item("maybe 3 0.25") == nil)
        #expect(PythonWorker.totals("done 0.5 0.01 0.002") == .init(wallSeconds: 0.5, userSeconds: 0.01, systemSeconds: 0.002))
        #expect(PythonWorker.totals("done 0.5 0.01") == nil)
    }

    @Test func aReferenceSplitsAtItsLastColonAndTheParametersSayWhatRan() throws {
        let reference = try #require(PythonFunctionSpec.Reference("D:/src/fetch.py:download"))
        #expect(reference.file == "D:/src/fetch.py")
        #expect(reference.name == "download")
        #expect(PythonFunctionSpec.Reference("fetch.py") == nil)
        #expect(PythonFunctionSpec.Reference("fetch.py:") == nil)
        let spec = WorkloadSpec.python(
            PythonFunctionSpec(function: reference, setup: PythonFunctionSpec.Reference("s.py:open"), items: .lines(source: "urls.txt", ["a"]), timeout: 2)
        )
        #expect(spec.parameterText == "function=D:/src/fetch.py:download setup=s.py:open items=urls.txt timeout=2s")
        #expect(spec.runArguments(executor: "py-threads", workers: "1,2").suffix(6) == ["--timeout", "2s", "--executor", "py-threads", "--workers", "1,2"])
        // The history keeps the items file's name, not its lines; the command reads it afresh.
        let json = try #require(spec.storedJSON)
        #expect(!json.contains("\"a\""), "\(json)")
        let stored = try #require(WorkloadSpec(storedJSON: json))
        #expect(stored.runArguments(executor: "py-processes", workers: "4") == [
            "poolbench", "run", "python", "--function", "D:/src/fetch.py:download", "--setup", "s.py:open", "--items", "urls.txt",
            "--timeout", "2s", "--executor", "py-processes", "--workers", "4",
        ])
        let fromStandardInput = WorkloadSpec.python(PythonFunctionSpec(function: reference, items: .lines(source: "-", ["a"])))
        #expect(fromStandardInput.isWholeWhenStored == false, "items read from standard input are gone")
    }

    @Test(arguments: [("plain", ExecutorKind.pyThreads), ("plain", .pyProcesses), ("coroutine", .pyAsyncio)])
    func eachExecutorCallsTheFunctionOncePerItemAndTimesEachItem(function: String, executor: ExecutorKind) async throws {
        let module = try Module()
        defer { module.remove() }
        let workload = try module.workload(function, items: .lines(source: "items", ["a", "b", "bad", "c"]))
        defer { workload.close() }
        let result = try await executor.makeExecutor(workerCommand: []).execute(workload, tasks: 4, workers: 2)
        #expect(result.latencies.count == 3)
        #expect(result.latencies.allSatisfy { $0 >= 0.005 }, "each item sleeps 5 ms: \(result.latencies)")
        #expect(result.errorCount == 1)
        #expect(result.failures == FailureCounts([FailureKind(rawValue: "ValueError"): 1]))
        #expect(result.firstError == "ValueError: no item called bad")
        #expect(result.wallSeconds >= 0.01)
    }

    @Test func aWorkerThatDiesMidRunFailsTheItemsItHadNotFinishedAndIsStartedAgain() async throws {
        let module = try Module()
        defer { module.remove() }
        let workload = try module.workload("dies", items: .count(5))
        defer { workload.close() }
        let executor = ExecutorKind.pyThreads.makeExecutor(workerCommand: [])
        let first = try await executor.execute(workload, tasks: 5, workers: 1)
        #expect(first.latencies.count == 2)
        #expect(first.errorCount == 3)
        #expect(first.firstError?.hasPrefix("the Python worker stopped answering and was killed by signal 9") == true, "\(first.firstError ?? "")")
        #expect(workload.residentProcess(for: .pyThreads) == nil)
        let second = try await executor.execute(workload, tasks: 5, workers: 1)
        #expect(second.errorCount == 0)
        #expect(second.latencies.count == 5)
    }

    @Test func theWorkerIsStartedOncePerSeriesAndStoppedByClose() async throws {
        let module = try Module()
        defer { module.remove() }
        let workload = try module.workload("plain", items: .count(2))
        let executor = ExecutorKind.pyThreads.makeExecutor(workerCommand: [])
        _ = try await executor.execute(workload, tasks: 2, workers: 2)
        let pid = try #require(workload.residentProcess(for: .pyThreads))
        _ = try await executor.execute(workload, tasks: 2, workers: 1)
        #expect(workload.residentProcess(for: .pyThreads) == pid)
        workload.close()
        #expect(kill(pid, 0) != 0, "the worker is reaped once the workload is closed")
    }

    @Test func theSetupResultIsTheSecondArgumentAndATimeoutFailsASlowItem() async throws {
        let module = try Module()
        defer { module.remove() }
        var spec = PythonFunctionSpec(
            function: .init(file: module.path, name: "withClient"), setup: .init(file: module.path, name: "client"),
            items: .count(3), timeout: 0.05
        )
        spec.interpreter = "python3"
        let workload = try PythonWorkload(spec)
        defer { workload.close() }
        let result = try await ExecutorKind.pyThreads.makeExecutor(workerCommand: []).execute(workload, tasks: 3, workers: 3)
        #expect(result.latencies.count == 2)
        #expect(result.failures == FailureCounts([.timeout: 1]))
    }

    @Test func aFunctionThatCannotBeLoadedIsRefusedWithPythonsOwnLastLine() throws {
        let module = try Module()
        defer { module.remove() }
        let missing = try module.workload("absent", items: .count(1))
        defer { missing.close() }
        #expect(throws: PoolBenchError.pythonRefused(reason: "\(module.path) defines no absent; name a function defined there")) {
            try missing.check(executor: .pyThreads)
        }
        let plain = try module.workload("plain", items: .count(1))
        defer { plain.close() }
        #expect(throws: PoolBenchError.self) { try plain.check(executor: .pyAsyncio) }
        #expect(throws: PoolBenchError.pythonNotFound(interpreter: "/nonexistent/python3")) {
            try PythonWorkload(PythonFunctionSpec(function: .init(file: module.path, name: "plain"), items: .count(1), interpreter: "/nonexistent/python3"))
        }
    }

    /// A module of small functions in a scratch directory.
    struct Module {
        let directory: String
        var path: String { directory + "/functions.py" }

        init() throws {
            directory = FileManager.default.temporaryDirectory.path + "/poolbench-python-test-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try """
                import asyncio, os, time

                def plain(item):
                    time.sleep(0.005)
                    if item == "bad":
                        raise ValueError("no item called bad")

                async def coroutine(item):
                    await asyncio.sleep(0.005)
                    if item == "bad":
                        raise ValueError("no item called bad")

                def dies(item):
                    marker = os.path.join(os.path.dirname(__file__), "died")
                    if item == 2 and not os.path.exists(marker):
                        open(marker, "w").close()
                        os.kill(os.getpid(), 9)

                def client():
                    return {"slow": 1}

                def withClient(item, client):
                    if item == client["slow"]:
                        time.sleep(1)

                """.write(toFile: path, atomically: true, encoding: .utf8)
        }

        func workload(_ name: String, items: PythonFunctionSpec.Items) throws -> PythonWorkload {
            try PythonWorkload(PythonFunctionSpec(function: .init(file: path, name: name), items: items))
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }
}
