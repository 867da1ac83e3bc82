import Foundation
@testable import PoolBenchKit
import Testing

extension AnswersTests {
    /// Hosted CI names every runner anew; a testbed keeps its sweeps one series.
    @Suite("Testbed series")
    struct TestbedSeriesTests {
        static func runner(_ name: String, cores: Int = 2, cpuModel: String = "Test CPU") -> HostRecord {
            var host = HostRecord.fixture
            (host.name, host.logicalCores, host.cpuModel) = (name, cores, cpuModel)
            return host
        }

        /// Two sweeps with testbed `ci` on two runners, one without a testbed on the first.
        static func history(secondRunner: HostRecord = runner("runner-b")) throws -> SyntheticHistory {
            var history = try SyntheticHistory(seed: 11)
            try history.sweep(workers: [1, 2, 4], host: runner("runner-a"), testbed: "ci", curve: capacity(4))
            try history.sweep(workers: [1, 2, 4], host: secondRunner, testbed: "ci", curve: capacity(4))
            try history.sweep(workers: [1, 2, 4], host: runner("runner-a"), curve: capacity(4))
            return history
        }

        @Test("Sweeps of one testbed on two hosts are one series; a sweep without one stays its host's")
        func grouping() throws {
            let series = try Self.history().store.seriesRuns(matching: HistoryFilter(), newestSweeps: 20)
            #expect(series.map(\.machine) == ["runner-a", "testbed ci"])
            #expect(series.map { $0.sweeps.map(\.id) } == [[3], [1, 2]])
            #expect(series.map(\.testbed) == [nil, "ci"])
            #expect(series.map(\.host) == ["runner-a", "runner-b"])
            #expect(series.allSatisfy { $0.mixedHardwareWarning == nil })
        }

        @Test("--testbed chooses a testbed's sweeps, --host a host's whatever their testbed")
        func filters() throws {
            let store = try Self.history().store
            func sweeps(_ filter: HistoryFilter) throws -> [[Int64]] {
                try store.seriesRuns(matching: filter, newestSweeps: 20).map { $0.sweeps.map(\.id) }
            }
            #expect(try sweeps(HistoryFilter(testbed: "ci")) == [[1, 2]])
            #expect(try sweeps(HistoryFilter(testbed: "elsewhere")).isEmpty)
            #expect(try sweeps(HistoryFilter(host: "runner-a")) == [[3], [1]])
        }

        @Test("best and trend name the testbed, and JSON keeps host with a testbed key beside it")
        func reports() throws {
            let series = try Self.history().store.seriesRuns(matching: HistoryFilter(), newestSweeps: 20)
            let best = BestAnswer(series: series, newestSweeps: 20)
            #expect(best.answers.map(\.machine) == ["runner-a", "testbed ci"])
            #expect(try render(best, as: .table).contains("sleep duration=20ms capacity=16 · pool · testbed ci"))
            let answers = try #require(try jsonObject(best)["answers"] as? [[String: Any]])
            #expect(answers.map { $0["host"] as? String } == ["runner-a", "runner-b"])
            #expect(answers[0]["testbed"] is NSNull && answers[1]["testbed"] as? String == "ci")

            let trend = TrendAnswer(series: series, newestSweeps: 20)
            #expect(Set(trend.series.map(\.machine)) == ["runner-a", "testbed ci"])
            #expect(trend.recommendations.first { $0.testbed == "ci" }?.points.count == 2)
            let text = try render(trend, as: .table)
            #expect(text.contains("testbed ci"))
            let recommendations = try #require(try jsonObject(trend)["recommendations"] as? [[String: Any]])
            #expect(recommendations.map { $0["testbed"] as? String } == [nil, "ci"])
        }

        @Test("trend and best warn in one line when a testbed's hosts differ in cores or CPU model")
        func mixedHardware() throws {
            let other = Self.runner("runner-b", cores: 8, cpuModel: "Other CPU")
            let series = try Self.history(secondRunner: other).store.seriesRuns(matching: HistoryFilter(), newestSweeps: 20)
            let ci = try #require(series.first { $0.testbed == "ci" })
            #expect(ci.logicalCores == 8)
            let warning = try #require(ci.mixedHardwareWarning)
            #expect(warning.contains("testbed ci") && warning.contains("2, 8 logical cores"))
            #expect(warning.contains("CPU models Other CPU, Test CPU") && !warning.contains("\n"))

            let trend = try render(TrendAnswer(series: series, newestSweeps: 20), as: .table)
            #expect(trend.components(separatedBy: warning).count == 2)
            let best = try render(BestAnswer(series: series, newestSweeps: 20), as: .table)
            #expect(best.contains(warning))
        }

        @Test("The HTML report names a testbed series by its testbed, beside the host series")
        func htmlReport() throws {
            let (report, page) = try HTMLReportTests.page(try Self.history().store)
            #expect(report.panels.map(\.answer.machine) == ["runner-a", "testbed ci"])
            let facts = page.all("dd").map(\.text)
            #expect(facts.contains("runner-a (2 logical cores), testbed ci (2 logical cores)"))
            #expect(page.text.contains("pool · testbed ci"))
        }
    }
}
