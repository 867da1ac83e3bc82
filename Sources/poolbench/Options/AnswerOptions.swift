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
    func nothingMatched(in store: HistoryStore) -> PoolBenchError {
        filter == HistoryFilter() ? .noRunsRecorded(path: store.path) : .noRuns(filters: filter.summary)
    }
}
