import Foundation
import Testing

/// What `--db` may name, and what a history file shared with other
/// programs, or on a disk that fills, leaves a command to say.
@Suite struct HistoryLocationCLITests {
    static let quick = BadInputTests.quick

    /// Every command, reading and writing, refuses what is no file in one
    /// line before it opens anything: a FIFO used to block them forever,
    /// and `run --db /dev/null`, as root, created /dev/null-journal.
    @Test(.timeLimit(.minutes(3)))
    func aDbThatIsNotAFileIsRefusedByEveryCommand() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(Self.quick + ["--db", "good.sqlite"]).status == 0)
        try #require(try cli.run(["export", "--db", "good.sqlite", "--output", "good.csv"]).status == 0)
        try #require(mkfifo(cli.path("pipe"), 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: cli.path("loopy"), withDestinationPath: "loopy")
        let tooLong = String(repeating: "h", count: 300)
        let cases = [
            ("/dev/null", "/dev/null is a character device, not a history file"),
            ("pipe", "pipe is a named pipe (FIFO), not a history file"),
            ("loopy", "loopy is a symbolic link that loops (it never reaches a file), not a history file"),
            (tooLong, "\(tooLong) is too long a name for a history"),
            (".", ". is a directory, not a history file"),
        ]
        let commands = [
            Self.quick, ["tune", "sleep", "--duration", "1ms", "--tasks", "2", "--max-workers", "2"], ["history"], ["best"],
            ["trend"], ["compare", "1", "2"], ["export"], ["report", "--output", "r.html"], ["import", "good.csv"],
        ]
        for (path, message) in cases {
            for command in commands {
                let result = try cli.run(command + ["--db", path])
                #expect(result.status == 1, "\(command) --db \(path)")
                #expect(result.stderr.hasPrefix("Error: \(message)"), "\(command): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "/dev/null-journal"))
        #expect(!FileManager.default.fileExists(atPath: "/dev/null-wal"))
        let left = try FileManager.default.contentsOfDirectory(atPath: cli.directory.path)
        #expect(left.allSatisfy { !$0.hasPrefix("pipe-") && !$0.hasPrefix("loopy-") && !$0.hasPrefix("hhh") }, "\(left)")
    }

    /// A libpq keyword string used to name a new SQLite file after its
    /// password.
    @Test func aLibpqKeywordStringIsRefusedWithoutItsPassword() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let keywords = "host=127.0.0.1 port=55439 dbname=pb user=qm password=Hunter2-SECRET"
        for command in [Self.quick, ["history"], ["export"]] {
            let result = try cli.run(command + ["--db", keywords])
            #expect(result.status == 1)
            #expect(
                result.stderr.hasPrefix("Error: --db takes a SQLite file or a postgresql:// URL, not a libpq keyword string (host=… port=… dbname=… user=… password=…)"),
                "\(result.stderr)"
            )
            #expect(!result.stderr.contains("Hunter2"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: cli.directory.path)
        #expect(left.allSatisfy { !$0.contains("Hunter2") && !$0.contains("host=") }, "\(left)")
        let help = try cli.run(["run", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("A libpq keyword string (host=… dbname=…) is refused: write it as a URL."))
    }

    /// Another program's database with a `migration` table of its own said
    /// "no such column: version".
    @Test func anotherProgramsMigrationTableIsNotAHistoryInOneLine() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.python(
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "db.executescript(\"CREATE TABLE migration (id INTEGER PRIMARY KEY, file TEXT); INSERT INTO migration (file) VALUES ('001.sql');\"); db.close()",
            cli.path("other.sqlite")
        )
        let before = try Data(contentsOf: URL(fileURLWithPath: cli.path("other.sqlite")))
        for command in [Self.quick, ["history"]] {
            let result = try cli.run(command + ["--db", "other.sqlite"])
            #expect(result.status == 1)
            #expect(
                result.stderr == "Error: other.sqlite is an SQLite database but not a poolbench history; it was left untouched. Pass --db to choose another file.\n"
            )
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.path("other.sqlite"))) == before)
    }

    /// Another program holds the history's write lock (`BEGIN EXCLUSIVE`,
    /// for a minute) mid-sweep: Ctrl-C ended the sweep only once the lock
    /// was released. Now it ends it at once with 130, the runs stored
    /// before the lock kept, and the sweep, which the lock keeps from being
    /// marked, left for the next writer to mark abandoned.
    @Test(.timeLimit(.minutes(3)), arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func ctrlCEndsASweepWhileAnotherProgramHoldsTheWriteLock(signal: Int32, status: Int32) throws {
        let cli = try CLI()
        defer { cli.remove() }
        let history = cli.path("locked.sqlite")
        let errors = cli.directory.appending(path: "stderr.txt")
        let sweep = try cli.start(
            ["run", "sleep", "--duration", "1ms", "--tasks", "2", "--workers", "1,2", "--repeat", "5000", "--warmup", "0", "--db", history],
            errorFile: errors
        )
        defer { if sweep.isRunning { kill(sweep.processIdentifier, SIGKILL) } }
        let lockedCount = cli.directory.appending(path: "locked.txt")
        let locker = try Self.start(python: """
            import os, sqlite3, sys, time
            while True:
                try:
                    db = sqlite3.connect("file:" + sys.argv[1] + "?mode=rw", uri=True, timeout=60, isolation_level=None)
                    if db.execute("SELECT count(*) FROM run").fetchone()[0] >= 3:
                        break
                    db.close()
                except sqlite3.OperationalError:
                    pass
                time.sleep(0.05)
            db.execute("BEGIN EXCLUSIVE")
            count = db.execute("SELECT count(*) FROM run").fetchone()[0]
            with open(sys.argv[2] + ".tmp", "w") as out:
                out.write(str(count))
            os.rename(sys.argv[2] + ".tmp", sys.argv[2])
            time.sleep(60)
            """, arguments: [history, lockedCount.path])
        defer {
            kill(locker.processIdentifier, SIGKILL)
            locker.waitUntilExit()
        }
        for _ in 0..<1_200 where !FileManager.default.fileExists(atPath: lockedCount.path) && sweep.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let kept = try #require(Int(String(contentsOf: lockedCount, encoding: .utf8)), "the lock was never taken")
        // Long enough for the sweep's next write to be waiting on the lock.
        Thread.sleep(forTimeInterval: 1)
        try #require(sweep.isRunning, "the sweep ended before it was interrupted")

        let signalled = ContinuousClock.now
        kill(sweep.processIdentifier, signal)
        for _ in 0..<400 where sweep.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        let waited = ContinuousClock.now - signalled
        try #require(!sweep.isRunning, "still running 20 s after signal \(signal), against a 60 s lock")
        sweep.waitUntilExit()
        #expect(waited < .seconds(10), "\(waited)")
        #expect(sweep.terminationReason == .exit)
        #expect(sweep.terminationStatus == status)
        let said = try String(contentsOf: errors, encoding: .utf8)
        #expect(said.contains("could not be marked interrupted (another program holds the history's write lock)"), "\(said)")
        #expect(!said.contains("Error:"), "\(said)")

        kill(locker.processIdentifier, SIGKILL)
        locker.waitUntilExit()
        let export = try cli.run(["export", "--db", history])
        #expect(export.stdout.split(separator: "\r\n").count == 1 + kept, "every run stored before the lock is kept")
        #expect(try cli.run(Self.quick + ["--db", history]).status == 0)
        let sweeps = try cli.run(["history", "--db", history, "--format", "json"]).stdout
        #expect(sweeps.contains("\"status\" : \"abandoned\""), "\(sweeps)")
    }

    /// A history on a disk that fills mid-sweep: one line that says so,
    /// exit 1, the sweep `failed` and its earlier runs kept. Needs a small
    /// tmpfs of its own, so it runs only where it may mount one (as root).
    @Test(.enabled(if: canMountTmpfs, "mounting a small tmpfs needs root"), .timeLimit(.minutes(3)))
    func aDiskThatFillsMidSweepIsOneLineAndKeepsTheRuns() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let mountPoint = cli.path("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mount = try cli.shell("mount -t tmpfs -o size=2m tmpfs '\(mountPoint)'")
        try #require(mount.status == 0, "cannot mount a tmpfs here: \(mount.stderr)")
        defer { _ = try? cli.shell("umount '\(mountPoint)'") }
        let history = mountPoint + "/h.sqlite"
        let result = try cli.run(
            ["run", "sleep", "--duration", "1ms", "--tasks", "2", "--workers", "1,2", "--repeat", "5000", "--warmup", "0", "--db", history]
        )
        #expect(result.status == 1)
        #expect(
            result.stderr.hasPrefix("Error: could not write to the history \(history): the disk is full."),
            "\(result.stderr)"
        )
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        let sweeps = try cli.run(["history", "--db", history, "--format", "json"])
        #expect(sweeps.stdout.contains("\"status\" : \"failed\""), "\(sweeps.stdout)\(sweeps.stderr)")
        let export = try cli.run(["export", "--db", history])
        #expect(export.stdout.split(separator: "\r\n").count > 3, "the runs before the disk filled are kept")
    }

    /// Whether this process may mount a tmpfs (root, with the capability
    /// a container may withhold): tried once, on a directory of its own.
    static let canMountTmpfs: Bool = {
        guard getuid() == 0 else { return false }
        let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-mount-\(UUID().uuidString)").path
        guard mkdir(directory, 0o700) == 0 else { return false }
        defer { rmdir(directory) }
        guard mount("tmpfs", directory, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount(directory)
        return true
    }()

    static func python(_ script: String, _ arguments: String...) throws {
        let process = try start(python: script, arguments: arguments)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
    }

    static func start(python script: String, arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }
}

