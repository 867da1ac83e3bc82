import Foundation
import Testing

/// Bad input: one line on stderr saying what to do, a non-zero exit, and
/// nothing already recorded lost or altered.
@Suite struct BadInputTests {
    static let quick = ["run", "sleep", "--duration", "1ms", "--tasks", "2", "--repeat", "1", "--warmup", "0"]

    @Test(arguments: [
        (["--workers", "0"], "worker counts must be at least 1"),
        (["--workers", "-3"], "worker counts must be at least 1"),
        (["--workers", "abc"], "'abc' is not a whole number"),
        (["--workers", "8...1"], "a range runs from low to high"),
        (["--workers", "10001"], "at most 10000 workers"),
        (["--workers", "1...20000"], "at most 10000 workers"),
        (["--executor", "fibers"], "unknown executor 'fibers'; choose from sequential, threads, pool, dispatch, tasks, processes, py-threads, py-processes, py-asyncio"),
        (["--tasks", "0"], "--tasks must be at least 1"),
        (["--duration", "soon"], "--duration 'soon' is not a duration"),
        (["--size", "10"], "--size applies to the cpu workload, not sleep"),
        (["--format", "csv"], "The value 'csv' is invalid for '--format <format>': use one of: table, json, markdown."),
        (["--format", "xml"], "The value 'xml' is invalid for '--format <format>': use one of: table, json, markdown."),
        (["--tasks", "-1"], "--tasks must be at least 1; got -1."),
        (["--tasks", "abc"], "The value 'abc' is invalid for '--tasks <tasks>': expected a whole number, e.g. 8."),
        (["--repeat", "-2"], "--repeat must be at least 1 or auto; got -2."),
        (["--repeat", "3", "--max-runs", "50"], "--max-runs and --time-budget bound --repeat auto; with --repeat 3 every point gets exactly that many runs."),
        (["--warmup", "-1"], "--warmup must be 0 or more; got -1."),
        (["--capacity", "-2"], "--capacity must be at least 1; got -2."),
        (["--duration", "-5ms"], "--duration '-5ms' is negative; give a duration of 0 or more, like 10ms or 1.5s."),
        (["--duration=-5ms"], "--duration '-5ms' is negative"),
        (["--duration", "1e30s"], "--duration '1e30s' is longer than a day; use at most 24h."),
        (["--duration", "25h"], "--duration '25h' is longer than a day; use at most 24h."),
    ])
    func badSweepOptionsAreUsageErrors(arguments: [String], message: String) throws {
        try CLI.expectUsageError(Self.quick + arguments, message, createsNothing: true)
    }

    @Test(arguments: [
        (["run", "--job", "true {workers}", "--items", "3", "--tasks", "5"], "--tasks does not apply to --job"),
        (["run", "python", "--function", "f.py:g", "--items", "3", "--tasks", "5"], "--tasks does not apply to python"),
        (["tune", "python", "--function", "f.py:g", "--items", "3", "--tasks", "5"], "--tasks does not apply to python"),
    ])
    func tasksIsRefusedWhereItemsSetARunsWork(arguments: [String], message: String) throws {
        try CLI.expectUsageError(arguments, message, createsNothing: true) { cli in
            try "def g(item):\n    return item\n".write(toFile: cli.path("f.py"), atomically: true, encoding: .utf8)
        }
    }

    @Test func anUnknownWorkloadListsTheValidOnes() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(["run", "nap"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("'sleep'") && result.stderr.contains("'cpu'") && result.stderr.contains("'file'"))
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func aBadSizeIsAUsageError() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(["run", "file", "--bytes", "lots"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--bytes 'lots' is not a size"))
    }

    @Test func aDirectoryAsTheHistoryIsRefused() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(Self.quick + ["--db", cli.directory.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is a directory, not a history file"))
    }

    @Test func aHistoryInAMissingDirectoryIsRefused() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(Self.quick + ["--db", cli.path("nowhere/h.sqlite")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not exist"))
    }

    @Test func aFileThatIsNotSQLiteIsNeverOverwritten() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let notes = Data("important notes\n".utf8)
        try notes.write(to: URL(fileURLWithPath: cli.path("notes.txt")))
        let result = try cli.run(Self.quick + ["--db", "notes.txt"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: notes.txt is not an SQLite database, so it is not a poolbench history; it was left untouched. Pass --db to choose another file.\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.path("notes.txt"))) == notes)
    }

    @Test func aHistoryFromANewerPoolbenchIsRefusedUntouched() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try cli.run(Self.quick + ["--workers", "1"])
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("INSERT INTO migration (version, name, appliedAt) VALUES (9999, '9999_future', 'x')")
            db.commit()
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            """, cli.path("poolbench.sqlite")]
        try sqlite.run()
        sqlite.waitUntilExit()
        try #require(sqlite.terminationStatus == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: cli.path("poolbench.sqlite")))

        for arguments in [Self.quick, ["history"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 1)
            #expect(result.stderr.contains("was written by a newer poolbench"), "\(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.path("poolbench.sqlite"))) == before)
    }

    @Test func badInputLeavesEarlierRunsAsTheyWere() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try cli.run(Self.quick + ["--workers", "1,2"])
        let before = try cli.run(["history", "--sweep", "1", "--format", "json"]).stdout
        for arguments in [["--workers", "0"], ["--tasks", "0"], ["--executor", "nope"]] {
            #expect(try cli.run(Self.quick + arguments).status == 64)
        }
        #expect(try cli.run(["history", "--sweep", "1", "--format", "json"]).stdout == before)
    }

    @Test func historyWithoutAHistorySaysHowToRecordOne() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(["history"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: no history at poolbench.sqlite yet. Record one with `poolbench run WORKLOAD`, or pass --db to read another file.\n")
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench.sqlite")))
    }

    @Test func aBadTimeFilterIsAUsageError() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(["history", "--since", "yesterday"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--since 'yesterday' is not a time"))
    }
}
