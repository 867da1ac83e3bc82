import Foundation

extension BestReport {
    /// Width of the chart's longest bar, in cells.
    static let chartWidth = 40

    /// One chart per answer — throughput against workers, the knee, its
    /// band and the peak marked — with the verdict under it; then the
    /// executors compared.
    public var tables: [Table] {
        var tables = answers.map(Self.chart)
        if let verdicts = verdictTable { tables.append(verdicts) }
        if tables.isEmpty {
            tables.append(Table(columns: [.init("workers", .right), .init("tasks/s", .right)], notes: [
                "Only sequential runs matched: sequential runs one task at a time, so there is no worker count "
                    + "to recommend. Measure a pool, e.g. `poolbench run WORKLOAD --executor pool --workers 1...32`.",
            ]))
        }
        return tables
    }

    static func chart(_ answer: Answer) -> Table {
        let recommendation = answer.recommendation
        let hasModel = recommendation.points.contains { $0.modelThroughput != nil }
        var columns: [Table.Column] = [.init("workers", .right), .init("runs", .right), .init("tasks/s", .right)]
        if hasModel { columns.append(.init("model", .right)) }
        columns += [.init("throughput, peak = \(chartWidth) cells"), .init("")]
        let peak = recommendation.points.map(\.medianThroughput).filter(\.isFinite).max() ?? 0
        var table = Table(
            title: "\(answer.key.workloadDescription) · \(answer.key.executor) · \(answer.machine)", columns: columns
        )
        table.rows = recommendation.points.map { point in
            var row = [String(point.workers), String(point.runs), Formatting.rate(point.medianThroughput)]
            if hasModel { row.append(Formatting.rate(point.modelThroughput)) }
            row.append(Bar.render(point.medianThroughput, maximum: peak, width: chartWidth))
            row.append(marks(point.workers, recommendation))
            return row
        }
        table.notes = notes(answer)
        return table
    }

    /// `◀ recommended`, `┆ band`, `★ peak` beside the rows they mark.
    static func marks(_ workers: Int, _ recommendation: KneeRecommendation) -> String {
        var marks: [String] = []
        if workers == recommendation.recommendedWorkers {
            marks.append("◀ recommended")
        } else if recommendation.band?.contains(workers) == true {
            marks.append("┆ band")
        }
        if workers == recommendation.peakWorkers && recommendation.method != .insufficientData { marks.append("★ peak") }
        if let point = recommendation.points.first(where: { $0.workers == workers }), point.significantErrors,
           let rate = point.errorRate {
            marks.append("✗ \(TuneReport.percent(rate)) failed")
        }
        return marks.joined(separator: " ")
    }

    static func notes(_ answer: Answer) -> [String] {
        let recommendation = answer.recommendation
        // One line says it all: which count is best is moot until runs succeed.
        guard recommendation.method != .allRunsFailed else {
            return ["No recommendation: \(recommendation.reason).", sourceLine(answer)]
        }
        var notes: [String] = []
        if let workers = recommendation.recommendedWorkers, let band = recommendation.band {
            var line = "Recommended: \(workers) worker\(workers == 1 ? "" : "s"), band \(band.lowerBound)…\(band.upperBound)"
                + " (90% of bootstrap resamples)"
            if let tradeOff = recommendation.tradeOffPhrase { line += "; \(tradeOff)" }
            notes.append(line + ".")
            if let peakWorkers = recommendation.peakWorkers {
                notes.append(
                    "Peak: \(peakWorkers) worker\(peakWorkers == 1 ? "" : "s"), "
                        + "\(Formatting.rate(recommendation.peakThroughput)) tasks/s measured"
                        + (modelPeakPhrase(recommendation).map { "; \($0)" } ?? "") + "."
                )
            }
        } else {
            notes.append("No recommendation yet.")
        }
        if let onset = recommendation.errorOnset {
            notes.append(errorLine(onset, recommendation))
        }
        if let limited = answer.latencyLimited { notes.append(limited.sentence) }
        notes.append("Method: \(methodName(recommendation.method)) — \(recommendation.reason).")
        if let range = recommendation.nextRange {
            notes.append(answer.key.nextStep(spec: answer.spec, workers: range))
        }
        if let priors = priorsLine(recommendation.priors, cores: answer.logicalCores) { notes.append(priors) }
        if let busy = BusyMachine.warning(answer.busySweeps, cores: answer.logicalCores) { notes.append(busy) }
        if let mixed = answer.mixedHardware { notes.append(mixed) }
        notes.append(sourceLine(answer))
        return notes
    }

