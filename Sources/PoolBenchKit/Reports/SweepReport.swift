import Foundation

/// What `run` prints when a sweep ends: one row per executor × workers with
/// medians over its runs, the speed-up over one worker, and the fastest
/// point marked.
public struct SweepReport: Report {
    /// One point's medians over its measured runs.
    public struct Row: Encodable, Sendable, Equatable {
        public var executor: String
        public var workers: Int
        public var runs: Int
        public var wallSeconds: Double
        public var throughput: Double
        /// Median throughput ÷ the baseline's: the same executor at one
        /// worker, else `sequential`, else the same executor at the fewest
        /// workers measured (`speedupBaselineWorkers` says which).
        public var speedup: Double?
        /// The worker count `speedup` is measured against: 1 unless the
        /// sweep measured neither one worker nor `sequential`.
        public var speedupBaselineWorkers: Int?
        public var latencyP50: Double?
        public var latencyP99: Double?
        public var cpuSeconds: Double?
        /// Median bytes received per second, for workloads that count them.
        public var bytesPerSecond: Double?
        public var errors: Int
        public var fastest: Bool
    }

    public var sweepId: Int64
    public var workload: String
    public var parameters: String
    public var tasks: Int
    public var rows: [Row]
    public var firstError: String?
    /// CPU the rest of the machine used during the runs over what the
    /// machine had (`BusyMachine.othersShare`); nil when unmeasured.
    public var othersCpuShare: Double?
    /// Whether that share was above `BusyMachine.threshold`.
    public var busyMachine: Bool
    public var logicalCores: Int?
    /// Where `--repeat auto` stopped sampling; nil for a fixed --repeat.
    public var sampling: SamplingOutcome?
    /// What these runs answer, per executor (`SweepAnswer.answers`).
    public var answers: [SweepAnswer]
    /// Whether the workload never levels off by design: `sleep` without
    /// `--capacity`, whose tasks share nothing.
    public var unbounded: Bool

    /// - Parameter logicalCores: the machine's cores, to judge whether it was busy; nil not to.
    /// - Parameter answers: what the runs answer (`SweepAnswer.answers`), laid out under the table.
    public init(
        sweepId: Int64, workload: WorkloadSpec, tasks: Int, runs: [RunRecord], sampling: SamplingOutcome? = nil,
        logicalCores: Int? = nil, answers: [SweepAnswer] = []
    ) {
        self.sampling = sampling
        self.answers = answers
        if case .sleep(_, nil) = workload { unbounded = true } else { unbounded = false }
        self.sweepId = sweepId
        self.logicalCores = logicalCores
        othersCpuShare = logicalCores.flatMap { cores in
            BusyMachine.othersShare(runs.map { Sample($0, sweepStartedAt: $0.startedAt) }, cores: cores)
        }
        busyMachine = othersCpuShare.map { $0 > BusyMachine.threshold } ?? false
        self.workload = workload.name
        self.parameters = workload.parameterText
        // A job that reports its own items ran that many, whatever the plan said.
        let ran = Set(runs.map(\.tasks))
        self.tasks = ran.count == 1 ? ran.first ?? tasks : tasks
        firstError = runs.lazy.compactMap(\.firstError).first

        let groups = Dictionary(grouping: runs) { SweepPoint(executor: ExecutorKind(rawValue: $0.executor) ?? .pool, workers: $0.workers) }
        let medians = groups.mapValues { Descriptive.median($0.map(\.throughput)) ?? 0 }
        // Each executor's speed-up is against itself at one worker, else
        // `sequential`, else its own fewest workers.
        let sequential = medians[SweepPoint(executor: .sequential, workers: 1)]
        let fewest = Dictionary(groups.keys.map { ($0.executor, $0.workers) }, uniquingKeysWith: min)
        let baselines = Dictionary(uniqueKeysWithValues: fewest.map { executor, workers in
            if workers != 1, let sequential { return (executor, (throughput: sequential, workers: 1)) }
            return (executor, (throughput: medians[SweepPoint(executor: executor, workers: workers)] ?? 0, workers: workers))
        })
        var rows = groups.map { point, runs in
            let throughput = medians[point] ?? 0
            let baseline = baselines[point.executor]
            return Row(
                executor: point.executor.rawValue, workers: point.workers, runs: runs.count,
                wallSeconds: Descriptive.median(runs.map(\.wallSeconds)) ?? 0, throughput: throughput,
                speedup: baseline.flatMap { $0.throughput > 0 ? throughput / $0.throughput : nil },
                speedupBaselineWorkers: baseline?.workers,
                latencyP50: Descriptive.median(runs.compactMap(\.latencyP50)),
                latencyP99: Descriptive.median(runs.compactMap(\.latencyP99)),
                cpuSeconds: Descriptive.median(runs.compactMap(\.cpuSeconds)),
                bytesPerSecond: Descriptive.median(runs.compactMap { run in
                    run.bytesReceived.flatMap { run.wallSeconds > 0 ? Double($0) / run.wallSeconds : nil }
                }),
                errors: runs.map(\.errorCount).reduce(0, +), fastest: false
            )
        }
        // Executors from the simplest (sequential) to the most elaborate.
        rows.sort {
            (ExecutorKind.listingRank(of: $0.executor), $0.workers) < (ExecutorKind.listingRank(of: $1.executor), $1.workers)
        }
        // Throughput counts tasks that succeeded: when none did, no point is fastest.
        if let best = rows.indices.max(by: { rows[$0].throughput < rows[$1].throughput }), rows[best].throughput > 0 {
            rows[best].fastest = true
        }
        self.rows = rows
    }

