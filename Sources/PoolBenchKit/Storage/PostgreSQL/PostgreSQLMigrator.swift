import Foundation

/// Applies the embedded PostgreSQL migrations (`migrations/postgresql/`)
/// under a session advisory lock, so that two machines opening one new
/// database at once apply each migration only once: the second waits for
/// the lock, then finds the work done. Each migration runs in its own
/// transaction with the row that records it.
struct PostgreSQLMigrator {
    var migrations: [EmbeddedMigration] = EmbeddedMigrations.postgreSQL

    /// The advisory lock's key: "poolbenc" in ASCII, unlikely to be another
    /// program's.
    static let lockKey: Int64 = 0x706F_6F6C_6265_6E63

    var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// Brings the database to the latest schema. A database with no
    /// poolbench tables gets them only when `create` is true; one holding
    /// another program's tables, or written by a newer poolbench, is left
    /// untouched.
    func migrate(_ connection: PostgreSQLConnection, create: Bool) throws {
        if let applied = try check(connection, create: create), applied.count == migrations.count { return }
        try connection.execute("SELECT pg_advisory_lock($1)", [String(Self.lockKey)])
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [String(Self.lockKey)]) }
        // Another process may have migrated while this one waited.
        let applied = Set(try check(connection, create: create) ?? [])
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
            try connection.transaction {
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO poolbench_migration (version, name, appliedAt) VALUES ($1, $2, $3)",
                    [String(migration.version), migration.name, Timestamp.format(Date())]
                )
            }
        }
    }

    /// The versions applied, nil for a database without poolbench's tables
    /// that may receive them; throws for one that may not.
    private func check(_ connection: PostgreSQLConnection, create: Bool) throws -> [Int]? {
        let location = connection.location.description
        let exists = try connection.execute("SELECT to_regclass('poolbench_migration') IS NOT NULL")
        guard exists.text(0, 0) == "t" else {
            let tables = try connection.execute("""
                SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                ORDER BY c.relname
                """)
            if tables.count > 0 {
                throw PoolBenchError.postgreSQLForeignDatabase(
                    location: location, tables: (0..<tables.count).compactMap { tables.text($0, 0) }
                )
            }
            guard create else { throw PoolBenchError.postgreSQLNoHistory(location: location) }
            return nil
        }
        let rows = try connection.execute("SELECT version FROM poolbench_migration ORDER BY version")
        let versions = (0..<rows.count).compactMap { rows.text($0, 0).flatMap { Int($0) } }
        if let newest = versions.last, newest > latestVersion {
            throw PoolBenchError.historyFromNewerVersion(path: location, version: newest, known: latestVersion)
        }
        return versions
    }
}
