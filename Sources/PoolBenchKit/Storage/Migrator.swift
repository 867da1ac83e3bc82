import Foundation
import GRDB

/// Applies the embedded migrations in version order, each in its own
/// immediate transaction that re-reads what is applied, so several
/// poolbench processes opening a new history at once apply each only once.
struct Migrator {
    var migrations: [EmbeddedMigration] = EmbeddedMigrations.all

    var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// The versions recorded in `db`; empty for a database with no history yet.
    static func appliedVersions(_ db: Database) throws -> [Int] {
        guard try db.tableExists("migration") else { return [] }
        return try Int.fetchAll(db, sql: "SELECT version FROM migration ORDER BY version")
    }

    /// Throws when `db` holds migrations this binary does not know.
    func checkNotNewer(_ db: Database, path: String) throws {
        if let newest = try Self.appliedVersions(db).last, newest > latestVersion {
            throw PoolBenchError.historyFromNewerVersion(path: path, version: newest, known: latestVersion)
        }
    }

    func migrate(_ writer: some DatabaseWriter, path: String) throws {
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            try writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try checkNotNewer(db, path: path)
                    guard try !Self.appliedVersions(db).contains(migration.version) else { return .commit }
                    try db.execute(sql: migration.sql)
                    try db.execute(
                        sql: "INSERT INTO migration (version, name, appliedAt) VALUES (?, ?, ?)",
                        arguments: [migration.version, migration.name, Timestamp.format(Date())]
                    )
                    return .commit
                }
            }
        }
    }
}