    public var tables: [Table] {
        // Only workloads that count received bytes (http) get that column.
        let showsBytes = rows.contains { $0.bytesPerSecond != nil }
        var table = Table(columns: [
            .init("executor"), .init("workers", .right), .init("runs", .right), .init("wall", .right),
            .init("tasks/s", .right), .init("speed-up", .right), .init("p50", .right), .init("p99", .right),
            .init("cpu", .right),
        ] + (showsBytes ? [.init("received", .right)] : []) + [.init("errors", .right), .init("")])
        table.rows = rows.map { row in
            [
                row.executor, String(row.workers), String(row.runs), Formatting.seconds(row.wallSeconds),
                Formatting.rate(row.throughput), Formatting.factor(row.speedup), Formatting.seconds(row.latencyP50),
                Formatting.seconds(row.latencyP99), Formatting.seconds(row.cpuSeconds),
            ] + (showsBytes ? [Formatting.byteRate(row.bytesPerSecond)] : []) + [
                String(row.errors), row.fastest ? "★ fastest" : "",
            ]
        }
        table.notes = notes
        return [table]
    }

    /// Plain sentences under the table: the verdict a person came for.
    var notes: [String] {
        let baselines = Set(rows.compactMap(\.speedupBaselineWorkers))
        let against = baselines.subtracting([1]).isEmpty ? "one worker" : "each executor's fewest workers (no one-worker run)"
        var notes = ["Sweep \(sweepId): \(workload) \(parameters), \(tasks) tasks per run; medians over runs; speed-up against \(against)."]
        if let best = rows.first(where: \.fastest) {
            var sentence = "Fastest: \(best.executor) with \(best.workers) worker\(best.workers == 1 ? "" : "s"), \(Formatting.seconds(best.wallSeconds)) per run"
            if let speedup = best.speedup, let workers = best.speedupBaselineWorkers {
                sentence += ", \(Formatting.factor(speedup)) the throughput of \(workers == 1 ? "one worker" : "\(workers) workers")"
            }
            notes.append(sentence + ".")
        }
        if busyMachine, let share = othersCpuShare, let cores = logicalCores,
           let warning = BusyMachine.warning([SweepLoad(sweepID: sweepId, othersShare: share)], cores: cores) {
            notes.append(warning)
        }
        let errors = rows.map(\.errors).reduce(0, +)
        if errors > 0 {
            // A job's errors are whole runs of its program.
            let unit = workload == "job" ? "run" : "task"
            notes.append("\(errors) \(unit)\(errors == 1 ? "" : "s") failed" + (firstError.map { "; first error: \($0)" } ?? "."))
        }
        if let sampling, rows.contains(where: \.fastest) { notes.append(sampling.sentence) }
        if rows.contains(where: \.fastest) {
            notes += answerNotes
        } else {
            notes.append("Nothing succeeded, so there is nothing to recommend from: fix what the error says and run again.")
        }
        return notes
    }

    /// The slots of the simulated server suggested for an unbounded sweep:
    /// a knee inside the default worker counts (1, 2, 4, 8, 16, 32).
    static let demonstrationCapacity = 8

    /// The answer per executor, as `best` words it, and where to look for more.
    var answerNotes: [String] {
        var notes: [String] = []
        for answer in answers {
            let recommendation = answer.recommendation
            let which = answers.count > 1 ? " (\(answer.executor))" : ""
            if let phrase = recommendation.tradeOffPhrase, recommendation.plateauReached {
                var sentence = "Recommended\(which): \(phrase)"
                if let band = recommendation.band { sentence += " (band \(band.lowerBound)…\(band.upperBound))" }
                notes.append(sentence + (recommendation.settled ? "." : "; not settled yet: \(recommendation.reason)."))
            } else if !recommendation.plateauReached, let largest = recommendation.points.last?.workers {
                var sentence = "No plateau reached\(which): throughput still rising at \(largest) workers, so no count is recommended yet"
                if let range = recommendation.nextRange { sentence += "; try up to \(range.upperBound)" }
                notes.append(sentence + ".")
            } else {
                notes.append("No recommendation\(which): \(recommendation.reason).")
            }
            if let onset = recommendation.errorOnset { notes.append(BestReport.errorLine(onset, maxErrorRate: recommendation.maxErrorRate)) }
            if let limited = answer.latencyLimited { notes.append(limited.sentence) }
        }
        if unbounded, answers.contains(where: { !$0.recommendation.plateauReached }) {
            notes.append(
                "sleep's tasks share nothing, so more workers always help: add `--capacity \(Self.demonstrationCapacity)` "
                    + "to sweep a simulated server with \(Self.demonstrationCapacity) slots, which has an answer."
            )
        }
        notes.append("`poolbench best --sweep \(sweepId)` explains the answer; `poolbench best` answers from every sweep of this workload.")
        return notes
    }
}
