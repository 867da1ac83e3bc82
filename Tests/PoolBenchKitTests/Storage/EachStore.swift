import Foundation
import Testing
@testable import PoolBenchKit

/// The two stores a history can live in, for tests that hold for both.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgreSQL

    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when a test server is reachable (in CI it
    /// always is: `PostgreSQLTestServerPresence` fails otherwise).
    static let available: [StoreKind] = PostgreSQLTestServer.isAvailable ? [.sqlite, .postgreSQL] : [.sqlite]

    /// A new, empty history of this kind for the length of `body`: a SQLite
    /// file in a scratch directory, or a scratch PostgreSQL database.
    func withEmptyHistory<T>(_ body: (any HistoryStore) throws -> T) throws -> T {
        switch self {
        case .sqlite:
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let store = try SQLiteHistoryStore.open(path: scratch.path("history.sqlite"), create: true)
            defer { try? store.close() }
            return try body(store)
        case .postgreSQL:
            return try PostgreSQLTestServer.withScratchDatabase { location in
                let store = try PostgreSQLHistoryStore.open(location, create: true)
                defer { try? store.close() }
                return try body(store)
            }
        }
    }
}

/// A history recorded through the store's own API with fixed UUIDs and
/// seeded numbers, so the same calls give the same history in any store:
/// two hosts, a testbed, awkward labels and values, every sweep status,
/// three workloads, two executors.
enum DeterministicHistory {
    static let secondHost = HostRecord(
        name: "bench-2", os: "Debian 12", kernel: "6.1.0", cpuModel: "Other CPU", logicalCores: 4,
        memoryBytes: 8 << 30, poolbenchVersion: "0.1.0"
    )

    static func record(into store: any HistoryStore) throws {
        var generator = SeededGenerator(seed: 20_261_202)
        var counter = 0
        func uuid() -> String {
            counter += 1
            return String(format: "00000000-0000-4000-8000-%012x", counter)
        }
        let statuses: [SweepStatus] = [.completed, .completed, .interrupted, .completed, .failed, .running]
        let workloads: [(String, String)] = [
            ("sleep", "duration=20ms capacity=8"), ("http", "url=http://127.0.0.1:8080/"), ("cpu", ""),
        ]
        for index in 0..<14 {
            let host = try store.host(index.isMultiple(of: 3) ? secondHost : .fixture)
            let startedAt = Date(timeIntervalSince1970: 1_795_000_000.123 + 3_600 * Double(index))
            let status = statuses[index % statuses.count]
            let sweep = try store.beginSweep(SweepRecord(
                uuid: uuid(), hostId: host.id!, startedAt: startedAt,
                commandLine: "poolbench run --label '\(awkwardLabels[index % awkwardLabels.count] ?? "")'",
                label: awkwardLabels[index % awkwardLabels.count], gitCommit: index.isMultiple(of: 2) ? "abc123" : nil,
                gitBranch: index.isMultiple(of: 4) ? "main" : nil, testbed: index % 5 == 1 ? "ci-large" : nil
            ))
            let (workload, parameters) = workloads[index % workloads.count]
            var runStart = startedAt
            for executor in index.isMultiple(of: 2) ? ["pool", "threads"] : ["pool"] {
                for workers in [1, 2, 4, 8, 16] {
                    for repetition in 0..<3 {
                        let noise = 1 + 0.05 * (generator.nextUnit() - 0.5)
                        let throughput = Double(min(workers, 8)) * 100 * noise
                        runStart = runStart.addingTimeInterval(index.isMultiple(of: 7) ? 0 : 0.25)
                        let full = repetition != 1
                        try store.save(RunRecord(
                            uuid: uuid(), sweepId: sweep.id!, workload: workload, parameters: parameters,
                            executor: executor, workers: workers, tasks: 60, repetition: repetition, startedAt: runStart,
                            wallSeconds: 60 / throughput, throughput: throughput,
                            latencyP50: full ? 0.1 + 0.2 : nil, latencyP90: full ? 1e-300 : nil,
                            latencyP99: full ? 123_456_789.123_456_789 : nil, latencyMax: full ? .leastNonzeroMagnitude : nil,
                            cpuUserSeconds: full ? 0.001 * Double(workers) : nil, cpuSystemSeconds: full ? 1.0 / 3 : nil,
                            peakRssBytes: full ? Int64.max : nil, voluntaryContextSwitches: full ? 0 : nil,
                            involuntaryContextSwitches: full ? 3 : nil, errorCount: workers == 16 ? 2 : 0,
                            firstError: workers == 16 ? awkwardLabels[(index + workers) % awkwardLabels.count] : nil,
                            bytesReceived: workload == "http" ? 1_048_576 : nil,
                            machineCpuSeconds: full ? 0.75 : nil, otherCpuSeconds: full ? 0.125 : nil,
                            stealSeconds: full ? 0 : nil,
                            failures: workers == 16 ? FailureCounts([.http(503): 2]).json : nil,
                            failedLatencyP50: workers == 16 && full ? 0.001 : nil,
                            steadyThroughput: full ? 1.25 * Double(workers) : nil
                        ))
                    }
                }
            }
            if status != .running {
                try store.finishSweep(id: sweep.id!, status: status, at: runStart.addingTimeInterval(1))
            }
        }
    }
}

/// What `seriesRuns` answered, as one comparable value.
func described(_ series: [SeriesRuns]) -> [String] {
    series.map { entry in
        "\(entry.key) \(entry.machine) \(entry.host) \(entry.testbed ?? "-") \(entry.logicalCores) "
            + "\(entry.sweeps.map { "\($0.id)@\($0.startedAt.timeIntervalSince1970)" }) \(entry.samples.hashValue) "
            + "\(entry.samples.count) \(entry.mixedHardwareWarning ?? "")"
    }
}
