import ArgumentParser
import PoolBenchKit

extension ParsableCommand {
    /// `--last N` must read at least one sweep.
    static func validate(last: Int) throws {
        guard last >= 1 else { throw ValidationError("--last must be at least 1; got \(last).") }
    }
}

extension FilterOptions {
    /// The error for a question nothing in the history answers: an empty
    /// history says how to record one, filters say what matched nothing.
    func nothingMatched(in store: any HistoryStore) -> PoolBenchError {
        filter == HistoryFilter() ? .noRunsRecorded(path: store.location) : .noRuns(filters: filter.summary)
    }
}

/// `--tolerance`: how far below the peak the knee may be, for `best` and `tune`.
struct ToleranceOption: ParsableArguments {
    /// Unconditional, so `-5%` reaches `fraction` and gets its message
    /// rather than being taken for a flag and reported as a missing value.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "How far below the peak the recommendation may be: 5% or 0.05; above 0% and at most 50%.",
            valueName: "fraction"
        )
    )
    var tolerance = "5%"

    func validate() throws {
        _ = try fraction
    }

    /// `5%` or `0.05` as 0.05, refused outside (0%, 50%]: a knee further
    /// than half the peak below it is no knee.
    var fraction: Double {
        get throws(ValidationError) {
            try Parsers.fraction(
                tolerance, flag: "--tolerance", examples: ("5%", "0.05"), range: "must be above 0% and at most 50%"
            ) { $0 > 0 && $0 <= 0.5 }
        }
    }
}

/// `--max-error-rate`: the share of failed tasks a user accepts, for `best`,
/// `tune`, `run --repeat auto` and `report`.
struct ErrorRateOption: ParsableArguments {
    @Option(
        name: .customLong("max-error-rate"), parsing: .unconditional,
        help: ArgumentHelp(
            "The share of failed tasks to accept, e.g. 1% or 0.01; counts whose error rate is significantly above it "
                + "(or above the error-free counts') are never recommended. Default: no significant errors.",
            valueName: "fraction"
        )
    )
    var maxErrorRate = "0"

    func validate() throws {
        _ = try fraction
    }

    /// `1%` or `0.01` as 0.01, refused outside [0%, 100%).
    var fraction: Double {
        get throws(ValidationError) {
            try Parsers.fraction(
                maxErrorRate, flag: "--max-error-rate", examples: ("1%", "0.01"), range: "must be from 0% to below 100%"
            ) { $0 >= 0 && $0 < 1 }
        }
    }
}
