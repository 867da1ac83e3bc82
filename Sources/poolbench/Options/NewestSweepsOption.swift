import ArgumentParser
import PoolBenchKit

/// `--last N`: how much of each series' history `best` and `trend` read.
struct NewestSweepsOption: ParsableArguments {
    @Option(
        name: .customLong("last"),
        help: ArgumentHelp("Read each series' newest N sweeps.", valueName: "n")
    )
    var count = 20

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--last must be at least 1; got \(count).") }
    }
}

extension FilterOptions {
    /// The error for a question nothing in the history answers: an empty
    /// history says how to record one, filters say what matched nothing.
    func nothingMatched(in store: HistoryStore) -> PoolBenchError {
        filter == HistoryFilter() ? .noRunsRecorded(path: store.path) : .noRuns(filters: filter.summary)
    }
}
