import ArgumentParser
import Foundation
import PoolBenchKit

/// What `run` and `tune` share: which executors, how many tasks, how many
/// runs per point, and the label to file the sweep under.
struct SweepOptions: ParsableArguments {
    @Option(
        name: .customLong("executor"),
        help: ArgumentHelp(
            "Executors to compare, comma-separated: \(ExecutorKind.forTasks.map(\.rawValue).joined(separator: ", ")) (default pool); "
                + "for the python workload \(PythonWorkload.executors.map(\.rawValue).joined(separator: ", ")) (default py-threads): "
                + "ThreadPoolExecutor, ProcessPoolExecutor created inside each measured run (its start-up is part of the run), asyncio with a Semaphore.",
            valueName: "e[,e…]"
        )
    )
    var executorList: String?

    @Option(
        name: .customLong("workers"),
        parsing: .unconditional,
        help: ArgumentHelp("Worker counts: a list (1,2,4,8) or a range (1...64) (default \(Self.defaultWorkers)).", valueName: "spec")
    )
    var workerSpec: String?

    /// The worker counts a sweep measures when `--workers` is not given.
    static let defaultWorkers = "1,2,4,8,16,32"

    @Option(
        name: .customLong("tasks"), parsing: .unconditional,
        help: ArgumentHelp("Tasks per run (default 100; a job's and a python function's runs take --items instead).", valueName: "tasks"),
        transform: Parsers.wholeNumber
    )
    var taskCount: Int?

    /// `--tasks`, or its default.
    var tasks: Int { taskCount ?? 100 }

    @Option(
        name: .customLong("repeat"),
        parsing: .unconditional,
        help: ArgumentHelp(
            "Measured runs per point, or auto: a first round of \(RepeatCount.firstRound), then more runs only at the "
                + "counts whose verdict is still open, until the answer is settled or a budget ends (default auto).",
            valueName: "r|auto"
        ),
        transform: RepeatCount.parse
    )
    var repeatCount: RepeatCount = .auto

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "With --repeat auto, the most measured runs in all (default: \(Self.runsPerPoint) per point for run, "
                + "\(Self.runsPerPointUnderLimit) with --max-p99, \(KneeSearch.defaultMaxRuns) for tune).",
            valueName: "n"
        ),
        transform: Parsers.wholeNumber
    )
    var maxRuns: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("With --repeat auto, stop adding runs after this long, e.g. 2m (default: no limit).", valueName: "duration"),
        transform: Parsers.duration(flag: "--time-budget")
    )
    var timeBudget: Double?

    /// `run --repeat auto`'s default budget: this many runs per point on
    /// average, about 2.7 times a fixed --repeat 3.
    static let runsPerPoint = 8

    /// The same under `--max-p99`, whose answer must settle too. A run's p99
    /// is noisier than its throughput (on a simulated 4-slot server with
    /// latency CV 0.25, a log standard deviation of 0.085 against 0.03), so
    /// the two counts either side of the limit need more runs: at 8 per point
    /// `run --repeat auto --max-p99` named the right count in 98% of 200
    /// seeded sweeps (the rest unsettled), at 12 in all of them, with 8 runs
    /// per point on average.
    static let runsPerPointUnderLimit = 12

    @Option(
        parsing: .unconditional,
        help: "Unrecorded warm-up runs per point, before the measured ones.",
        transform: Parsers.wholeNumber
    )
    var warmup: Int = 1

    @Option(help: "A label to file the sweep under, e.g. a commit or an experiment name.")
    var label: String?

    @Option(
        help: ArgumentHelp(
            "The class of comparable machines this runs on, for CI runners whose host names change (default: $POOLBENCH_TESTBED).",
            valueName: "name"
        )
    )
    var testbed: String?

    /// The testbed given by the flag or, failing that, the environment.
    var resolvedTestbed: String? {
        if let testbed { return testbed }
        let fromEnvironment = ProcessInfo.processInfo.environment["POOLBENCH_TESTBED"]
        return fromEnvironment?.isEmpty == false ? fromEnvironment : nil
    }

    func validate() throws {
        _ = try executors
        _ = try workerCounts
        guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1; got \(tasks).") }
        guard tasks <= 100_000_000 else { throw ValidationError("--tasks must be at most 100000000; got \(tasks).") }
        if case let .exact(count) = repeatCount, count < 1 {
            throw ValidationError("--repeat must be at least 1 or auto; got \(count).")
        }
        if let maxRuns, maxRuns < 1 { throw ValidationError("--max-runs must be at least 1; got \(maxRuns).") }
        if let timeBudget, timeBudget <= 0 { throw ValidationError("--time-budget must be above 0s, e.g. 2m.") }
        if repeatCount != .auto, maxRuns != nil || timeBudget != nil {
            throw ValidationError("--max-runs and --time-budget bound --repeat auto; with --repeat \(repeatCount) every point gets exactly that many runs.")
        }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more; got \(warmup).") }
        if testbed?.isEmpty == true { throw ValidationError("--testbed needs a name, e.g. --testbed ci-large.") }
    }
}

