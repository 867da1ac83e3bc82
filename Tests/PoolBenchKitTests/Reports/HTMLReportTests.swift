import Foundation
@testable import PoolBenchKit
import Testing

@Suite("HTML report")
struct HTMLReportTests {
    static let workers = [1, 2, 4, 8, 16, 24, 32]

    /// Two sweeps of pool and threads on a 16-slot server, 3 runs each.
    static func twoExecutors() throws -> SQLiteHistoryStore {
        var history = try SyntheticHistory(seed: 7)
        for _ in 0..<2 {
            try history.sweep(executors: ["pool", "threads"], workers: workers, runs: 3, curve: capacity(16))
        }
        return history.store
    }

    static func page(_ store: SQLiteHistoryStore, filter: HistoryFilter = HistoryFilter(), options: HTMLReport.Options = .init()) throws
        -> (report: HTMLReport, page: ParsedPage) {
        let series = try store.seriesRuns(matching: filter, newestSweeps: max(options.newestSweeps, options.trendSweeps))
        let answers = options.answers(series)
        let report = HTMLReport(best: answers.best, trend: answers.trend, series: series, filter: filter, options: options)
        return (report, try ParsedPage(report.html()))
    }

    /// One sweep of three runs per count, 60 tasks succeeded in each, and
    /// `failed(workers)` more refused with HTTP 429.
    static func rateLimited(
        workers: [Int], failed: (Int) -> Int, throughput: (Int) -> Double
    ) throws -> SQLiteHistoryStore {
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep()
        for count in workers {
            for repetition in 0..<3 {
                var run = RunRecord.fixture(
                    sweepId: sweep.id!, workers: count, repetition: repetition,
                    throughput: throughput(count) * [0.99, 1, 1.01][repetition]
                )
                run.tasks = 60 + failed(count)
                run.errorCount = failed(count)
                run.failures = FailureCounts(failed(count) > 0 ? [.http(429): failed(count)] : [:]).json
                try store.save(run)
            }
        }
        return store
    }

    @Test func countsPastTheErrorOnsetAreDrawnFailingWithTheirErrorRate() throws {
        // A rate-limited API: 8 workers served, from 9 on a share of the
        // tasks refused fast, so the succeeded tasks' throughput stays flat.
        let store = try Self.rateLimited(
            workers: Array(1...12), failed: { $0 > 8 ? 15 * ($0 - 8) : 0 }, throughput: { 50 * Double(min($0, 8)) }
        )
        let (report, page) = try Self.page(store)
        let answer = try #require(report.best.answer.answers.first?.recommendation)
        #expect(answer.recommendedWorkers == 8)
        let curve = try #require(page.charts("curve").first)
        let shaded = try #require(curve.all("rect", class: "errors").first)
        #expect(shaded.attributes["data-onset"] == "9")
        let rates = curve.all("text", class: "error-rate")
        #expect(rates.map { $0.attributes["data-workers"] } == (9...12).map(String.init))
        #expect(rates.first?.text == "✗20%")
        #expect(rates.first?.attributes["data-error-rate"] == "0.2")
        #expect(rates.last?.attributes["data-error-rate"] == "0.5")
        #expect(page.all("li").contains { $0.text.hasPrefix("Errors: From 9 workers, 20% of tasks failed: HTTP 429 Too Many Requests") })
    }

    @Test func theToleranceLineIsDrawnFromTheCountsBelowTheErrorOnset() throws {
        // Past 8 workers the refusals come back fast, so the succeeded tasks'
        // throughput still climbs: the knee rule never compared with it, and
        // the "5% below" line must not either.
        let store = try Self.rateLimited(
            workers: [1, 2, 4, 6, 8, 12, 16], failed: { $0 > 8 ? 40 : 0 }, throughput: { 50 * Double($0) }
        )
        let (report, page) = try Self.page(store)
        let answer = try #require(report.best.answer.answers.first?.recommendation)
        #expect(answer.errorOnsetWorkers == 12)
        let curve = try #require(page.charts("curve").first)
        let line = try #require(curve.all("line", class: "tolerance").first)
        let threshold = try #require(line.number("data-throughput"))
        #expect(threshold < 50 * 8 * 1.01, "the line stands on the error-free counts, not on 12's or 16's throughput")
    }

