import Foundation

/// Every failure poolbench reports to a person: one line saying what went
/// wrong and what to do next.
public enum PoolBenchError: Error, CustomStringConvertible, Equatable {
    case historyIsDirectory(path: String)
    case historyDirectoryMissing(path: String)
    case historyNotFound(path: String)
    case notSQLite(path: String)
    case notAPoolbenchHistory(path: String)
    case historyFromNewerVersion(path: String, version: Int, known: Int)
    case historyUnreadable(path: String, reason: String)
    case unknownSweep(id: Int64)
    case noRuns(filters: String)
    case noRunsRecorded(path: String)
    case unknownSweepOrLabel(text: String)
    case nothingToCompare(a: String, b: String)
    case workloadFailed(reason: String)
    case interrupted
    case cannotListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case let .historyIsDirectory(path):
            "\(path) is a directory, not a history file. Pass --db with a file path, e.g. --db \(path)/poolbench.sqlite."
        case let .historyDirectoryMissing(path):
            "the directory for \(path) does not exist. Create it first, or pass --db with a path in an existing directory."
        case let .historyNotFound(path):
            "no history at \(path) yet. Record one with `poolbench run WORKLOAD`, or pass --db to read another file."
        case let .notSQLite(path):
            "\(path) is not an SQLite database, so it is not a poolbench history; it was left untouched. Pass --db to choose another file."
        case let .notAPoolbenchHistory(path):
            "\(path) is an SQLite database but not a poolbench history; it was left untouched. Pass --db to choose another file."
        case let .historyFromNewerVersion(path, version, known):
            "\(path) was written by a newer poolbench (schema version \(version); this one knows up to \(known)); it was left untouched. Upgrade poolbench to use it."
        case let .historyUnreadable(path, reason):
            "cannot open the history at \(path): \(reason). Pass --db to choose another file."
        case let .unknownSweep(id):
            "no sweep with id \(id). List sweeps with `poolbench history`."
        case let .noRuns(filters):
            "no runs match \(filters). List what is recorded with `poolbench history`."
        case let .noRunsRecorded(path):
            "the history at \(path) has no runs yet. Record some with `poolbench run WORKLOAD`."
        case let .unknownSweepOrLabel(text):
            (Int64(text) == nil ? "no sweep labelled '\(text)'" : "no sweep with id \(text) and no sweep labelled '\(text)'")
                + ". List sweeps and their labels with `poolbench history`."
        case let .nothingToCompare(a, b):
            "\(a) and \(b) share no workload, executor and worker count with runs. Compare sweeps of the same workload; `poolbench history` lists them."
        case let .workloadFailed(reason):
            "the workload could not start: \(reason)"
        case let .cannotListen(host, port, reason):
            "cannot listen on \(host):\(port): \(reason). Pass --port 0 to pick a free port, or another --port."
        case .interrupted:
            "interrupted; the runs finished so far are kept."
        }
    }
}
