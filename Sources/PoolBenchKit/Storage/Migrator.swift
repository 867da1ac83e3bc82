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

    /// Whether `db`'s `migration` table has the columns poolbench's has.
    static func isOwnMigrationTable(_ db: Database) throws -> Bool {
        let columns = Set(try db.columns(in: "migration").map(\.name))
        return columns.isSuperset(of: ["version", "name", "appliedAt"])
    }

    /// Throws when `db` holds migrations this binary does not know.
    func checkNotNewer(_ db: Database, path: String) throws {
        if let newest = try Self.appliedVersions(db).last, newest > latestVersion {
            throw PoolBenchError.historyFromNewerVersion(path: path, version: newest, known: latestVersion)
        }
    }

    /// Foreign keys are off while a migration runs, since rebuilding a table
    /// other tables refer to (SQLite's way to change a constraint) drops it
    /// first; `foreign_key_check` must find nothing before it commits.
    func migrate(_ writer: some DatabaseWriter, path: String) throws {
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            try writer.writeWithoutTransaction { db in
                let enforced = try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false
                if enforced { try db.execute(sql: "PRAGMA foreign_keys = OFF") }
                defer { if enforced { try? db.execute(sql: "PRAGMA foreign_keys = ON") } }
                try db.inTransaction(.immediate) {
                    try checkNotNewer(db, path: path)
                    guard try !Self.appliedVersions(db).contains(migration.version) else { return .commit }
                    try db.execute(sql: migration.sql)
                    if let broken = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") {
                        let table: String = broken[0]
                        throw PoolBenchError.historyUnreadable(
                            path: path,
                            reason: "migration \(migration.name) would leave a row of \(table) pointing at nothing, so it was not applied"
                        )
                    }
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
