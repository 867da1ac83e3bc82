import Foundation
import PoolBenchKit

/// `report` over the million-run history of `AnswerBenchmarks` (budget:
/// ≤ 2 s and ≤ 2 MB), beside `best` on the same history from the same run:
/// the report answers as best does, then adds trend's analysis, the charts
/// and the page.
enum ReportBenchmarks {
    static func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "history.sqlite").path
        let page = directory.appending(path: "report.html").path

        let generation = try ContinuousClock().measure { try AnswerBenchmarks.generate(at: path) }
        print(String(format: "history: %@ runs in %@ sweeps, generated in %.1f s", Formatting.grouped(AnswerBenchmarks.runs),
                     Formatting.grouped(AnswerBenchmarks.sweeps), AnswerBenchmarks.seconds(generation)))

        let filter = HistoryFilter()
        let options = HTMLReport.Options()
        let read = max(options.newestSweeps, options.trendSweeps)
        let store = try SQLiteHistoryStore.open(path: path, create: false)
        let series = try store.seriesRuns(matching: filter, newestSweeps: read)
        AnswerBenchmarks.report("best: whole call path (open, query, report, table)") {
            let store = try SQLiteHistoryStore.open(path: path, create: false)
            let series = try store.seriesRuns(matching: filter, newestSweeps: options.newestSweeps)
            return try TextTableFormatter().format(BestReport(BestAnswer(series: series, newestSweeps: options.newestSweeps)))
        }
        AnswerBenchmarks.report("report: best's and trend's answers") { options.answers(series) }
        let answers = options.answers(series)
        AnswerBenchmarks.report("report: HTMLReport (the panels from the answers)") {
            HTMLReport(best: answers.best, trend: answers.trend, series: series, filter: filter, options: options)
        }
        let report = HTMLReport(best: answers.best, trend: answers.trend, series: series, filter: filter, options: options)
        AnswerBenchmarks.report("report: the page's text") { report.html() }
        AnswerBenchmarks.report("report: whole call path (open, query, answers, page, atomic write)") {
            let store = try SQLiteHistoryStore.open(path: path, create: false)
            let series = try store.seriesRuns(matching: filter, newestSweeps: read)
            let answers = options.answers(series)
            try HTMLReport(best: answers.best, trend: answers.trend, series: series, filter: filter, options: options)
                .write(toFile: page, historyPath: path)
        }
        let size = (try FileManager.default.attributesOfItem(atPath: page)[.size] as? Int) ?? 0
        print(String(format: "report: %.2f MB for %d series (budget 2 MB)", Double(size) / 1e6, series.count))

        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "poolbench")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            print("binary: build poolbench in the same configuration to time it end to end")
            return
        }
        for command in [["best"], ["report", "--output", page]] {
            let name = command.joined(separator: " ").replacingOccurrences(of: page, with: "FILE")
            AnswerBenchmarks.report("binary: poolbench \(name) (process start to exit)", repetitions: 5) {
                try AnswerBenchmarks.launch(binary, command + ["--db", path])
            }
        }
    }
}