/// A PostgreSQL password holding every URL delimiter (`p?S/E%C@R:T`, the
/// test server's `poolbench_symbols`), written as a user would: it reaches
/// the server and nothing else.
@Suite(.serialized, .enabled(if: TeamServer.isAvailable, TeamServer.skipReason))
struct PostgreSQLPasswordCLITests {
    @Test func aPasswordWithURLDelimitersIsUsedAndNeverPrintedStoredOrExported() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let server = try #require(TeamServer.url.flatMap(URLComponents.init(string:)))
        let socket = try #require(server.queryItems?.first { $0.name == "host" }?.value)
        let host = try #require(socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        try TeamServer.withDatabase(owner: "poolbench_symbols") { database in
            // Fully encoded, and with "?" and ":" as psql also takes them;
            // no query of its own, where "?" once swallowed connect_timeout.
            let encoded = "postgresql://poolbench_symbols:p%3FS%2FE%25C%40R%3AT@\(host)/\(database)"
            let loose = "postgresql://poolbench_symbols:p?S%2FE%25C%40R:T@\(host)/\(database)"
            var printed: [String] = []
            for (command, url) in [
                (PostgreSQLCLITests.sweep, encoded), (PostgreSQLCLITests.sweep, loose), (["history"], loose),
                (["history", "--format", "json"], encoded), (["best", "--format", "json"], loose),
                (["export", "--output", "team.csv"], loose), (["report", "--output", "team.html"], encoded),
                (["best", "--workload", "nothing"], loose),
            ] {
                let result = try cli.run(command + ["--db", url])
                printed += [result.stdout, result.stderr]
                if command != ["best", "--workload", "nothing"] { #expect(result.status == 0, "\(command): \(result.stderr)") }
            }
            let wrong = try cli.run(["history", "--db", "postgresql://poolbench_symbols:p?S%2FE%25C%40R:X@\(host)/\(database)"])
            #expect(wrong.stderr.contains("password authentication failed"), "\(wrong.stderr)")
            printed += [wrong.stdout, wrong.stderr]
            printed.append(try String(contentsOfFile: cli.path("team.csv"), encoding: .utf8))
            printed.append(try String(contentsOfFile: cli.path("team.html"), encoding: .utf8))
            for table in ["host", "sweep", "run", "seriessweep", "sweepprocess", "poolbench_migration"] {
                printed.append(try TeamServer.psql(database, "SELECT COALESCE(string_agg(t::text, E'\\n'), '') FROM \(table) AS t"))
            }
            let everything = printed.joined(separator: "\n")
            #expect(everything.contains("poolbench_symbols@"), "the user is shown")
            #expect(try TeamServer.psql(database, "SELECT count(*) FROM sweep WHERE status = 'completed'") == "2")
            for secret in ["p?S/E%C@R:T", "p%3FS%2FE%25C%40R%3AT", "p?S%2FE%25C%40R:T", "S%2FE", "S/E", "R:X", "R%3AT"] {
                #expect(!everything.contains(secret), "\(secret) leaked")
            }
        }
    }
}