    /// "Errors: from 9 workers, 31% of tasks failed: HTTP 429 Too Many
    /// Requests — past what the server accepts; …".
    static func errorLine(_ onset: ErrorOnsetSummary, _ recommendation: KneeRecommendation) -> String {
        let sentence = onset.sentence
        var line = "Errors: " + sentence.prefix(1).uppercased() + sentence.dropFirst()
            + " — past what the server accepts, so no count from \(onset.workers) is recommended"
        if recommendation.maxErrorRate > 0 {
            line += " (--max-error-rate \(String(format: "%g", recommendation.maxErrorRate * 100))%)"
        }
        return line + "."
    }

    /// `the USL model peaks at 96.5 workers, 1,870 tasks/s`: the model's
    /// view beside the measured peak, which is what the answer stands on.
    static func modelPeakPhrase(_ recommendation: KneeRecommendation) -> String? {
        guard let fit = recommendation.fit, let workers = recommendation.modelPeakWorkers else { return nil }
        let verb = fit.model == .saturation ? "levels off at" : "peaks at"
        return "the \(methodName(recommendation.method)) \(verb) \(decimal(workers)) workers, "
            + "\(Formatting.rate(recommendation.modelPeakThroughput)) tasks/s"
    }

    static func methodName(_ method: KneeMethod) -> String {
        switch method {
        case .universalScalability: "Universal Scalability Law"
        case .saturation: "saturation model"
        case .measured: "measured medians"
        case .insufficientData: "not enough data"
        case .allRunsFailed: "every run failed"
        case .errorsAtEveryCount: "errors at every count"
        }
    }

    /// The back-of-the-envelope counts, with the numbers that made them.
    static func priorsLine(_ priors: SanityPriors, cores: Int) -> String? {
        var parts: [String] = []
        if let workers = priors.littlesLawWorkers, let latency = priors.taskLatency {
            parts.append("Little's law \(decimal(workers)) workers (peak tasks/s × \(Formatting.seconds(latency)) per task at 1 worker)")
        }
        if let workers = priors.waitRatioWorkers, let latency = priors.taskLatency, let cpu = priors.taskCPUSeconds {
            parts.append(
                "cores × (1 + wait/compute) = \(cores) × (1 + \(Formatting.seconds(max(latency - cpu, 0)))"
                    + "/\(Formatting.seconds(cpu))) = \(decimal(workers)) workers"
            )
        }
        return parts.isEmpty ? nil : "Sanity priors: " + parts.joined(separator: "; ") + "."
    }

    static func sourceLine(_ answer: Answer) -> String {
        let runs = answer.recommendation.runs
        let level = answer.level
        guard let since = level.sinceSweepID, let date = level.sinceStartedAt else {
            return "No runs to answer from."
        }
        var line = "From \(runs) run\(runs == 1 ? "" : "s") in \(level.sweeps) sweep\(level.sweeps == 1 ? "" : "s")"
            + " since sweep \(since) (\(Formatting.minute(date)))"
        if !level.changedWorkers.isEmpty {
            line += ", where throughput changed at \(level.changedWorkers.count) of the \(level.measuredWorkers) worker counts;"
                + " older sweeps measured another level"
        } else if answer.sweepsRead >= 2 {
            line += ", the newest \(answer.sweepsRead) sweeps of this series"
        }
        return line + "."
    }

