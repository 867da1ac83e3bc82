import ArgumentParser
import PoolBenchKit

/// `--max-p99`: also answer under a p99 task-latency limit, for `best`, `run`, `tune` and `report`.
struct LatencyLimitOption: ParsableArguments {
    /// Unconditional, so `-5ms` gets its message rather than being taken for a flag.
    @Option(
        name: .customLong("max-p99"), parsing: .unconditional,
        help: ArgumentHelp(
            "Also recommend the count with the most throughput whose p99 task latency is within this at 99% confidence "
                + "(50ms, 1.5s); with --repeat auto, run and tune sample until that answer is settled too.",
            valueName: "duration"
        )
    )
    var maxP99: String?

    func validate() throws {
        _ = try seconds
    }

    /// The limit in seconds; nil when not asked. A limit of zero no run can meet.
    var seconds: Double? {
        get throws(ValidationError) {
            guard let maxP99 else { return nil }
            guard let seconds = Units.parseDuration(maxP99), seconds > 0 else {
                throw ValidationError("--max-p99 '\(maxP99)' is not a positive duration; use a number with a unit, like 50ms or 1.5s.")
            }
            return seconds
        }
    }
}
