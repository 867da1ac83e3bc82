import ArgumentParser
import Foundation
import PoolBenchKit

/// What `run` and `tune` share: which executors, how many tasks, how many
/// runs per point, and the label to file the sweep under.
struct SweepOptions: ParsableArguments {
    @Option(
        name: .customLong("executor"),
        help: ArgumentHelp(
            "Executors to compare, comma-separated: \(ExecutorKind.forTasks.map(\.rawValue).joined(separator: ", ")) (default pool).",
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

    @Option(parsing: .unconditional, help: "Tasks per run.", transform: Parsers.wholeNumber)
    var tasks: Int = 100

    @Option(name: .customLong("repeat"), parsing: .unconditional, help: "Measured runs per point.", transform: Parsers.wholeNumber)
    var repeats: Int = 3

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
        guard repeats >= 1 else { throw ValidationError("--repeat must be at least 1; got \(repeats).") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more; got \(warmup).") }
        if testbed?.isEmpty == true { throw ValidationError("--testbed needs a name, e.g. --testbed ci-large.") }
    }
}

extension SweepOptions {
    /// The executors named, in the order given, each once.
    var executors: [ExecutorKind] {
        get throws(ValidationError) {
            var kinds: [ExecutorKind] = []
            for name in (executorList ?? "pool").split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard let kind = ExecutorKind(rawValue: trimmed), ExecutorKind.forTasks.contains(kind) else {
                    let valid = ExecutorKind.forTasks.map(\.rawValue).joined(separator: ", ")
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
        guard case .job = workload else { return try executors }
        guard executorList == nil else {
            throw ValidationError("--executor does not apply to --job: the program schedules its own work; poolbench runs it whole.")
        }
        return [.job]
    }

    /// The tasks per run for `workload`: a job's items (one run when none).
    func tasks(for workload: WorkloadSpec) -> Int {
        guard case let .job(_, items) = workload else { return tasks }
        return items ?? 1
    }

    var workerCounts: [Int] {
        get throws(ValidationError) { try WorkerCounts.parse(workerSpec ?? Self.defaultWorkers) }
    }
}
