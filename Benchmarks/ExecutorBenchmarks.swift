import Foundation
import PoolBenchKit

/// How much the executors themselves cost, beside Python's
/// `ThreadPoolExecutor` measured in the same run:
///
/// - overhead = wall ÷ ideal, where ideal = ⌈tasks ÷ workers⌉ × duration, for
///   sleeps of 10 ms and of 1 ms on 100 workers (targets ≤ 1.05 and ≤ 1.15);
/// - empty-task throughput in tasks per second (target ≥ 1,000,000).
///
/// Each figure is the median of several runs, interleaved across executors
/// so that drift on a noisy machine spreads over all of them, and each run
/// follows an unrecorded warm-up run of the same point (Python's too).
enum ExecutorBenchmarks {
    private struct Scenario {
        let label: String
        let tasks: Int
        let duration: Double
        let target: String
        /// How many of these sleeps the sequential floor runs on 1 worker.
        let floorTasks: Int

        var ideal: Double { (Double(tasks) / Double(workers)).rounded(.up) * duration }
        var workload: any Workload {
            get throws { try WorkloadSpec.sleep(duration: duration, capacity: nil).makeWorkload() }
        }
    }

    /// Figures per row: one list of ratios per scenario, and throughputs.
    private struct Figures {
        var overhead = Array(repeating: [Double](), count: sleeps.count)
        var throughput: [Double] = []
    }

    private static let workers = 100
    private static let repetitions = 5
    private static let pythonRepetitions = 3
    private static let executors: [ExecutorKind] = [.pool, .dispatch, .tasks]
    private static let sleeps = [
        Scenario(label: "1,000 × 10 ms sleeps", tasks: 1_000, duration: 0.010, target: "≤ 1.05", floorTasks: 50),
        Scenario(label: "10,000 × 1 ms sleeps", tasks: 10_000, duration: 0.001, target: "≤ 1.15", floorTasks: 500),
    ]
    /// The sleep's own overshoot, one sleep after another on one worker:
    /// what no executor can remove.
    private static let floor = "(sleep alone: sequential)"
    /// The same for the async body `tasks` runs (`Task.sleep`), one after
    /// another on one child task: the floor the tasks row stands on.
    private static let asyncFloor = "(async sleep alone: tasks × 1)"
    private static let python = "python ThreadPoolExecutor"
    private static let emptyTasks = 2_000_000
    /// Python manages tens of thousands per second; more would take minutes.
    private static let pythonEmptyTasks = 100_000

    static func run() async throws {
        var figures: [String: Figures] = [:]
        for _ in 0..<repetitions {
            for (index, scenario) in sleeps.enumerated() {
                let ideal = Double(scenario.floorTasks) * scenario.duration
                let blocking = try await SequentialExecutor().execute(try scenario.workload, tasks: scenario.floorTasks, workers: 1)
                figures[floor, default: Figures()].overhead[index].append(blocking.wallSeconds / ideal)
                let async = try await TasksExecutor().execute(try scenario.workload, tasks: scenario.floorTasks, workers: 1)
                figures[asyncFloor, default: Figures()].overhead[index].append(async.wallSeconds / ideal)
            }
            for kind in executors {
                let executor = kind.makeExecutor(workerCommand: [])
                for (index, scenario) in sleeps.enumerated() {
                    let result = try await measure(executor, try scenario.workload, tasks: scenario.tasks)
                    figures[kind.rawValue, default: Figures()].overhead[index].append(result.wallSeconds / scenario.ideal)
                }
                let result = try await measure(executor, EmptyWorkload(), tasks: emptyTasks)
                figures[kind.rawValue, default: Figures()].throughput.append(Double(emptyTasks) / result.wallSeconds)
            }
        }
        for _ in 0..<pythonRepetitions {
            for (index, scenario) in sleeps.enumerated() {
                if let wall = pythonWallSeconds(tasks: scenario.tasks, duration: scenario.duration) {
                    figures[python, default: Figures()].overhead[index].append(wall / scenario.ideal)
                }
            }
            if let wall = pythonWallSeconds(tasks: pythonEmptyTasks, duration: 0) {
                figures[python, default: Figures()].throughput.append(Double(pythonEmptyTasks) / wall)
            }
        }
        report(figures)
    }

    private static func report(_ figures: [String: Figures]) {
        print("Overhead = wall ÷ ideal (ideal = ⌈tasks ÷ workers⌉ × duration), \(workers) workers;")
        print("median of \(repetitions) runs (Python: \(pythonRepetitions)), each after an unrecorded warm-up run.")
        print("Empty tasks: \(emptyTasks.formatted()) per run (Python: \(pythonEmptyTasks.formatted())), \(workers) workers.")
        print("Sleep alone: \(sleeps.map { String($0.floorTasks) }.joined(separator: " and ")) sleeps on 1 worker.\n")
        let header = ["executor"] + sleeps.map(\.label) + ["empty tasks/s"]
        var rows = ([floor, asyncFloor] + executors.map(\.rawValue) + [python]).map { name in
            let row = figures[name] ?? Figures()
            return [name]
                + row.overhead.map { $0.median.map { String(format: "%.3f", $0) } ?? "n/a" }
                + [row.throughput.median.map { Int($0).formatted() } ?? "n/a"]
        }
        rows.append(["target"] + sleeps.map(\.target) + ["≥ 1,000,000"])
        printTable(header: header, rows: rows)
    }

    /// One unrecorded warm-up execution, then the measured one, as
    /// `poolbench run --warmup 1` does: libdispatch lets idle threads go
    /// after a few seconds, and a cold start (tens of milliseconds to get
    /// 100 threads back) is not what a per-task overhead should report.
    private static func measure(_ executor: any Executor, _ workload: any Workload, tasks: Int) async throws -> ExecutionResult {
        _ = try await executor.execute(workload, tasks: tasks, workers: workers)
        return try await executor.execute(workload, tasks: tasks, workers: workers)
    }

    /// Runs `python_pool.py` beside this file; nil (with a note) when Python
    /// is not there or the script fails.
    private static func pythonWallSeconds(tasks: Int, duration: Double) -> Double? {
        struct Printed: Decodable { let wallSeconds: Double }
        return PythonScript.run(
            "python_pool.py", ["--tasks", "\(tasks)", "--workers", "\(workers)", "--duration", "\(duration)"], as: Printed.self
        )?.wallSeconds
    }

    private static func printTable(header: [String], rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "| " + zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
        }
        print(line(header))
        print("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|")
        rows.forEach { print(line($0)) }
    }
}

/// A task that does nothing, so only the executor's own cost is measured.
private struct EmptyWorkload: Workload {
    var spec: WorkloadSpec { .cpu(size: 0) }
    func runBlocking(task: Int) throws {}
    func run(task: Int) async throws {}
}

private extension Array where Element == Double {
    var median: Double? {
        guard !isEmpty else { return nil }
        let sorted = self.sorted()
        return count.isMultiple(of: 2) ? (sorted[count / 2 - 1] + sorted[count / 2]) / 2 : sorted[count / 2]
    }
}
