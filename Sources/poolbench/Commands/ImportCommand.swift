import ArgumentParser
import PoolBenchKit

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Merge a CSV written by `poolbench export`, or another history database, into the history.",
        discussion: """
            Runs and sweeps already present (same UUID) are skipped, so importing a file twice adds \
            nothing. One transaction: a bad row aborts the import and leaves the history unchanged.
            """
    )

    @Argument(help: ArgumentHelp("A CSV export or a poolbench history database.", valueName: "file"))
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        // Checked before the history is opened, so a wrong file never creates one.
        let source = try ImportSource(path: file)
        let store = try database.openForWriting()
        let summary = try source.merge(into: store)
        Swift.print("Imported \(file): \(summary)")
    }
}
