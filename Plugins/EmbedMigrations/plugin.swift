import Foundation
import PackagePlugin

/// Embeds the top-level `migrations/*.sql` files (SQLite's) and
/// `migrations/postgresql/*.sql` into the target as Swift string literals,
/// so the built binary carries both schemas wherever it is copied and no
/// SQL text is written twice; and `python/*.py`, the `python` workload's
/// resident worker, for the same reason.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "migrations")
        let postgreSQL = directory.appending(path: "postgresql")
        func sqlFiles(in directory: URL) throws -> [URL] {
            guard FileManager.default.fileExists(atPath: directory.path()) else { return [] }
            return try FileManager.default.contentsOfDirectory(atPath: directory.path())
                .filter { $0.hasSuffix(".sql") }
                .sorted()
                .map { directory.appending(path: $0) }
        }
        let python = context.package.directoryURL.appending(path: "python")
        let pythonFiles = try FileManager.default.contentsOfDirectory(atPath: python.path())
            .filter { $0.hasSuffix(".py") }
            .sorted()
            .map { python.appending(path: $0) }
        let inputs = try sqlFiles(in: directory) + sqlFiles(in: postgreSQL) + pythonFiles
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) migrations and scripts",
                executable: try context.tool(named: "embed-migrations").url,
                arguments: [output.path()] + inputs.map { $0.path() },
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
