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
            throughput drops), then bisects the bracket; a probe within noise of the cut
            gets extra runs. Takes one executor; it picks the worker counts itself, up to --max-workers.
            Every probe is stored, so `best` and `trend` see them. With --max-p99 D it
            also answers under that p99 limit, as `best --max-p99` does; when the knee's
            p99 exceeds D it first bisects below the knee for the largest count within D.

            Examples:
              poolbench tune sleep --duration 20ms --capacity 8
              poolbench tune http --url http://127.0.0.1:8080/ --tasks 200
              poolbench tune --job 'python3 fetch.py --workers {workers}' --items 15
            """
    )

    @OptionGroup(title: "Sweep") var sweep: SweepOptions
    @OptionGroup(title: "Workload parameters") var parameters: WorkloadOptions
    @OptionGroup var database: DatabaseOptions

    @Option(parsing: .unconditional, help: "The largest worker count to try.", transform: Parsers.wholeNumber)
    var maxWorkers = 256

    @OptionGroup var tolerance: ToleranceOption
    @OptionGroup var latencyLimit: LatencyLimitOption

    @Option(help: "Output format: table, json or markdown.", transform: Parsers.format())
    var format: ReportFormat = .table

    func validate() throws {
        if sweep.workerSpec != nil {
            throw ValidationError("tune chooses its own worker counts; bound them with --max-workers instead of --workers.")
        }
        _ = try executor(for: parameters.spec())
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
        let store = try database.openForWriting()
        let session = try SweepSession.begin(
            store: store, commandLine: CommandLine.arguments, label: sweep.label, testbed: sweep.resolvedTestbed
        )
        let sweepId = session.sweep.id!
        let workerCommand = [WorkerCommand.executablePath, WorkerCommand.configuration.commandName!]
        let runner = SweepRunner(store: store) { $0.makeExecutor(workerCommand: workerCommand) }
        let search = KneeSearch(maxWorkers: maxWorkers, tolerance: try tolerance.fraction, repeats: sweep.repeats)

        var records: [RunRecord] = []
        func probe(_ workers: Int) async throws -> Double {
            let point = SweepPoint(executor: executor, workers: workers)
            let repetition = records.filter { $0.workers == workers }.count
            if repetition == 0 {
                for _ in 0..<plan.warmups {
                    _ = try await runner.runOnce(point, workload: workload, plan: plan, sweepId: sweepId, repetition: nil)
                }
            }
            let record = try await runner.runOnce(point, workload: workload, plan: plan, sweepId: sweepId, repetition: repetition)
            records.append(record!)
            return record!.throughput
        }
        let samples = { records.map { Sample($0, sweepStartedAt: session.sweep.startedAt) } }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let outcome: KneeSearch.Outcome
        var limitProbes: [Int] = []
        do {
            outcome = try await search.run(measure: probe)
            if let limit = try latencyLimit.seconds, let knee = CPUBoundCap.apply(
                Knee.recommend(samples(), tolerance: search.tolerance, cores: cores), samples: samples(), cores: cores
            ).recommendedWorkers {
                limitProbes = try await LatencyLimit.probeBelowKnee(
                    knee, limit: limit, repeats: sweep.repeats, runs: samples, measure: { _ = try await probe($0) }
                )
            }
        } catch {
            _ = try? store.finishSweep(id: sweepId, status: .failed)
            throw error
        }
        try store.finishSweep(id: sweepId, status: .completed)

        let recommendation = CPUBoundCap.apply(
            Knee.recommend(samples(), tolerance: search.tolerance, cores: cores), samples: samples(), cores: cores
        )
        let report = TuneReport(
            sweepId: sweepId, workload: spec, executor: executor, probeOrder: outcome.order + limitProbes, runs: records,
            recommendation: recommendation, fullSweepRuns: maxWorkers * sweep.repeats,
            latencyLimited: try latencyLimit.seconds.map { LatencyLimit.answer(samples(), limit: $0, tolerance: search.tolerance) },
            logicalCores: cores
        )
        try Self.print(report, as: format)
    }
}