/// `--repeat R|auto`.
enum RepeatCount: Equatable, CustomStringConvertible {
    case exact(Int)
    case auto

    /// Runs per point before `auto` adds any.
    static let firstRound = 3

    static func parse(_ text: String) throws -> RepeatCount {
        if text.trimmingCharacters(in: .whitespaces).lowercased() == "auto" { return .auto }
        guard let count = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("expected a whole number or auto, e.g. 3.")
        }
        return .exact(count)
    }

    var description: String {
        switch self {
        case let .exact(count): String(count)
        case .auto: "auto"
        }
    }
}

extension SweepOptions {
    /// Measured runs per point in the first (for auto) or only round.
    var repeats: Int {
        if case let .exact(count) = repeatCount { return count }
        return RepeatCount.firstRound
    }

    /// The budget of `--repeat auto`, `defaultRuns` unless --max-runs says.
    func budget(defaultRuns: Int) -> SamplingBudget {
        SamplingBudget(maxRuns: maxRuns ?? defaultRuns, maxSeconds: timeBudget)
    }

    /// The executors named, in the order given, each once.
    var executors: [ExecutorKind] {
        get throws(ValidationError) {
            var kinds: [ExecutorKind] = []
            for name in (executorList ?? "pool").split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                let offered = ExecutorKind.forTasks + PythonWorkload.executors
                guard let kind = ExecutorKind(rawValue: trimmed), offered.contains(kind) else {
                    let valid = offered.map(\.rawValue).joined(separator: ", ")
                    throw ValidationError("unknown executor '\(trimmed)'; choose from \(valid).")
                }
                if !kinds.contains(kind) { kinds.append(kind) }
            }
            return kinds
        }
    }

    /// The executors for `workload`: a job is its own executor, so it
    /// takes no --executor.
    func executors(for workload: WorkloadSpec) throws(ValidationError) -> [ExecutorKind] {
        if case .python = workload {
            guard executorList != nil else { return [.pyThreads] }
            let kinds = try executors
            if let other = kinds.first(where: { !$0.isPython }) {
                throw ValidationError("the python workload runs under py-threads, py-processes or py-asyncio, not \(other.rawValue).")
            }
            return kinds
        }
        guard case .job = workload else {
            let kinds = try executors
            if let python = kinds.first(where: \.isPython) {
                throw ValidationError("\(python.rawValue) runs the python workload's function only, not the \(workload.name) workload.")
            }
            return kinds
        }
        guard executorList == nil else {
            throw ValidationError("--executor does not apply to --job: the program schedules its own work; poolbench runs it whole.")
        }
        return [.job]
    }

    /// Refuses `--tasks` where the workload's own items set the work of a
    /// run, rather than ignoring it.
    func checkTasks(for workload: WorkloadSpec) throws {
        guard taskCount != nil else { return }
        switch workload {
        case .job: throw ValidationError("--tasks does not apply to --job: the program is one run; give its items with --items.")
        case .python: throw ValidationError("--tasks does not apply to python: a run calls the function once per item; give them with --items.")
        default: return
        }
    }

    /// The tasks per run for `workload`: a job's items (one run when none).
    func tasks(for workload: WorkloadSpec) -> Int {
        switch workload {
        case let .job(_, items): items ?? 1
        case let .python(function): function.items.count
        default: tasks
        }
    }

    var workerCounts: [Int] {
        get throws(ValidationError) { try WorkerCounts.parse(workerSpec ?? Self.defaultWorkers) }
    }
}
