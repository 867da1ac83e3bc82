import Foundation
import PoolBenchKit

/// The http workload against the built-in server, in-process on loopback:
///
/// - requests per second of `pool` and `tasks` at 32 workers against
///   `serve --latency 0 --capacity 256`, beside Python's
///   `ThreadPoolExecutor(32)` with `urllib.request` fetching the same URL in
///   the same run (target: pool ≥ 3× Python);
/// - against `serve --latency 20ms --capacity 64`, `pool` at 64 workers as a
///   share of the ideal 64 ÷ 20 ms = 3,200 requests per second (target
///   ≥ 90%): the server must not be the bottleneck.
///
/// Medians of several runs, interleaved, each after an unrecorded warm-up.
enum HttpBenchmarks {
    private static let repetitions = 5
    private static let pythonRepetitions = 3
    private static let fastTasks = 20_000
    private static let pythonTasks = 5_000
    private static let saturatedTasks = 6_400

    static func run() async throws {
        let fast = try HTTPTestServer(.init(latency: 0, capacity: 256))
        defer { fast.stop() }
        let saturated = try HTTPTestServer(.init(latency: 0.020, capacity: 64))
        defer { saturated.stop() }
        let fastWorkload = try HTTPWorkload(urls: [fast.url], timeout: 30)
        defer { fastWorkload.close() }
        let saturatedWorkload = try HTTPWorkload(urls: [saturated.url], timeout: 30)
        defer { saturatedWorkload.close() }

        var rates: [String: [Double]] = [:]
        for _ in 0..<repetitions {
            for kind in [ExecutorKind.pool, .tasks] {
                rates["\(kind.rawValue) 32", default: []].append(
                    try await rate(kind, fastWorkload, tasks: fastTasks, workers: 32)
                )
            }
            rates["pool 64 @ 20ms", default: []].append(try await rate(.pool, saturatedWorkload, tasks: saturatedTasks, workers: 64))
        }
        for _ in 0..<pythonRepetitions {
            if let wall = pythonWallSeconds(url: fast.url, tasks: pythonTasks, workers: 32) {
                rates["python 32", default: []].append(Double(pythonTasks) / wall)
            }
        }

        let python = median(rates["python 32"])
        print("Requests/s against the built-in server on loopback (capacity 256, no latency), 32 workers;")
        print("median of \(repetitions) runs of \(fastTasks.formatted()) requests (Python: \(pythonRepetitions) of \(pythonTasks.formatted())).\n")
        print("| client | requests/s | × python |")
        print("|---|---|---|")
        for name in ["pool 32", "tasks 32", "python 32"] {
            let value = median(rates[name])
            let ratio = value.flatMap { v in python.map { v / $0 } }
            print("| \(name == "python 32" ? "python ThreadPoolExecutor + urllib" : name) | \(value.map { Int($0).formatted() } ?? "n/a") | \(ratio.map { String(format: "%.1f", $0) } ?? "n/a") |")
        }
        print("| target | | ≥ 3.0 (pool) |\n")
        let share = median(rates["pool 64 @ 20ms"]).map { $0 / 3_200 }
        print("Server at capacity 64, latency 20 ms, pool with 64 workers: "
            + "\(median(rates["pool 64 @ 20ms"]).map { Int($0).formatted() } ?? "n/a") requests/s, "
            + "\(share.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a") of the ideal 3,200 (target ≥ 90%).")
    }

    private static func rate(_ kind: ExecutorKind, _ workload: HTTPWorkload, tasks: Int, workers: Int) async throws -> Double {
        let executor = kind.makeExecutor(workerCommand: [])
        _ = try await executor.execute(workload, tasks: tasks / 4, workers: workers)
        let result = try await executor.execute(workload, tasks: tasks, workers: workers)
        if result.errorCount > 0 { print("note: \(result.errorCount) requests failed: \(result.firstError ?? "")") }
        return Double(tasks) / result.wallSeconds
    }

    private static func median(_ values: [Double]?) -> Double? {
        guard let values, !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Runs `python_http.py` beside this file; nil (with a note) when Python
    /// is not there or the script fails.
    private static func pythonWallSeconds(url: String, tasks: Int, workers: Int) -> Double? {
        struct Printed: Decodable { let wallSeconds: Double; let errors: Int }
        guard let printed = PythonScript.run(
            "python_http.py", ["--url", url, "--tasks", "\(tasks)", "--workers", "\(workers)"], as: Printed.self
        ) else { return nil }
        if printed.errors > 0 { print("note: \(printed.errors) Python requests failed") }
        return printed.wallSeconds
    }
}