    @Test func eachSeriesHasItsCurveWithEveryRunTheMediansTheKneeAndTheBand() throws {
        let (report, page) = try Self.page(try Self.twoExecutors())
        let curves = page.charts("curve")
        #expect(curves.count == 2)
        #expect(report.best.answer.answers.map(\.key.executor) == ["pool", "threads"])
        for (curve, answer) in zip(curves, report.best.answer.answers) {
            let recommendation = answer.recommendation
            #expect(curve.all("circle", class: "run").count == 2 * Self.workers.count * 3)
            let medians = curve.all("circle", class: "median-point")
            #expect(medians.map { $0.attributes["data-workers"] } == Self.workers.map(String.init))
            let knee = try #require(curve.all("circle", class: "knee").first)
            let recommended = try #require(recommendation.recommendedWorkers)
            #expect(knee.attributes["data-workers"] == String(recommended))
            let kneeMedian = try #require(medians.first { $0.attributes["data-workers"] == String(recommended) })
            #expect(knee.number("cx") == kneeMedian.number("cx"))
            #expect(knee.number("cy") == kneeMedian.number("cy"))

            let band = try #require(curve.all("rect", class: "band").first)
            let expected = try #require(recommendation.band)
            #expect(band.attributes["data-low"] == String(expected.lowerBound))
            #expect(band.attributes["data-high"] == String(expected.upperBound))
            let x = { (workers: Int) in medians.first { $0.attributes["data-workers"] == String(workers) }?.number("cx") }
            if expected.lowerBound < expected.upperBound {
                let left = try #require(band.number("x")), width = try #require(band.number("width"))
                #expect(abs(left - (x(expected.lowerBound) ?? .nan)) < 0.11)
                #expect(abs(left + width - (x(expected.upperBound) ?? .nan)) < 0.11)
            }
            #expect(curve.all("line", class: "tolerance").count == 1)
            #expect(curve.all("path", class: "median").count == 1)
        }
        // 1…32 spans more than 16×: the worker axis is logarithmic.
        #expect(page.all("text").contains { $0.text == "workers (log scale)" })
        #expect(page.charts("latency").count == 2)
        #expect(page.charts("over-time").count == 2)
        #expect(page.charts("drift").count == 2)
    }

    @Test func theKneeLabelSitsAtTheRecommendedCountOnACapacityCurve() throws {
        let (report, page) = try Self.page(try Self.twoExecutors())
        #expect(report.best.answer.answers.first?.recommendation.recommendedWorkers == 16)
        let knee = try #require(page.charts("curve").first?.all("circle", class: "knee").first)
        #expect(knee.attributes["data-workers"] == "16")
    }