    /// One row per workload × machine with two or more executors.
    var verdictTable: Table? {
        guard !executorVerdicts.isEmpty else { return nil }
        var table = Table(title: "Across executors", columns: [
            .init("workload"), .init("host"), .init("executor"), .init("workers", .right), .init("tasks/s", .right),
            .init("highest peak"),
        ])
        table.rows = executorVerdicts.map { verdict in
            let choice = verdict.choice
            let peak = "\(choice.bestPeakExecutor)"
                + (verdict.bestPeakWorkers.map { " × \($0)" } ?? "")
                + ", \(Formatting.rate(choice.bestPeakThroughput)) tasks/s"
            return [verdict.workloadDescription, verdict.machine, choice.executor, String(choice.workers), Formatting.rate(choice.throughput), peak]
        }
        table.notes = executorVerdicts.map { verdict in
            let choice = verdict.choice
            return "\(verdict.workloadDescription) on \(verdict.machine): use \(choice.executor) with \(choice.workers) worker\(choice.workers == 1 ? "" : "s")"
                + " — the fewest workers within \(percent(tolerance)) of the highest peak among "
                + verdict.executors.joined(separator: ", ") + "."
        }
        return table
    }

    static func decimal(_ value: Double) -> String {
        String(format: value >= 100 ? "%.0f" : "%.1f", value)
    }

    func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return (value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)) + "%"
    }
}

// MARK: - JSON

