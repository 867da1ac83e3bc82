import Foundation
import GRDB
import Testing

/// What the history file holds after each command, as someone copying or
/// sharing it finds it: whole in its main file, never changed by reading,
/// readable without write permission, and honest about dead sweeps.
@Suite struct HistoryIntegrityCLITests {
    let cli: CLI

    init() throws { cli = try CLI() }

    /// How many runs SQLite finds in `name`, read-only.
    func runs(in name: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: cli.path(name), configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            try db.tableExists("run") ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run") ?? 0 : 0
        }
    }

    /// The runs in a copy of the main file `name` alone, without its -wal
    /// or -shm files: what `cp history.sqlite copy.sqlite` shares.
    func runsInACopyOfTheMainFileAlone(_ name: String) throws -> Int {
        let copy = "copy-\(UUID().uuidString).sqlite"
        try FileManager.default.copyItem(atPath: cli.path(name), toPath: cli.path(copy))
        defer { try? FileManager.default.removeItem(atPath: cli.path(copy)) }
        return try runs(in: copy)
    }

    func sweepStatuses(_ name: String = "h.sqlite") throws -> [String] {
        let history = try cli.run(["history", "--db", name, "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
        return (json?["sweeps"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
    }

    /// A CSV export of `count` runs of one sweep, in the form export writes.
    func exportOf(runs count: Int) -> String {
        let sweep = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa,completed,2026-11-21T08:00:00.000Z,2026-11-21T09:00:00.000Z,"
            + "nightly,poolbench run sleep,,,bench-1,Debian 12,6.1.0,AMD EPYC,2,25769803776,0.1.0,,,,,,,,,"
        let rows = (0..<count).map { index in
            String(format: "%08x-1111-4111-8111-111111111111", index)
                + ",2026-11-21T08:00:01.000Z,sleep,duration=10ms,pool,4,100,\(index),0.25,400.0,"
                + "0.01,0.011,0.012,0.02,0.001,0.002,10485760,200,3,0,," + sweep
        }
        return ([ExportImportTests.header] + rows).joined(separator: "\r\n") + "\r\n"
    }

    @Test func everyCommandThatWritesLeavesEveryRunInTheMainFile() throws {
        defer { cli.remove() }
        let run = try cli.run(["run", "sleep", "--duration", "1ms", "--tasks", "2", "--workers", "1,2", "--repeat", "2", "--warmup", "0", "--db", "h.sqlite"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try runsInACopyOfTheMainFileAlone("h.sqlite") == 4)

        let tune = try cli.run(["tune", "sleep", "--duration", "1ms", "--capacity", "2", "--tasks", "4", "--max-workers", "4", "--repeat", "1", "--warmup", "0", "--db", "h.sqlite"])
        #expect(tune.status == 0, "\(tune.stderr)")
        let all = try runs(in: "h.sqlite")
        #expect(all > 4)
        #expect(try runsInACopyOfTheMainFileAlone("h.sqlite") == all)

        try Data(exportOf(runs: 5).utf8).write(to: URL(fileURLWithPath: cli.path("runs.csv")))
        let imported = try cli.run(["import", "runs.csv", "--db", "h.sqlite"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try runsInACopyOfTheMainFileAlone("h.sqlite") == all + 5)

        // A failing command that had opened the history leaves it whole too.
        let failed = try cli.run(["run", "command", "--tasks", "1", "--workers", "1", "--repeat", "1", "--warmup", "0", "--db", "f.sqlite", "--", "false"])
        #expect(try runsInACopyOfTheMainFileAlone("f.sqlite") == runs(in: "f.sqlite"), "\(failed.stderr)")
    }

    @Test func ctrlCLeavesEveryStoredRunInTheMainFile() async throws {
        defer { cli.remove() }
        let process = try cli.start(["run", "sleep", "--duration", "20ms", "--tasks", "1", "--workers", "1", "--repeat", "100000", "--warmup", "0", "--db", "h.sqlite"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        var stored = 0
        for _ in 0..<200 where stored < 2 {
            try await Task.sleep(for: .milliseconds(50))
            stored = (try? runs(in: "h.sqlite")) ?? 0
        }
        try #require(stored >= 2, "fewer than two runs were stored within 10 s")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let all = try runs(in: "h.sqlite")
        #expect(all >= stored)
        #expect(try runsInACopyOfTheMainFileAlone("h.sqlite") == all)
        #expect(try sweepStatuses() == ["interrupted"])
    }

    @Test func aCopyWithNoTablesIsNotTurnedIntoAnEmptyHistoryByReadingIt() throws {
        defer { cli.remove() }
        let queue = try DatabaseQueue(path: cli.path("copy.sqlite"))
        try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: cli.path("copy.sqlite")))
        let history = try cli.run(["history", "--db", "copy.sqlite"])
        #expect(history.status == 1)
        #expect(history.stderr.hasPrefix("Error: copy.sqlite holds no history: it has no tables"))
        #expect(history.stderr.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.path("copy.sqlite"))) == before)
    }

    @Test func aDamagedHistoryIsNamedDamagedAndReadingItNeverChangesIt() throws {
        defer { cli.remove() }
        try Data(exportOf(runs: 600).utf8).write(to: URL(fileURLWithPath: cli.path("runs.csv")))
        #expect(try cli.run(["import", "runs.csv", "--db", "h.sqlite"]).status == 0)
        let url = URL(fileURLWithPath: cli.path("h.sqlite"))
        var bytes = try [UInt8](Data(contentsOf: url))
        #expect(bytes.count > 150_000)
        var state: UInt64 = 42
        // The second page: the migration table, which every open reads.
        for index in 16384..<20480 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes[index] = UInt8(truncatingIfNeeded: state >> 33)
        }
        try Data(bytes).write(to: url)

        for arguments in [["history"], ["history"], ["best"], ["export"], ["import", "h.sqlite", "--db", "other.sqlite"]] {
            let arguments = arguments.first == "import" ? arguments : arguments + ["--db", "h.sqlite"]
            let result = try cli.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.hasPrefix("Error: h.sqlite is damaged (SQLite: "), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(try Data(contentsOf: url) == Data(bytes), "\(arguments) changed the damaged file")
        }
    }

    /// Root writes anywhere, so the reader runs as `nobody`, through
    /// util-linux's `setpriv`, where a 0555 directory really is read-only.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func aHistoryInADirectoryThatCannotBeWrittenIsStillRead() throws {
        defer {
            chmod(cli.directory.path, 0o755)
            cli.remove()
        }
        #expect(try cli.run(["run", "sleep", "--duration", "1ms", "--tasks", "2", "--workers", "1,2", "--repeat", "1", "--warmup", "0", "--db", "h.sqlite"]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: cli.path("h.sqlite")))
        chmod(cli.path("h.sqlite"), 0o444)
        chmod(cli.directory.path, 0o555)
        // First beside the empty -wal and -shm files the writer left, then
        // with neither, so that SQLite would have to create the -shm file.
        for command in [["history"], ["best"], ["export"], ["history", "--format", "json"]] {
            if command == ["export"] {
                chmod(cli.directory.path, 0o755)
                for leftover in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: cli.path("h.sqlite" + leftover)) }
                chmod(cli.directory.path, 0o555)
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "--", CLI.binary.path]
                + command + ["--db", cli.path("h.sqlite")]
            process.currentDirectoryURL = URL(fileURLWithPath: "/")
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let output = out.fileHandleForReading.readDataToEndOfFile()
            let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(command): \(errors)")
            #expect(!output.isEmpty)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.path("h.sqlite"))) == before)
    }

    @Test func aSweepWhoseProcessWasKilledIsShownAbandonedOnReadAndMarkedByTheNextWriterAndALiveOneIsNot() async throws {
        defer { cli.remove() }
        let arguments = ["run", "sleep", "--duration", "600s", "--tasks", "1", "--workers", "1", "--repeat", "1", "--warmup", "0", "--db", "h.sqlite"]
        let killed = try cli.start(arguments)
        defer { if killed.isRunning { kill(killed.processIdentifier, SIGKILL) } }
        try await waitForSweeps(1)
        let living = try cli.start(arguments)
        defer { if living.isRunning { kill(living.processIdentifier, SIGKILL) } }
        try await waitForSweeps(2)

        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        func stored() -> Data {
            ["h.sqlite", "h.sqlite-wal"].reduce(into: Data()) { bytes, name in
                bytes += (try? Data(contentsOf: URL(fileURLWithPath: cli.path(name)))) ?? Data()
            }
        }
        let before = stored()
        #expect(try sweepStatuses() == ["abandoned", "running"], "a reader shows the killed sweep abandoned")
        #expect(try cli.run(["history", "--db", "h.sqlite"]).stdout.contains("abandoned"))
        #expect(stored() == before, "reading writes nothing")

        let next = try cli.run(["run", "sleep", "--duration", "1ms", "--tasks", "1", "--workers", "1", "--repeat", "1", "--warmup", "0", "--db", "h.sqlite"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try sweepStatuses() == ["abandoned", "running", "completed"])
        let table = try cli.run(["history", "--db", "h.sqlite"])
        #expect(table.stdout.contains("abandoned"))

        kill(living.processIdentifier, SIGINT)
        living.waitUntilExit()
        #expect(try sweepStatuses() == ["abandoned", "interrupted", "completed"])
    }

    private func waitForSweeps(_ count: Int) async throws {
        for _ in 0..<200 {
            if (try? sweepStatuses().count) ?? 0 >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("fewer than \(count) sweeps were recorded within 10 s")
    }
}
