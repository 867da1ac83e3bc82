import Foundation
@testable import PoolBenchKit

/// A fresh directory under the system's temporary directory, removed by `remove()`.
struct ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "poolbench-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appending(path: name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

extension HostRecord {
    static let fixture = HostRecord(
        name: "bench-1", os: "Debian 12", kernel: "6.1.0", cpuModel: "Test CPU", logicalCores: 2,
        memoryBytes: 24 << 30, poolbenchVersion: "0.1.0"
    )
}

extension HistoryStore {
    /// A sweep on the fixture host with `label`, started at `startedAt`.
    func makeSweep(label: String? = nil, startedAt: Date = Date(timeIntervalSince1970: 1_795_000_000)) throws -> SweepRecord {
        let host = try host(.fixture)
        return try beginSweep(
            SweepRecord(hostId: host.id!, startedAt: startedAt, commandLine: "poolbench run sleep", label: label)
        )
    }
}

extension RunRecord {
    static func fixture(
        sweepId: Int64, workload: String = "sleep", executor: String = "pool", workers: Int = 4,
        repetition: Int = 0, startedAt: Date = Date(timeIntervalSince1970: 1_795_000_001), throughput: Double = 100
    ) -> RunRecord {
        RunRecord(
            sweepId: sweepId, workload: workload, parameters: "duration=10ms", executor: executor,
            workers: workers, tasks: 100, repetition: repetition, startedAt: startedAt, wallSeconds: 100 / throughput,
            throughput: throughput, latencyP50: 0.01, latencyP90: 0.011, latencyP99: 0.012, latencyMax: 0.02,
            cpuUserSeconds: 0.001, cpuSystemSeconds: 0.002, peakRssBytes: 10 << 20, voluntaryContextSwitches: 200,
            involuntaryContextSwitches: 3, errorCount: 0
        )
    }
}