    @Test func theWordsBestPrintsStandBesideTheCharts() throws {
        let (report, page) = try Self.page(try Self.twoExecutors())
        let items = page.all("li").map(\.text)
        for answer in report.best.answer.answers {
            for note in BestReport.notes(answer) { #expect(items.contains(note), "missing: \(note)") }
        }
        // The verdict across executors, beside its overlaid chart.
        let overlay = try #require(page.charts("executors").first)
        #expect(overlay.all("g", class: "executor-line").map { $0.attributes["data-executor"] } == ["pool", "threads"])
        #expect(page.all("p").contains { $0.text.contains("use pool with 16 workers") || $0.text.contains("use threads with 16 workers") })
    }

    @Test func theExecutorsChartDrawsSequentialAsTheBaseline() throws {
        var history = try SyntheticHistory(seed: 9)
        try history.sweep(executors: ["pool", "tasks", "sequential"], workers: [1, 2, 4, 8], curve: { executor, n in
            executor == "sequential" ? 50 : Double(min(n, 4)) * 50
        })
        let (report, page) = try Self.page(history.store)
        #expect(report.best.answer.answers.map(\.key.executor) == ["pool", "tasks"])
        let overlay = try #require(page.charts("executors").first)
        let baseline = try #require(overlay.all("line", class: "sequential").first)
        let level = try #require(baseline.number("data-throughput"))
        #expect(abs(level - 50) < 5)
        #expect(overlay.elements.contains { $0.name == "text" && $0.text.hasPrefix("sequential: ") })
    }

    @Test func theHeaderNamesTheHostsTheSweepsAndTheFilter() throws {
        let filter = HistoryFilter(workload: "sleep")
        let (_, page) = try Self.page(try Self.twoExecutors(), filter: filter)
        let facts = page.all("dd").map(\.text)
        #expect(facts.contains("bench-1 (2 logical cores)"))
        #expect(facts.contains { $0.hasPrefix("2 sweeps, #1 (") && $0.contains(" to #2 (") })
        #expect(facts.contains("--workload sleep"))
    }

    @Test func aLabelParameterHostOrErrorHoldingMarkupIsShownAsText() throws {
        let hostile = "<script>alert(\"x\")</script> & 'q' \u{1B}[31m"
        var history = try SyntheticHistory(seed: 3)
        var host = HostRecord.fixture
        host.name = "host<b>\"&"
        let sweep = try history.sweep(
            parameters: "duration=\(hostile)", workers: [1, 2, 4], label: hostile, host: host, curve: capacity(4)
        )
        try history.store.save(RunRecord(
            sweepId: sweep.id!, workload: "sleep", parameters: "duration=\(hostile)", executor: "pool", workers: 4, tasks: 10,
            repetition: 3, startedAt: sweep.startedAt, wallSeconds: 1, throughput: 0, errorCount: 10, firstError: "<img src=x onerror=alert(1)>"
        ))
        let (_, page) = try Self.page(history.store, filter: HistoryFilter(label: hostile))
        let names = Set(page.elements.map(\.name))
        #expect(!names.contains("script"))
        #expect(!names.contains("b"))
        #expect(!names.contains("img"))
        let text = page.text
        #expect(text.contains("duration=<script>alert(\"x\")</script> & 'q' ␛[31m"))
        #expect(text.contains("host<b>\"&"))
        #expect(text.contains("<img src=x onerror=alert(1)>"))
        #expect(!text.contains("\u{1B}"))
        #expect(page.all("dd").contains { $0.text == "--label \(hostile)".replacingOccurrences(of: "\u{1B}", with: "␛") })
    }

    @Test func runsThatFailedAreMarkedFailedNotDrawnAsZeroThroughput() throws {
        var history = try SyntheticHistory(seed: 5)
        let sweep = try history.sweep(workers: [1, 2, 4, 8], curve: capacity(8))
        for repetition in 3..<5 {
            try history.store.save(RunRecord(
                sweepId: sweep.id!, workload: "sleep", parameters: "duration=20ms capacity=16", executor: "pool", workers: 16,
                tasks: 10, repetition: repetition, startedAt: sweep.startedAt, wallSeconds: 1, throughput: 0, errorCount: 10,
                firstError: "connection refused"
            ))
        }
        let (_, page) = try Self.page(history.store)
        let curve = try #require(page.charts("curve").first)
        let failed = curve.all("path", class: "failed")
        #expect(failed.map { $0.attributes["data-workers"] } == ["16"])
        #expect(curve.all("circle", class: "run").count == 12)
        #expect(!curve.all("circle", class: "run").contains { $0.attributes["data-workers"] == "16" })
        #expect(curve.all("circle", class: "median-point").map { $0.attributes["data-workers"] } == ["1", "2", "4", "8"])
        #expect(curve.elements.contains { $0.name == "title" && $0.text == "16 workers: 2 of 2 runs failed: connection refused" })
    }

    @Test func aSeriesWhoseEveryRunFailedShowsOnlyFailuresAndBestsReason() throws {
        let store = try SQLiteHistoryStore.inMemory()
        let sweep = try store.makeSweep()
        for workers in [1, 2, 4] {
            try store.save(RunRecord(
                sweepId: sweep.id!, workload: "http", parameters: "url=http://127.0.0.1:9/", executor: "pool", workers: workers,
                tasks: 5, repetition: 0, startedAt: sweep.startedAt, wallSeconds: 0.01, throughput: 0, errorCount: 5,
                firstError: "connection refused"
            ))
        }
        let (report, page) = try Self.page(store)
        let curve = try #require(page.charts("curve").first)
        #expect(curve.all("path", class: "failed").count == 3)
        #expect(curve.all("circle", class: "run").isEmpty)
        #expect(curve.all("circle", class: "median-point").isEmpty)
        #expect(curve.all("circle", class: "knee").isEmpty)
        #expect(curve.all("line", class: "tolerance").isEmpty)
        #expect(page.all("p").contains { $0.classes.contains("headline") && $0.text == "No recommendation: every run failed." })
        let reason = try #require(report.best.answer.answers.first.map(BestReport.notes)?.first)
        #expect(page.all("li").contains { $0.text == reason })
    }

    @Test func theLatencyLimitIsDrawnOnlyWhenGiven() throws {
        let store = try Self.twoExecutors()
        let (_, without) = try Self.page(store)
        #expect(without.charts("latency").allSatisfy { $0.all("line", class: "limit").isEmpty })
        let (_, with) = try Self.page(store, options: .init(maxP99: 0.05))
        for chart in with.charts("latency") {
            #expect(chart.all("line", class: "limit").map { $0.attributes["data-seconds"] } == ["0.05"])
            #expect(chart.all("path", class: "p50").count == 1)
            #expect(chart.all("path", class: "p99").count == 1)
        }
    }

    @Test func aStepOverTimeIsMarkedAndTheRecommendationPerSweepHasItsBand() throws {
        var history = try SyntheticHistory(seed: 11)
        for index in 0..<8 {
            try history.sweep(workers: [1, 2, 4, 8, 16], runs: 3, noise: 0.01, curve: capacity(index < 4 ? 4 : 8))
        }
        let (report, page) = try Self.page(history.store)
        let overTime = try #require(page.charts("over-time").first)
        let changes = overTime.elements.filter { $0.name == "text" && $0.classes.contains("change") }
        #expect(!changes.isEmpty)
        #expect(changes.allSatisfy { $0.classes.contains("improvement") && $0.attributes["data-sweep"] == "5" })
        let drift = try #require(page.charts("drift").first)
        let recommendations = try #require(report.panels.first?.drift?.points)
        #expect(drift.all("rect", class: "drift-band").count == recommendations.count)
        #expect(drift.all("circle", class: "recommended-point").map { $0.attributes["data-workers"] }
            == recommendations.map { String($0.recommendedWorkers) })
        #expect(drift.elements.contains { $0.classes.contains("shift") && $0.text == "4 → 8" })
        #expect(page.all("li").contains { $0.classes.contains("improvement") && $0.text.hasPrefix("▲ 8 workers: tasks/s +") })
    }

