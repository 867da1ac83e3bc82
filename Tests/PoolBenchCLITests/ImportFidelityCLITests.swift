import Foundation
import Testing

/// What `import` refuses rather than hold in memory: rows of endless fields.
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
                + "fields, where an export has 41); nothing was imported. Pass a file written by `poolbench export`.\n"
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
        #expect(fresh.stderr == "Error: commas.csv line 4: a row of more than 1024 fields, where an export has 41; nothing was imported.\n")
        #expect(try cli.run(["export", "--raw", "--db", "fresh.sqlite"]).stdout.split(separator: "\r\n").count == 1, "only the header")
    }
}
