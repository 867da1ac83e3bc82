import Foundation
import Testing

/// What `import` refuses rather than alter or hold in memory: rows of
/// endless fields, text with a NUL byte; and the `""` of a file re-saved by
/// Python's `csv` module, read back as the unknown values they were.
@Suite struct ImportFidelityCLITests {
    static let quick = ["--tasks", "2", "--repeat", "1", "--warmup", "0", "--workers", "1,2"]

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func aHeaderOfAMillionFieldsIsRefusedInOneLineAndCreatesNoHistory() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.write(String(repeating: ",", count: 1_000_000) + "\r\n", to: cli.path("commas.csv"))
        let result = try cli.run(["import", "commas.csv", "--db", "h.sqlite"])
        #expect(result.status == 1)
        #expect(
            result.stderr == "Error: commas.csv is not a poolbench export nor an SQLite history (line 1: a row of more than 1024 "
                + "fields, where an export has 45); nothing was imported. Pass a file written by `poolbench export`.\n"
        )
        #expect(!FileManager.default.fileExists(atPath: cli.path("h.sqlite")))
    }

    @Test func aRowOfAMillionFieldsIsRefusedNamingItsLineAndNothingIsStored() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(["run", "sleep", "--duration", "1ms"] + Self.quick).status == 0)
        let export = try cli.run(["export", "--raw"])
        let before = export.stdout
        try Self.write(before + String(repeating: ",", count: 1_000_000) + "\r\n", to: cli.path("commas.csv"))
        let fresh = try cli.run(["import", "commas.csv", "--db", "fresh.sqlite"])
        #expect(fresh.status == 1)
        #expect(fresh.stderr == "Error: commas.csv line 4: a row of more than 1024 fields, where an export has 45; nothing was imported.\n")
        #expect(try cli.run(["export", "--raw", "--db", "fresh.sqlite"]).stdout.split(separator: "\r\n").count == 1, "only the header")
    }

    @Test func aNULByteInALabelIsRefusedNamingItsLineAndNothingIsStored() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(["run", "sleep", "--duration", "1ms", "--label", "aXb"] + Self.quick).status == 0)
        let export = try cli.run(["export", "--raw"])
        try Self.write(export.stdout.replacingOccurrences(of: ",aXb,", with: ",a\0b,"), to: cli.path("nul.csv"))
        let result = try cli.run(["import", "nul.csv", "--db", "fresh.sqlite"])
        #expect(result.status == 1)
        #expect(
            result.stderr == "Error: nul.csv line 2: column label: the text holds a NUL byte, which a history cannot store; "
                + "remove it from the file; nothing was imported.\n"
        )
        #expect(try cli.run(["export", "--raw", "--db", "fresh.sqlite"]).stdout.split(separator: "\r\n").count == 1, "only the header")
    }

    /// Re-saved as a Python user would: read with `csv.reader` (the byte
    /// order mark, unheeded, stays in the first field), written with
    /// `QUOTE_ALL`, which writes every unknown value as `""`.
    static let resave = """
        import csv, sys
        with open(sys.argv[1], newline="", encoding="utf-8") as source:
            rows = list(csv.reader(source))
        with open(sys.argv[2], "w", newline="", encoding="utf-8") as target:
            csv.writer(target, quoting=csv.QUOTE_ALL).writerows(rows)
        """

    @Test func anExportResavedByPythonWithQuoteAllImportsToTheSameExport() throws {
        let cli = try CLI()
        defer { cli.remove() }
        // Unknown label, testbed, git commit and branch (no repository
        // here); a sweep with a label and testbed; one whose tasks fail.
        try #require(try cli.run(["run", "sleep", "--duration", "1ms"] + Self.quick).status == 0)
        try #require(try cli.run(["run", "sleep", "--duration", "1ms", "--label", "=lab", "--testbed", "ci"] + Self.quick).status == 0)
        try #require(try cli.run(["run", "command"] + Self.quick + ["--", "sh", "-c", "exit 3"]).status == 0)
        try #require(try cli.run(["export", "--output", "original.csv"]).status == 0)
        try Self.write(Self.resave, to: cli.path("resave.py"))
        let resaved = try cli.shell("python3 resave.py original.csv quoted.csv")
        try #require(resaved.status == 0, "\(resaved.stderr)")
        let quoted = try String(contentsOfFile: cli.path("quoted.csv"), encoding: .utf8)
        try #require(quoted.hasPrefix("\"\u{FEFF}runUuid\",\"startedAt\"") && quoted.contains(",\"\","), "every field quoted")

        let imported = try cli.run(["import", "quoted.csv", "--db", "fresh.sqlite"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout == "Imported quoted.csv: 3 sweeps and 6 runs new; 0 sweeps and 0 runs already present.\n")
        try #require(try cli.run(["export", "--db", "fresh.sqlite", "--output", "again.csv"]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.path("again.csv"))) == Data(contentsOf: URL(fileURLWithPath: cli.path("original.csv"))))
        for arguments in [["history"], ["history", "--testbed", "ci"], ["best"], ["history", "--format", "json"]] {
            let original = try cli.run(arguments)
            let copy = try cli.run(arguments + ["--db", "fresh.sqlite"])
            #expect(copy.status == original.status && copy.stdout == original.stdout, "\(arguments)")
        }
    }
}
