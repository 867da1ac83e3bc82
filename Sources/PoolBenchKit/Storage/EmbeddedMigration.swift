/// One schema migration, embedded at build time from `migrations/NNNN_….sql`.
struct EmbeddedMigration: Sendable {
    /// The number the file name starts with; migrations apply in this order.
    let version: Int
    /// The file name without `.sql`, recorded once the migration is applied.
    let name: String
    let sql: String
}