extension BestReport {
    /// `{"tolerance", "newestSweeps", "answers": […], "executors": […]}`;
    /// every answer carries the keys the design promises, `null` when
    /// there is no value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(tolerance, forKey: .tolerance)
        try container.encode(newestSweeps, forKey: .newestSweeps)
        try container.encode(answers.map(AnswerJSON.init), forKey: .answers)
        try container.encode(executorVerdicts.map(VerdictJSON.init), forKey: .executors)
    }

    private enum Key: String, CodingKey {
        case tolerance, newestSweeps, answers, executors
    }

    private struct AnswerJSON: Encodable {
        let answer: Answer

        enum Key: String, CodingKey {
            case workload, parameters, executor, host, testbed, logicalCores, recommendedWorkers, band, peakWorkers
            case peakThroughput, modelPeakWorkers, modelPeakThroughput, kneeThroughput, fractionOfPeak
            case fewerWorkersFraction, tradeOff, method, reason, firstError
            case plateauReached, nextRange, nextCommand, runs, sweeps, sweepsRead, sinceSweepId, sinceStartedAt
            case changedWorkers, tolerance, priors, fit, points
            case latencyLimit, limitedWorkers, limitedBand, othersCpuShare, busySweeps
            case plateauThroughput, confidence, settled, undecidedWorkers
            case errorOnsetWorkers, errorOnsetRate, errorKinds, maxErrorRate
        }

        func encode(to encoder: any Encoder) throws {
            let r = answer.recommendation
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(answer.key.workload, forKey: .workload)
            try c.encode(answer.key.parameters, forKey: .parameters)
            try c.encode(answer.key.executor, forKey: .executor)
            try c.encode(answer.host, forKey: .host)
            try c.encode(answer.testbed, forKey: .testbed)
            try c.encode(answer.logicalCores, forKey: .logicalCores)
            try c.encode(r.recommendedWorkers, forKey: .recommendedWorkers)
            try c.encode(r.band, forKey: .band)
            try c.encode(r.peakWorkers, forKey: .peakWorkers)
            try c.encode(r.peakThroughput, forKey: .peakThroughput)
            try c.encode(r.modelPeakWorkers, forKey: .modelPeakWorkers)
            try c.encode(r.modelPeakThroughput, forKey: .modelPeakThroughput)
            try c.encode(r.kneeThroughput, forKey: .kneeThroughput)
            try c.encode(r.fractionOfPeak, forKey: .fractionOfPeak)
            try c.encode(r.fewerWorkersFraction, forKey: .fewerWorkersFraction)
            try c.encode(r.tradeOffPhrase, forKey: .tradeOff)
            try c.encode(r.method, forKey: .method)
            try c.encode(r.reason, forKey: .reason)
            try c.encode(r.firstError, forKey: .firstError)
            try c.encode(r.plateauReached, forKey: .plateauReached)
            try c.encode(r.nextRange, forKey: .nextRange)
            try c.encode(r.nextRange.flatMap { answer.key.runCommand(spec: answer.spec, workers: $0) }, forKey: .nextCommand)
            try c.encode(r.runs, forKey: .runs)
            try c.encode(answer.level.sweeps, forKey: .sweeps)
            try c.encode(answer.sweepsRead, forKey: .sweepsRead)
            try c.encode(answer.level.sinceSweepID, forKey: .sinceSweepId)
            try c.encode(answer.level.sinceStartedAt, forKey: .sinceStartedAt)
            try c.encode(answer.level.changedWorkers, forKey: .changedWorkers)
            try c.encode(r.tolerance, forKey: .tolerance)
            try c.encode(r.priors, forKey: .priors)
            try c.encode(r.fit, forKey: .fit)
            try c.encode(r.points.map(PointJSON.init), forKey: .points)
            try c.encode(answer.latencyLimited?.latencyLimit, forKey: .latencyLimit)
            try c.encode(answer.latencyLimited?.limitedWorkers, forKey: .limitedWorkers)
            try c.encode(answer.latencyLimited?.limitedBand, forKey: .limitedBand)
            try c.encode(answer.othersShare, forKey: .othersCpuShare)
            try c.encode(answer.busySweeps.map(\.sweepID), forKey: .busySweeps)
            try c.encode(r.plateauThroughput, forKey: .plateauThroughput)
            try c.encode(r.confidence, forKey: .confidence)
            try c.encode(r.settled, forKey: .settled)
            try c.encode(r.undecidedWorkers, forKey: .undecidedWorkers)
            try c.encode(r.errorOnsetWorkers, forKey: .errorOnsetWorkers)
            try c.encode(r.errorOnset?.errorRate, forKey: .errorOnsetRate)
            try c.encode(r.errorOnset?.kinds ?? [], forKey: .errorKinds)
            try c.encode(r.maxErrorRate, forKey: .maxErrorRate)
        }
    }

    /// A tested worker count without NaN: a count whose runs had no
    /// finite throughput shows `null`.
    private struct PointJSON: Encodable {
        var workers: Int
        var runs: Int
        var medianThroughput: Double?
        var modelThroughput: Double?
        var verdict: KneeDecision.Verdict?
        var errorRate: Double?
        var significantErrors: Bool

        init(_ point: WorkerPoint) {
            workers = point.workers
            runs = point.runs
            medianThroughput = point.medianThroughput.isFinite ? point.medianThroughput : nil
            modelThroughput = point.modelThroughput
            verdict = point.verdict
            errorRate = point.errorRate
            significantErrors = point.significantErrors
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(workers, forKey: .workers)
            try c.encode(runs, forKey: .runs)
            try c.encode(medianThroughput, forKey: .medianThroughput)
            try c.encode(modelThroughput, forKey: .modelThroughput)
            try c.encode(verdict, forKey: .verdict)
            try c.encode(errorRate, forKey: .errorRate)
            try c.encode(significantErrors, forKey: .significantErrors)
        }

        enum CodingKeys: String, CodingKey {
            case workers, runs, medianThroughput, modelThroughput, verdict, errorRate, significantErrors
        }
    }

    private struct VerdictJSON: Encodable {
        var workload: String
        var parameters: String
        var host: String
        var testbed: String?
        var executors: [String]
        var executor: String
        var workers: Int
        var throughput: Double
        var bestPeakExecutor: String
        var bestPeakWorkers: Int?
        var bestPeakThroughput: Double

        init(_ verdict: ExecutorVerdict) {
            (workload, parameters, host, executors) = (verdict.workload, verdict.parameters, verdict.host, verdict.executors)
            testbed = verdict.testbed
            (executor, workers, throughput) = (verdict.choice.executor, verdict.choice.workers, verdict.choice.throughput)
            (bestPeakExecutor, bestPeakWorkers) = (verdict.choice.bestPeakExecutor, verdict.bestPeakWorkers)
            bestPeakThroughput = verdict.choice.bestPeakThroughput
        }
    }
}
