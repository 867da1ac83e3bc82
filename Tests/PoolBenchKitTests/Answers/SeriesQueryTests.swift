import Foundation
@testable import PoolBenchKit
import Testing

extension AnswersTests {
    @Suite("Series queries")
    struct SeriesQueryTests {
        @Test("Filters choose sweeps by label, host and start time, and series by workload and executor")
        func filters() throws {
            var history = try SyntheticHistory(seed: 1)
            try history.sweep(executors: ["pool", "tasks"], workers: [1, 2], label: "a", curve: capacity(4))
            try history.sweep(workload: "cpu", parameters: "size=10", workers: [1, 2], label: "b", curve: capacity(4))
            let third = try history.sweep(workers: [1, 2], label: "b", curve: capacity(4))
            let store = history.store
            func keys(_ filter: HistoryFilter) throws -> [String] {
                try store.seriesRuns(matching: filter, newestSweeps: 20).map {
                    "\($0.key.workload)/\($0.key.executor):" + $0.sweeps.map { String($0.id) }.joined(separator: ",")
                }
            }
            #expect(try keys(HistoryFilter()) == ["cpu/pool:2", "sleep/pool:1,3", "sleep/tasks:1"])
            #expect(try keys(HistoryFilter(label: "b")) == ["cpu/pool:2", "sleep/pool:3"])
            #expect(try keys(HistoryFilter(workload: "sleep", executor: "tasks")) == ["sleep/tasks:1"])
            #expect(try keys(HistoryFilter(since: third.startedAt)) == ["sleep/pool:3"])
            #expect(try keys(HistoryFilter(until: third.startedAt.addingTimeInterval(-1))) == ["cpu/pool:2", "sleep/pool:1", "sleep/tasks:1"])
            #expect(try keys(HistoryFilter(host: "elsewhere")).isEmpty)
            #expect(try keys(HistoryFilter(sweepID: 1)) == ["sleep/pool:1", "sleep/tasks:1"])
        }

        @Test("Samples carry their sweep's start, CPU seconds as user plus system, and come oldest sweep first")
        func samples() throws {
            var history = try SyntheticHistory(seed: 2)
            try history.sweep(workers: [2, 1], runs: 2, cpuSecondsPerTask: 0.001, curve: capacity(4))
            try history.sweep(workers: [1], runs: 1, curve: capacity(4))
            let series = try #require(try history.store.seriesRuns(matching: HistoryFilter(), newestSweeps: 20).first)
            #expect(series.samples.map(\.sweepID) == [1, 1, 1, 1, 2])
            #expect(series.samples.map(\.workers) == [1, 1, 2, 2, 1])
            #expect(series.samples.first.map { isClose($0.cpuSeconds, 0.1) } == true)
            #expect(series.samples.last?.cpuSeconds == nil)
            #expect(series.samples.last?.sweepStartedAt == series.sweeps.last?.startedAt)
            #expect(series.logicalCores == 2 && series.host == "bench-1")
        }
    }
}
