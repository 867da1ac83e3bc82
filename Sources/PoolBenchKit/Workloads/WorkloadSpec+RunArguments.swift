import Foundation

extension WorkloadSpec {
    /// The arguments of `poolbench run` (from `poolbench` on) that measure
    /// this workload with `executor` at the worker counts `workers`: the
    /// workload's own flags as a person would type them, each URL with its
    /// own `--url`, a command after `--`, a job as one `--job` argument.
    public func runArguments(executor: String, workers: String) -> [String] {
        let sweep = ["--executor", executor, "--workers", workers]
        switch self {
        case let .sleep(duration, capacity):
            return ["poolbench", "run", name, "--duration", Units.formatDuration(duration)]
                + (capacity.map { ["--capacity", String($0)] } ?? []) + sweep
        case let .cpu(size):
            return ["poolbench", "run", name, "--size", String(size)] + sweep
        case let .file(bytes):
            return ["poolbench", "run", name, "--bytes", Units.formatBytes(bytes)] + sweep
        case let .http(request):
            return ["poolbench", "run", name] + request.arguments + sweep
        case let .command(arguments):
            return ["poolbench", "run", name] + sweep + ["--"] + arguments
        case let .job(arguments, items):
            // A job is its own executor and takes no --executor.
            return ["poolbench", "run", "--job", CommandLineSplitter.join(arguments)]
                + (items.map { ["--items", String($0)] } ?? []) + ["--workers", workers]
        case let .python(function):
            return ["poolbench", "run", name] + function.arguments + sweep
        }
    }
}
