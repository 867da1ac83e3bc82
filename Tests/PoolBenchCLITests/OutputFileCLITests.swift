import Foundation
import Testing

/// Every command that writes a file (`export --output`, `report --output`)
/// refuses the history and the files SQLite keeps beside it, however they
/// are spelt, and takes any name the file system does.
@Suite struct OutputFileCLITests {
    static let writers = ["export", "report"]

    /// `--db`, then `--output`: the history, its companions by name, by
    /// `./`, through a symlink, as a hard link, and a history opened through
    /// a symlink, whose companions SQLite keeps beside the link's target.
    static let historyFiles: [(db: String, output: String)] = [
        ("k.sqlite", "k.sqlite"), ("k.sqlite", "k.sqlite-wal"), ("k.sqlite", "k.sqlite-shm"),
        ("k.sqlite", "k.sqlite-journal"), ("k.sqlite", "./k.sqlite-wal"), ("k.sqlite", "sub/../k.sqlite-wal"),
        ("k.sqlite", "wal-link"), ("k.sqlite", "wal-hard-link"), ("alias.sqlite", "k.sqlite-wal"),
    ]

    /// A sweep killed outright after storing at least three runs, so they
    /// are in the write-ahead log and not yet in the database file, as in
    /// a crash. Returns how many runs the history holds.
    static func killedSweep(_ cli: CLI) throws -> Int {
        let sweep = try cli.start([
            "run", "command", "--db", "k.sqlite", "--tasks", "1", "--repeat", "20", "--warmup", "0", "--workers", "1,2",
            "--", "sh", "-c", "echo >> ticks; sleep 0.02",
        ])
        var ticks = 0
        for _ in 0..<3000 where ticks < 4 {
            ticks = ((try? String(contentsOfFile: cli.path("ticks"), encoding: .utf8)) ?? "").count
            if ticks < 4 { usleep(10_000) }
        }
        kill(sweep.processIdentifier, SIGKILL)
        sweep.waitUntilExit()
        try #require(ticks >= 4, "the sweep ran")
        var info = stat()
        try #require(stat(cli.path("k.sqlite-wal"), &info) == 0 && info.st_size > 0, "the runs are in the write-ahead log")
        // Counted in a copy: opening the history itself may checkpoint it.
        try FileManager.default.createDirectory(atPath: cli.path("copy"), withIntermediateDirectories: true)
        for name in ["k.sqlite", "k.sqlite-wal"] {
            try FileManager.default.copyItem(atPath: cli.path(name), toPath: cli.path("copy/" + name))
        }
        let runs = try runCount(cli, db: "copy/k.sqlite")
        try #require(runs >= 3)
        return runs
    }

    static func runCount(_ cli: CLI, db: String) throws -> Int {
        let export = try cli.run(["export", "--db", db, "--format", "json"])
        try #require(export.status == 0, "\(export.stderr)")
        return export.stdout.split(separator: "\n").count
    }

    @Test(arguments: writers, historyFiles)
    func everyCommandThatWritesAFileRefusesTheHistorysOwnFiles(command: String, files: (db: String, output: String)) throws {
        let cli = try CLI()
        defer { cli.remove() }
        let runs = try Self.killedSweep(cli)
        try FileManager.default.createDirectory(atPath: cli.path("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: cli.path("alias.sqlite"), withDestinationPath: "k.sqlite")
        try FileManager.default.createSymbolicLink(atPath: cli.path("wal-link"), withDestinationPath: "k.sqlite-wal")
        #expect(link(cli.path("k.sqlite-wal"), cli.path("wal-hard-link")) == 0)

        let result = try cli.run([command, "--db", files.db, "--output", files.output])
        #expect(result.status == 1, "\(command) --output \(files.output): \(result.stderr)")
        #expect(
            result.stderr == "Error: \(files.output) is the history being read, or one of its own files (-wal, -shm, -journal); "
                + "writing there would destroy it. Pass --output with another file.\n"
        )
        #expect(result.stdout.isEmpty)
        #expect(try Self.runCount(cli, db: "k.sqlite") == runs, "every run is still in the history")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.directory.path).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test(arguments: writers)
    func aNameAsLongAsTheFileSystemAllowsIsWritten(command: String) throws {
        let cli = try CLI()
        defer { cli.remove() }
        let ran = try cli.run(["run", "sleep", "--duration", "1ms", "--tasks", "2", "--repeat", "1", "--warmup", "0", "--workers", "1,2"])
        try #require(ran.status == 0, "\(ran.stderr)")
        let name = String(repeating: "n", count: 250) + ".out"
        #expect(name.utf8.count == 254)
        for output in [name + "x", "é" + String(name.dropFirst(2)) + "x"] {
            #expect(output.utf8.count == 255)
            let result = try cli.run([command, "--output", output])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.isEmpty)
            let written = try String(contentsOfFile: cli.path(output), encoding: .utf8)
            #expect(written.contains(command == "export" ? "runUuid" : "</html>"))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: cli.directory.path)
        #expect(files.allSatisfy { !$0.hasSuffix(".tmp") }, "no temporary file is left: \(files)")
        let tooLong = try cli.run([command, "--output", name + "xy"])
        #expect(tooLong.status == 1)
        #expect(tooLong.stderr == "Error: cannot write \(name)xy: File name too long. Pass --output with a writable path.\n")
    }
}
