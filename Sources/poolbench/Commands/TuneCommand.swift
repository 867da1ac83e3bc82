import ArgumentParser
import Foundation
import PoolBenchKit

/// Finds the knee with few runs instead of sweeping every worker count.
struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search for the best worker count adaptively; store every probe like a run.",
        discussion: """
            Runs 1 worker, then doubles until doubling buys less than --tolerance (or
            throughput drops), then bisects the bracket; with --repeat auto (the default)
            the counts still undecided get extra runs until the knee is settled or
            --max-runs (default 39) ends. Takes one executor; it picks the worker counts itself, up to --max-workers.
            Every probe is stored, so `best` and `trend` see them. With --max-p99 D it
            also answers under that p99 limit, as `best --max-p99` does; when the knee's
            p99 exceeds D it first bisects below the knee for the largest count within D,
            then (with --repeat auto) samples until each count's p99 meets or exceeds D at
            99% confidence and the answer is settled, within another --max-runs.

            Examples:
              poolbench tune sleep --duration 20ms --capacity 8
              poolbench tune http --url http://127.0.0.1:8080/ --tasks 200
              poolbench tune --job 'python3 fetch.py --workers {workers}' --items 15
              poolbench tune python --function fetch.py:download --items urls.txt
            """
    )

    @OptionGroup(title: "Sweep") var sweep: SweepOptions
    @OptionGroup(title: "Workload parameters") var parameters: WorkloadOptions
    @OptionGroup var database: DatabaseOptions

    @Option(parsing: .unconditional, help: "The largest worker count to try.", transform: Parsers.wholeNumber)
    var maxWorkers = 256

    @OptionGroup var tolerance: ToleranceOption
    @OptionGroup var latencyLimit: LatencyLimitOption
    @OptionGroup var errorRate: ErrorRateOption

    @Option(help: "Output format: table, json or markdown.", transform: Parsers.format())
    var format: ReportFormat = .table

    func validate() throws {
        if sweep.workerSpec != nil {
            throw ValidationError("tune chooses its own worker counts; bound them with --max-workers instead of --workers.")
        }
        let spec = try parameters.spec()
        try sweep.checkTasks(for: spec)
        try PythonCheck.check(spec, executors: [executor(for: spec)])
        guard (1...WorkerCounts.limit).contains(maxWorkers) else {
            throw ValidationError("--max-workers must be from 1 to \(WorkerCounts.limit); got \(maxWorkers).")
        }
    }

    private func executor(for spec: WorkloadSpec) throws(ValidationError) -> ExecutorKind {
        let executors = try sweep.executors(for: spec)
        guard executors.count == 1, let executor = executors.first else {
            throw ValidationError("tune searches one executor at a time; pass one --executor.")
        }
        guard !executor.isSingleWorker else {
            throw ValidationError("sequential always has one worker, so there is nothing to tune; pass another --executor.")
        }
        return executor
    }

    func run() async throws {
        let spec = try parameters.spec()
        let executor = try executor(for: spec)
        let plan = SweepPlan(
            workload: spec, executors: [executor], workerCounts: [], tasks: sweep.tasks(for: spec),
            repeats: sweep.repeats, warmups: sweep.warmup
        )
        let workload = try spec.makeWorkload()
        defer { workload.close() }
        if let warning = spec.warning { StandardStreams.writeError(warning + "\n") }
        let store = try database.openForWriting()
        let session = try SweepSession.begin(
            store: store, commandLine: CommandLine.arguments, label: sweep.label, testbed: sweep.resolvedTestbed
        )
        let workerCommand = [WorkerCommand.executablePath, WorkerCommand.configuration.commandName!]
        let tuner = Tuner(runner: SweepRunner(store: store) { $0.makeExecutor(workerCommand: workerCommand) }, search: try search(for: spec))
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let result = try await tuner.run(
            plan, executor: executor, workload: workload, sweep: session.sweep, cores: cores, latencyLimit: try latencyLimit.seconds
        )
        let report = TuneReport(
            session.sweep, workload: spec, executor: executor, result: result, fullSweepRuns: maxWorkers * sweep.repeats,
            logicalCores: cores
        )
        try Self.print(report, as: format)
    }

    /// `--repeat auto` probes twice and settles; `--repeat N` probes exactly N
    /// times. A job divides its own work, so only a workload's tasks bound the search.
    private func search(for spec: WorkloadSpec) throws -> KneeSearch {
        let auto = sweep.repeatCount == .auto
        let isJob = if case .job = spec { true } else { false }
        return KneeSearch(
            maxWorkers: maxWorkers, tolerance: try tolerance.fraction, repeats: auto ? 2 : sweep.repeats, settles: auto,
            budget: sweep.budget(defaultRuns: auto ? KneeSearch.defaultMaxRuns : Int.max), tasks: isJob ? nil : sweep.tasks(for: spec),
            maxErrorRate: try errorRate.fraction
        )
    }
}
