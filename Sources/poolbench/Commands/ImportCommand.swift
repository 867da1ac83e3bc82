import ArgumentParser
import Foundation
import PoolBenchKit

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Merge a CSV written by `poolbench export`, another history database, or a hyperfine scan into the history.",
        discussion: """
            Runs and sweeps already present (same UUID) are skipped, so importing a file twice adds \
            nothing; only a sweep stored as running takes the end a later export recorded. One \
            transaction: a bad row aborts the import and leaves the history unchanged.

            A hyperfine scan (`hyperfine -P workers 1 16 'CMD {workers}' --export-json scan.json`) \
            becomes job-mode runs: each result one worker count, each of its times one run, a \
            non-zero exit code that run's error; the job's command is hyperfine's with {workers} \
            back in place. Its run UUIDs come from the file's content. hyperfine records no host, \
            per-run CPU time or start time: the runs are filed under this machine and end at the \
            file's modification time.
            """
    )

    @Argument(help: ArgumentHelp("A CSV export, a poolbench history database, or a hyperfine --export-json file.", valueName: "file"))
    var file: String

    @Option(
        help: ArgumentHelp(
            "What the file is: auto tells a history by its SQLite header, a hyperfine scan by its opening {, and takes anything else for a CSV export.",
            valueName: "auto|csv|history|hyperfine"
        )
    )
    var from: Source = .auto

    @Option(help: ArgumentHelp("hyperfine only: the scan's parameter that is the worker count (default: its only parameter).", valueName: "name"))
    var parameter: String?

    @Option(help: ArgumentHelp("hyperfine only: the items one run of the command processes, so throughput is items/s rather than runs/s.", valueName: "n"))
    var items: Int?

    enum Source: String, ExpressibleByArgument, CaseIterable {
        case auto, csv, history, hyperfine

        var kind: ImportSource.Kind? { ImportSource.Kind(rawValue: rawValue) }
    }

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

    func validate() throws {
        if let items, items < 1 { throw ValidationError("--items must be at least 1, not \(items).") }
    }

    func run() throws {
        if parameter != nil || items != nil, let kind = from.kind ?? ImportSource.kind(of: file), kind != .hyperfine {
            throw ValidationError("--parameter and --items apply to a hyperfine scan; \(file) is a \(kind == .history ? "history database" : "CSV export").")
        }
        // Checked before the history is opened, so a wrong file never creates one.
        let source = try ImportSource(
            path: file, kind: from.kind, neutralised: neutralised.choice,
            scanOptions: ImportSource.ScanOptions(parameter: parameter, items: items)
        )
        if source.kind != .csv && neutralised != .auto {
            throw ValidationError("--neutralised applies to a CSV; \(file) is a \(source.kind == .history ? "history database, whose text is stored as written" : "hyperfine scan").")
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
