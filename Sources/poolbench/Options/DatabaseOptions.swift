import ArgumentParser
import Foundation
import PoolBenchKit

/// `--db PATH|URL`: where the history lives, a SQLite file or a
/// PostgreSQL database a team shares.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "The history: a SQLite file, or a PostgreSQL URL such as postgresql://user@host:5432/dbname "
                + "(libpq's parameters such as sslmode pass through; a password is best left to PGPASSWORD "
                + "or ~/.pgpass, and in the URL its '@', '/' and '%' are written %40, %2F and %25). "
                + "A libpq keyword string (host=… dbname=…) is refused: write it as a URL. "
                + "Default: $POOLBENCH_DB, else ./poolbench.sqlite.",
            valueName: "path-or-url"
        )
    )
    var path: String?

    func validate() throws {
        // SQLite reads an empty name as a private temporary database: a
        // sweep would be recorded nowhere.
        if path?.isEmpty == true {
            throw ValidationError("--db needs a file path or a PostgreSQL URL, e.g. --db poolbench.sqlite.")
        }
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
    func openForWriting() throws -> any HistoryStore {
        try HistoryLocation.open(resolvedPath, create: true)
    }

    /// Opens an existing history; a missing one is an error, not a new file.
    func openForReading() throws -> any HistoryStore {
        try HistoryLocation.open(resolvedPath, create: false)
    }
}
