import ArgumentParser
import Foundation
import PoolBenchKit

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Merge a CSV written by `poolbench export`, or another history database, into the history.",
        discussion: """
            Runs and sweeps already present (same UUID) are skipped, so importing a file twice adds \
            nothing; only a sweep stored as running takes the end a later export recorded. One \
            transaction: a bad row aborts the import and leaves the history unchanged.
            """
    )

    @Argument(help: ArgumentHelp("A CSV export or a poolbench history database.", valueName: "file"))
    var file: String

    @OptionGroup var database: DatabaseOptions

    @Option(
        help: ArgumentHelp(
            "CSV only: whether export neutralised the text (a ' before = + - @). auto reads the byte order mark a neutralised export starts with, and refuses a file without one whose text looks neutralised; yes takes one ' off such text; no keeps it.",
            valueName: "auto|yes|no"
        )
    )
    var neutralised: Neutralised = .auto

    enum Neutralised: String, ExpressibleByArgument, CaseIterable {
        case auto, yes, no

        var choice: Bool? {
            switch self {
            case .auto: nil
            case .yes: true
            case .no: false
            }
        }
    }

    func run() throws {
        // Checked before the history is opened, so a wrong file never creates one.
        let source = try ImportSource(path: file, neutralised: neutralised.choice)
        if source.kind == .history && neutralised != .auto {
            throw ValidationError("--neutralised applies to a CSV; \(file) is a history database, whose text is stored as written.")
        }
        let store = try database.openForWriting()
        // Ctrl-C rolls the import back rather than killing it mid-way, so it
        // can say so; a second Ctrl-C ends it at once, as safely.
        Interrupts.noteInterrupts(
            farewell: "Error: interrupted again; stopped at once. The history holds all of the import or none of it."
        )
        let summary: ImportSummary
        do {
            summary = try source.merge(into: store, stoppingWhen: { Interrupts.received != nil })
        } catch PoolBenchError.importInterrupted {
            StandardStreams.writeError("Error: \(PoolBenchError.importInterrupted)\n")
            throw ExitCode(128 + (Interrupts.received ?? SIGINT))
        }
        try StandardStreams.writeOutput("Imported \(VisibleText.escaped(file)): \(summary)\n")
    }
}
