import Foundation
import PoolBenchKit

/// How long the history takes to keep a run, and `poolbench history` to
/// answer on an empty database, end to end through the built binary.
enum StorageBenchmarks {
    static func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let store = try SQLiteHistoryStore.open(path: directory.appending(path: "runs.sqlite").path, create: true)
        let host = try store.host(HostProbe.current())
        let sweep = try store.beginSweep(SweepRecord(hostId: host.id!, startedAt: Date(), commandLine: "benchmark"))
        var saves: [Double] = []
        for repetition in 0..<2_000 {
            let run = sampleRun(sweepId: sweep.id!, repetition: repetition)
            saves.append(try seconds { try store.save(run) })
        }
        print(row("store one run (own transaction, WAL)", saves, budget: 0.002))

        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "poolbench")
        let empty = directory.appending(path: "empty.sqlite").path
        _ = try SQLiteHistoryStore.open(path: empty, create: true)
        var histories: [Double] = []
        for _ in 0..<30 {
            histories.append(try seconds {
                let process = Process()
                process.executableURL = binary
                process.arguments = ["history", "--db", empty]
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
            })
        }
        print(row("`poolbench history` on an empty history, end to end", histories, budget: 0.050))
    }

    /// A run as `run` stores it, every measured column filled.
    static func sampleRun(sweepId: Int64, repetition: Int) -> RunRecord {
        RunRecord(
            sweepId: sweepId, workload: "sleep", parameters: "duration=10ms", executor: "pool", workers: 8,
            tasks: 100, repetition: repetition, startedAt: Date(), wallSeconds: 0.125, throughput: 800,
            latencyP50: 0.01, latencyP90: 0.011, latencyP99: 0.012, latencyMax: 0.02, cpuUserSeconds: 0.001,
            cpuSystemSeconds: 0.002, peakRssBytes: 1 << 24, voluntaryContextSwitches: 200, involuntaryContextSwitches: 2
        )
    }

    static func seconds(_ body: () throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = start.duration(to: .now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func row(_ name: String, _ samples: [Double], budget: Double) -> String {
        let median = Descriptive.median(samples) ?? .nan
        let p90 = Descriptive.quantile(samples, at: 0.9) ?? .nan
        return "\(name): median \(Formatting.seconds(median)), p90 \(Formatting.seconds(p90)) "
            + "(budget \(Formatting.seconds(budget)), median/budget \(String(format: "%.2f", median / budget)))"
    }
}