    @Test func aCurveWithManyRunsDrawsAtMostTwoHundredKeepingEachCountsExtremes() {
        let counts = [1, 2, 4, 8]
        let runs = (0..<1_000).map { (index: Int) -> Sample in
            let throughput = Double((index * 7_919) % 1_000)
            return Sample(
                sweepID: Int64(index % 50), sweepStartedAt: Date(timeIntervalSince1970: 0), workers: counts[index % 4],
                throughput: throughput, wallSeconds: 1, latencyP50: nil, latencyP99: nil, cpuSeconds: nil, tasks: 1
            )
        }
        let dots = HTMLReport.sampledDots(runs, limit: 200)
        #expect(dots.count == 200)
        for workers in counts {
            let all: [Double] = runs.filter { $0.workers == workers }.map { $0.throughput }
            let drawn: [Double] = dots.filter { $0.workers == workers }.map { $0.throughput }
            #expect(drawn.count == 50)
            #expect(drawn.min() == all.min())
            #expect(drawn.max() == all.max())
        }
        let again: [Double] = HTMLReport.sampledDots(runs.reversed(), limit: 200).map { $0.throughput }
        #expect(again == dots.map { $0.throughput })
        #expect(HTMLReport.sampledDots(Array(runs.prefix(150)), limit: 200).count == 150)
    }

    @Test func workerAxesTurnLogarithmicBeyondSixteenTimes() {
        #expect(Scale.fitting([1, 2, 4, 8, 16], range: 0...100, includeZero: false, allowLogarithmic: true).kind == .linear)
        #expect(Scale.fitting([1, 2, 4, 8, 17], range: 0...100, includeZero: false, allowLogarithmic: true).kind == .logarithmic)
        #expect(Scale.fitting([0, 10, 1_000], range: 0...100, includeZero: true).kind == .linear)
        let log = Scale.fitting([1, 256], range: 0...100, includeZero: false, allowLogarithmic: true, nice: false)
        #expect(abs(log.position(16) - 50) < 1e-9)
    }

    @Test func workerLabelsNeverCrowdAndKeepBothEnds() {
        let counts = Array(1...48)
        let scale = Scale.fitting(counts.map(Double.init), range: 0...480, includeZero: false, allowLogarithmic: true, nice: false)
        let labels = SVGChart.workerLabels(counts, scale: scale)
        #expect(labels.first == 1)
        #expect(labels.last == 48)
        let pixels = labels.map { scale.position(Double($0)) }
        #expect(zip(pixels, pixels.dropFirst()).allSatisfy { $1 - $0 >= SVGChart.labelGap })
    }

    @Test func escapingTurnsMarkupQuotesAndControlsIntoVisibleText() {
        #expect(HTMLWriter.escaped("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
        #expect(HTMLWriter.escaped("a\u{0}b\u{1B}c\u{7F}d\u{85}e\u{FFFE}") == "a␀b␛c␡dU+0085eU+FFFE")
        #expect(HTMLWriter.escaped("line\nand\ttab, été ✓") == "line\nand\ttab, été ✓")
        #expect(SVGChart.number(-0.04) == "0")
        #expect(SVGChart.number(12.36) == "12.4")
        #expect(SVGChart.number(-3.5) == "-3.5")
        #expect(SVGChart.number(.nan) == "0")
    }

    @Test func onlySequentialRunsGiveBestsOwnExplanation() throws {
        var history = try SyntheticHistory(seed: 1)
        try history.sweep(executors: ["sequential"], workers: [1], curve: capacity(1))
        let (_, page) = try Self.page(history.store)
        #expect(page.charts("curve").isEmpty)
        #expect(page.all("p").contains { $0.classes.contains("empty") && $0.text.hasPrefix("Only sequential runs matched") })
    }
}
