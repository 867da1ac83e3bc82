import ArgumentParser
import Foundation
import PoolBenchKit

/// `--db PATH`: where the history lives.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "The history database (default: $POOLBENCH_DB, else ./poolbench.sqlite).",
            valueName: "path"
        )
    )
    var path: String?

    func validate() throws {
        // SQLite reads an empty name as a private temporary database: a
        // sweep would be recorded nowhere.
        if path?.isEmpty == true { throw ValidationError("--db needs a file path, e.g. --db poolbench.sqlite.") }
    }

    /// The path the user chose, through the flag or the environment.
    var resolvedPath: String {
        if let path { return path }
        if let fromEnvironment = ProcessInfo.processInfo.environment["POOLBENCH_DB"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "poolbench.sqlite"
    }

    /// Opens the history for recording, creating it when it is new.
    func openForWriting() throws -> HistoryStore {
        try HistoryStore.open(path: resolvedPath, create: true)
    }

    /// Opens an existing history; a missing one is an error, not a new file.
    func openForReading() throws -> HistoryStore {
        try HistoryStore.open(path: resolvedPath, create: false)
    }
}
