import Foundation

extension BestReport {
    /// Width of the chart's longest bar, in cells.
    static let chartWidth = 40

    /// One chart per answer — throughput against workers, the knee, its
    /// band and the peak marked — with the verdict under it; then the
    /// executors compared.
    public var tables: [Table] {
        var tables = answer.answers.map(Self.chart)
        if let verdicts = verdictTable { tables.append(verdicts) }
        if tables.isEmpty {
            tables.append(Table(columns: [.init("workers", .right), .init("tasks/s", .right)], notes: [
                "Only sequential runs matched: sequential runs one task at a time, so there is no worker count "
                    + "to recommend. Measure a pool, e.g. `poolbench run WORKLOAD --executor pool --workers 1...32`.",
            ]))
        }
        return tables
    }

    static func chart(_ answer: BestAnswer.Series) -> Table {
        let hasModel = answer.points.contains { $0.modelThroughput != nil }
        var columns: [Table.Column] = [.init("workers", .right), .init("runs", .right), .init("tasks/s", .right)]
        if hasModel { columns.append(.init("model", .right)) }
        columns += [.init("throughput, peak = \(chartWidth) cells"), .init("")]
        let peak = answer.points.map(\.medianThroughput).filter(\.isFinite).max() ?? 0
        var table = Table(
            title: "\(answer.key.workloadDescription) · \(answer.key.executor) · \(answer.machine)", columns: columns
        )
        table.rows = answer.points.map { point in
            var row = [String(point.workers), String(point.runs), Formatting.rate(point.medianThroughput)]
            if hasModel { row.append(Formatting.rate(point.modelThroughput)) }
            row.append(Bar.render(point.medianThroughput, maximum: peak, width: chartWidth))
            row.append(marks(point.workers, answer))
            return row
        }
        table.notes = notes(answer)
        return table
    }

    /// `◀ recommended`, `┆ band`, `★ peak` beside the rows they mark.
    static func marks(_ workers: Int, _ answer: BestAnswer.Series) -> String {
        var marks: [String] = []
        if workers == answer.recommendedWorkers {
            marks.append("◀ recommended")
        } else if answer.band?.contains(workers) == true {
            marks.append("┆ band")
        }
        if workers == answer.peakWorkers && answer.method != .insufficientData { marks.append("★ peak") }
        if let point = answer.points.first(where: { $0.workers == workers }), point.significantErrors,
           let rate = point.errorRate {
            marks.append("✗ \(TuneReport.percent(rate)) failed")
        }
        return marks.joined(separator: " ")
    }

    static func notes(_ answer: BestAnswer.Series) -> [String] {
        // One line says it all: which count is best is moot until runs succeed.
        guard answer.method != .allRunsFailed else {
            return ["No recommendation: \(answer.reason).", sourceLine(answer)]
        }
        var notes: [String] = []
        if let workers = answer.recommendedWorkers, let band = answer.band {
            var line = "Recommended: \(workers) worker\(workers == 1 ? "" : "s"), band \(band.lowerBound)…\(band.upperBound)"
                + " (90% of bootstrap resamples)"
            if let tradeOff = answer.tradeOff { line += "; \(tradeOff)" }
            notes.append(line + ".")
            if let peakWorkers = answer.peakWorkers {
                notes.append(
                    "Peak: \(peakWorkers) worker\(peakWorkers == 1 ? "" : "s"), "
                        + "\(Formatting.rate(answer.peakThroughput)) tasks/s measured"
                        + (modelPeakPhrase(answer).map { "; \($0)" } ?? "") + "."
                )
            }
        } else {
            notes.append("No recommendation yet.")
        }
        if let onset = answer.errorOnset {
            notes.append(errorLine(onset, maxErrorRate: answer.maxErrorRate))
        }
        if let limited = answer.latencyLimited { notes.append(limited.sentence) }
        notes.append("Method: \(methodName(answer.method)) — \(answer.reason).")
        if let range = answer.nextRange {
            notes.append(answer.key.nextStep(spec: answer.spec, workers: range))
        }
        if let priors = priorsLine(answer.priors, cores: answer.logicalCores) { notes.append(priors) }
        if let busy = BusyMachine.warning(answer.busyMachine, cores: answer.logicalCores) { notes.append(busy) }
        if let mixed = answer.mixedHardware { notes.append(mixed) }
        notes.append(sourceLine(answer))
        return notes
    }

    /// "Errors: from 9 workers, 31% of tasks failed: HTTP 429 Too Many
    /// Requests — past what the server accepts; …".
    static func errorLine(_ onset: ErrorOnsetSummary, maxErrorRate: Double) -> String {
        let sentence = onset.sentence
        var line = "Errors: " + sentence.prefix(1).uppercased() + sentence.dropFirst()
            + " — past what the server accepts, so no count from \(onset.workers) is recommended"
        if maxErrorRate > 0 {
            line += " (--max-error-rate \(String(format: "%g", maxErrorRate * 100))%)"
        }
        return line + "."
    }

    /// `the USL model peaks at 96.5 workers, 1,870 tasks/s`: the model's
    /// view beside the measured peak, which is what the answer stands on.
    static func modelPeakPhrase(_ answer: BestAnswer.Series) -> String? {
        guard let fit = answer.fit, let workers = answer.modelPeakWorkers else { return nil }
        let verb = fit.model == .saturation ? "levels off at" : "peaks at"
        return "the \(methodName(answer.method)) \(verb) \(decimal(workers)) workers, "
            + "\(Formatting.rate(answer.modelPeakThroughput)) tasks/s"
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

    static func sourceLine(_ answer: BestAnswer.Series) -> String {
        let runs = answer.runs
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
        guard !answer.executors.isEmpty else { return nil }
        var table = Table(title: "Across executors", columns: [
            .init("workload"), .init("host"), .init("executor"), .init("workers", .right), .init("tasks/s", .right),
            .init("highest peak"),
        ])
        table.rows = answer.executors.map { verdict in
            let choice = verdict.choice
            let peak = "\(choice.bestPeakExecutor)"
                + (verdict.bestPeakWorkers.map { " × \($0)" } ?? "")
                + ", \(Formatting.rate(choice.bestPeakThroughput)) tasks/s"
            return [verdict.workloadDescription, verdict.machine, choice.executor, String(choice.workers), Formatting.rate(choice.throughput), peak]
        }
        table.notes = answer.executors.map { verdict in
            let choice = verdict.choice
            return "\(verdict.workloadDescription) on \(verdict.machine): use \(choice.executor) with \(choice.workers) worker\(choice.workers == 1 ? "" : "s")"
                + " — the fewest workers within \(percent(answer.tolerance)) of the highest peak among "
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
