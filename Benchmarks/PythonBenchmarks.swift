import Foundation
import PoolBenchKit

/// The python workload's start-up paid once: runs per second of a trivial
/// function over 10 items in the resident worker (`py-threads`), against
/// job mode running a trivial `python3` program once per run, which pays
/// the interpreter's start-up every time. Both in one run, so the ratio
/// compares like with like on whatever the machine is doing.
enum PythonBenchmarks {
    static let items = 10
    static let workers = 4

    static func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-python-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let module = directory.appending(path: "trivial.py").path
        // Its own job too: run as a program, it calls the function over the items.
        try "def nothing(item):\n    return item\n\nif __name__ == '__main__':\n    [nothing(i) for i in range(\(items))]\n"
            .write(toFile: module, atomically: true, encoding: .utf8)

        let function = try PythonWorkload(PythonFunctionSpec(function: .init(file: module, name: "nothing"), items: .count(items)))
        defer { function.close() }
        let job = try JobWorkload(arguments: ["python3", module, "{workers}"], items: items)
        let inProcess = try await runsPerSecond(ExecutorKind.pyThreads.makeExecutor(workerCommand: []), function, runs: 200)
        let wholeProgram = try await runsPerSecond(ExecutorKind.job.makeExecutor(workerCommand: []), job, runs: 20)
        print("| mode | runs/s |")
        print("|---|---|")
        print("| python workload, py-threads, \(items) items | \(String(format: "%.1f", inProcess)) |")
        print("| job mode, python3 program, \(items) items | \(String(format: "%.1f", wholeProgram)) |")
        print("in-process runs are \(String(format: "%.1f", inProcess / wholeProgram))× as many per second (the aim: at least 10×)")
    }

    /// Runs per second over `runs` executions after one warm-up (which, for
    /// the python workload, starts its resident worker).
    private static func runsPerSecond(_ executor: any Executor, _ workload: any Workload, runs: Int) async throws -> Double {
        _ = try await executor.execute(workload, tasks: items, workers: workers)
        let start = Date()
        for _ in 0..<runs {
            let result = try await executor.execute(workload, tasks: items, workers: workers)
            precondition(result.errorCount == 0, "a benchmark run failed: \(result.firstError ?? "")")
        }
        return Double(runs) / Date().timeIntervalSince(start)
    }
}
