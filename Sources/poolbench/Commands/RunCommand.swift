import ArgumentParser
import Foundation
import PoolBenchKit

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workload across executors and worker counts, store every run, print a summary.",
        discussion: """
            Points run shuffled and interleaved: every point once, then again, so drift
            on a noisy machine spreads over all of them. With --repeat auto (the default)
            three rounds come first, then runs only where the knee is still undecided,
            until it is settled or --max-runs / --time-budget ends. With --max-p99 D the
            answer under that p99 limit is given too (as `best --max-p99`), and --repeat
            auto samples until it is settled as well: each count's p99 meets or exceeds D
            at 99% confidence, up to the first that exceeds. Each run is stored the
            moment it ends; Ctrl-C keeps the finished runs and marks the sweep interrupted.

            Examples:
              poolbench run sleep --duration 1s --tasks 10 --executor sequential,threads --workers 10
              poolbench run sleep --duration 20ms --capacity 16 --workers 1...48
              poolbench run cpu --executor threads,pool,tasks --workers 1,2,4,8
              poolbench run file --bytes 1MiB --executor pool,dispatch
              poolbench run http --url http://127.0.0.1:8080/ --workers 1...32
              poolbench run http --url http://127.0.0.1:8080/ --workers 1,2,4,6,8,12 --max-p99 200ms
              poolbench run http --url https://api.internal/v1/items --header-file api.headers --cacert ca.pem
              poolbench run command --tasks 20 -- curl -s -o /dev/null https://example.org/
              poolbench run --job 'python3 fetch.py --workers {workers}' --items 15 --workers 1,2,4,8,16
              poolbench run python --function fetch.py:download --items urls.txt --executor py-threads,py-processes
            """
    )

    @OptionGroup(title: "Sweep") var sweep: SweepOptions
    @OptionGroup(title: "Workload parameters") var parameters: WorkloadOptions
    @OptionGroup var database: DatabaseOptions

    @OptionGroup var tolerance: ToleranceOption
    @OptionGroup var latencyLimit: LatencyLimitOption
    @OptionGroup var errorRate: ErrorRateOption

    @Option(help: "Output format: table, json or markdown.", transform: Parsers.format())
    var format: ReportFormat = .table

    /// `--repeat auto`'s default budget per point: more when a latency limit must settle too.
    private var runsPerPoint: Int {
        latencyLimit.maxP99 == nil ? SweepOptions.runsPerPoint : SweepOptions.runsPerPointUnderLimit
    }

    func validate() throws {
        let spec = try parameters.spec()
        try sweep.checkTasks(for: spec)
        try PythonCheck.check(spec, executors: sweep.executors(for: spec))
    }

    func run() async throws {
        let spec = try parameters.spec()
        let plan = SweepPlan(
            workload: spec, executors: try sweep.executors(for: spec),
            workerCounts: try sweep.workerCounts, tasks: sweep.tasks(for: spec), repeats: sweep.repeats, warmups: sweep.warmup
        )
        let workload = try plan.workload.makeWorkload()
        defer { workload.close() }
        if let warning = spec.warning { StandardStreams.writeError(warning + "\n") }
        let store = try database.openForWriting()
        let session = try SweepSession.begin(
            store: store, commandLine: CommandLine.arguments, label: sweep.label, testbed: sweep.resolvedTestbed
        )
        let workerCommand = [WorkerCommand.executablePath, WorkerCommand.configuration.commandName!]
        let runner = SweepRunner(store: store) { $0.makeExecutor(workerCommand: workerCommand) }
        var generator = SystemRandomNumberGenerator()
        let schedule = plan.schedule(using: &generator)
        let progress = TerminalProgress.ifStandardErrorIsATerminal()
        let runs: [RunRecord]
        var sampling: SamplingOutcome?
        if sweep.repeatCount == .auto {
            let sampler = SettlingSampler(
                tolerance: try tolerance.fraction, maxErrorRate: try errorRate.fraction, latencyLimit: try latencyLimit.seconds
            )
            (runs, sampling) = try await runner.runUntilSettled(
                plan, workload: workload, schedule: schedule, sweep: session.sweep, sampler: sampler,
                budget: sweep.budget(defaultRuns: runsPerPoint * plan.points.count), generator: &generator,
                progress: progress
            )
        } else {
            runs = try await runner.run(plan, workload: workload, schedule: schedule, sweep: session.sweep, progress: progress)
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let answers = SweepAnswer.answers(
            runs, sweepStartedAt: session.sweep.startedAt, tolerance: try tolerance.fraction,
            maxErrorRate: try errorRate.fraction, cores: cores, latencyLimit: try latencyLimit.seconds
        )
        let report = SweepReport(
            sweepId: session.sweep.id!, workload: plan.workload, tasks: plan.tasks, runs: runs, sampling: sampling,
            logicalCores: cores, answers: answers
        )
        try Self.print(report, as: format)
    }
}
