import Foundation
import Synchronization

/// The `python` workload: the user's function, once per item, in one
/// resident Python worker per executor series (see `PythonWorker`), started
/// when the series first runs and kept until `close()`. A worker that died
/// mid-run is started afresh for the next run.
///
/// The worker's script is embedded in poolbench and written to a private
/// temporary directory, so nothing needs `pip`.
public final class PythonWorkload: Workload {
    public let function: PythonFunctionSpec
    private let interpreter: String
    private let directory: String
    private let script: String
    private let residents = Mutex<[ExecutorKind: PythonWorker]>([:])

    /// The embedded worker script's file name (see `EmbeddedScripts`).
    static let scriptName = "poolbench_python_worker.py"

    /// The executors that run a Python function.
    public static let executors: [ExecutorKind] = [.pyThreads, .pyProcesses, .pyAsyncio]

    /// Finds the interpreter and writes the worker script; starts no worker.
    public init(_ function: PythonFunctionSpec) throws(PoolBenchError) {
        guard let interpreter = ChildProcess.resolve(function.interpreter) else {
            throw .pythonNotFound(interpreter: function.interpreter)
        }
        let directory = try TemporaryResources.shared.makeDirectory(prefix: "python")
        let script = directory + "/" + Self.scriptName
        guard FileManager.default.createFile(atPath: script, contents: Data((EmbeddedScripts.python[Self.scriptName] ?? "").utf8)) else {
            TemporaryResources.shared.removeDirectory(directory)
            throw .fileOperationFailed(operation: "write", path: script, errno: errno)
        }
        self.function = function
        self.interpreter = interpreter
        self.directory = directory
        self.script = script
    }

    public var spec: WorkloadSpec { .python(function) }

    public func runBlocking(task: Int) throws { throw PoolBenchError.pythonRunsInItsWorker }
    public func run(task: Int) async throws { throw PoolBenchError.pythonRunsInItsWorker }

    /// Starts a worker for `executor`, has it load the function, and stops
    /// it: what a sweep checks before its first run, so a bad module or
    /// function is one line rather than a failed sweep.
    public func check(executor: ExecutorKind) throws(PoolBenchError) {
        try startWorker(for: executor).stop(grace: 1)
    }

    /// One run of every item with `workers` workers, in the series' worker.
    func execute(executor: ExecutorKind, workers: Int) throws(PoolBenchError) -> ExecutionResult {
        let items = function.items.count
        let ledger = TaskLedger(tasks: items)
        let totals = try residents.withLock { residents throws(PoolBenchError) -> PythonWorker.RunTotals? in
            let worker: PythonWorker
            if let resident = residents[executor] {
                worker = resident
            } else {
                worker = try startWorker(for: executor)
                residents[executor] = worker
            }
            let totals = worker.run(workers: workers, items: items, ledger: ledger)
            if totals == nil { residents[executor] = nil }
            return totals
        }
        var result = ledger.result(wallSeconds: totals?.wallSeconds ?? 0)
        result.workerUserSeconds = totals?.userSeconds ?? 0
        result.workerSystemSeconds = totals?.systemSeconds ?? 0
        if totals == nil { result.wallSeconds = result.failedLatencies.max() ?? 0 }
        return result
    }

    /// The worker of `executor`'s series, if one is running (for tests).
    func residentProcess(for executor: ExecutorKind) -> pid_t? {
        residents.withLock { $0[executor]?.pid }
    }

    private func startWorker(for executor: ExecutorKind) throws(PoolBenchError) -> PythonWorker {
        try PythonWorker.start(interpreter: interpreter, script: script, hello: function.hello(executor: executor))
    }

    /// Stops every worker and removes the script. Calling it twice does nothing.
    public func close() {
        let workers = residents.withLock { residents in
            defer { residents = [:] }
            return Array(residents.values)
        }
        workers.forEach { $0.stop(grace: 2) }
        TemporaryResources.shared.removeDirectory(directory)
    }

    deinit {
        close()
    }
}
