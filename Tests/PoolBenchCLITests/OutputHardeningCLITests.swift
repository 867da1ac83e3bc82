import Foundation
import Testing

/// What poolbench writes and where: output that cannot be written fails the
/// command, a closed stderr never crashes it, text from a history reaches a
/// terminal only as visible escapes, and `export --output` never replaces
/// what it should not.
@Suite struct OutputHardeningCLITests {
    static let quick = ["--tasks", "2", "--repeat", "1", "--warmup", "0", "--workers", "1,2"]
    /// Retitles the terminal, clears it, then reverses what follows.
    static let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{202E}evil"
    static let shown = "\\e]0;pwned\\x07\\e[2J\\u{202E}evil"

    /// A history with the hostile text as a label, as a workload argument and
    /// as a failing command's first stderr line.
    static func hostileHistory(_ cli: CLI) throws {
        for label in ["a", "b"] {
            let ran = try cli.run(["run", "command", "--label", hostile + label] + quick + ["--", "true", hostile])
            try #require(ran.status == 0, "\(ran.stderr)")
        }
        let failed = try cli.run(["run", "command", "--label", "c"] + quick + ["--", "sh", "-c", "printf '\\033]0;pwned\\007 boom\\n' >&2; exit 3"])
        try #require(failed.status == 0, "\(failed.stderr)")
    }

    static func expectNoControls(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let raw = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || (0x202A...0x202E).contains($0.value) }
        #expect(raw.isEmpty, "\(what) printed raw controls: \(raw.map { String($0.value, radix: 16) })", sourceLocation: sourceLocation)
    }

    @Test func noHumanFormatPrintsAControlCharacterFromTheHistory() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.hostileHistory(cli)
        let commands: [[String]] = [
            ["history"], ["history", "--sweep", "1"], ["history", "--sweep", "3"],
            ["best"], ["best", "--format", "markdown"],
            ["trend"], ["trend", "--format", "markdown"],
            ["compare", Self.hostile + "a", Self.hostile + "b"], ["compare", Self.hostile + "a", Self.hostile + "b", "--format", "markdown"],
        ]
        for arguments in commands {
            let result = try cli.run(arguments)
            #expect(result.status == 0 || result.status == 1, "\(arguments): \(result.stderr)")
            Self.expectNoControls(result.stdout + result.stderr, "\(arguments)")
        }
        #expect(try cli.run(["history"]).stdout.contains(Self.shown + "a"))
        #expect(try cli.run(["history", "--sweep", "3"]).stdout.contains("\\e]0;pwned\\x07 boom"))
        #expect(try cli.run(["best"]).stdout.contains("true '" + Self.shown + "'"))
    }

    @Test func runAndTuneShowTheChildsStderrAndTheArgumentsAsEscapes() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let run = try cli.run(["run", "command"] + Self.quick + ["--", "sh", "-c", "printf '\\033[2J boom\\n' >&2; exit 3", Self.hostile])
        #expect(run.status == 0, "\(run.stderr)")
        Self.expectNoControls(run.stdout + run.stderr, "run")
        #expect(run.stdout.contains("\\e[2J boom"))
        let tune = try cli.run(["tune", "command", "--tasks", "2", "--max-workers", "2", "--", "true", Self.hostile])
        #expect(tune.status == 0, "\(tune.stderr)")
        Self.expectNoControls(tune.stdout + tune.stderr, "tune")
        let markdown = try cli.run(["run", "command", "--format", "markdown"] + Self.quick + ["--", "true", Self.hostile])
        Self.expectNoControls(markdown.stdout, "run --format markdown")
        let tuneMarkdown = try cli.run(["tune", "command", "--tasks", "2", "--max-workers", "2", "--format", "markdown", "--", "true", Self.hostile])
        #expect(tuneMarkdown.status == 0, "\(tuneMarkdown.stderr)")
        Self.expectNoControls(tuneMarkdown.stdout, "tune --format markdown")
    }

    @Test func jsonKeepsTheStoredTextExactly() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.hostileHistory(cli)
        let result = try cli.run(["history", "--format", "json"])
        let sweeps = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let labels = (sweeps["sweeps"] as? [[String: Any]])?.compactMap { $0["label"] as? String } ?? []
        #expect(labels.contains(Self.hostile + "a"), "\(labels)")
        let csv = try cli.run(["export", "--raw"])
        #expect(csv.stdout.contains(Self.hostile + "a"))
    }

    @Test func anErrorMessageShowsControlsFromTheInputAsEscapes() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.hostileHistory(cli)
        let result = try cli.run(["compare", Self.hostile, "a"])
        #expect(result.status != 0)
        Self.expectNoControls(result.stderr, "compare's error")
        #expect(result.stderr.contains(Self.shown))
    }

    // MARK: - Markdown

    @Test func markdownShowsLinksAndImagesInLabelsAsText() throws {
        let cli = try CLI()
        defer { cli.remove() }
        for label in ["[click](javascript:alert(1))", "![](http://example.com/x.png)"] {
            let ran = try cli.run(["run", "sleep", "--duration", "1ms", "--label", label] + Self.quick)
            try #require(ran.status == 0, "\(ran.stderr)")
        }
        let result = try cli.run(["compare", "[click](javascript:alert(1))", "![](http://example.com/x.png)", "--format", "markdown"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("label '\\[click\\]\\(javascript:alert\\(1\\)\\)'"), "\(result.stdout)")
        #expect(result.stdout.contains("label '\\!\\[\\]\\(http://example.com/x.png\\)'"), "\(result.stdout)")
        #expect(!result.stdout.contains("](javascript:") && !result.stdout.contains("![]("))
    }

    // MARK: - Writing the output

    @Test(arguments: [
        "\"$POOLBENCH\" best --format json > /dev/full",
        "\"$POOLBENCH\" history > /dev/full",
        "\"$POOLBENCH\" history --format json > /dev/full",
        "\"$POOLBENCH\" trend > /dev/full",
        "\"$POOLBENCH\" export > /dev/full",
        "\"$POOLBENCH\" export --format json > /dev/full",
        "\"$POOLBENCH\" run sleep --duration 1ms --tasks 2 --repeat 1 --warmup 0 --workers 1 > /dev/full",
        "\"$POOLBENCH\" --help > /dev/full",
    ])
    func outputThatCannotBeWrittenFailsTheCommand(script: String) throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(["run", "sleep", "--duration", "1ms"] + Self.quick).status == 0)
        let result = try cli.shell(script)
        #expect(result.status == 1, "\(script): \(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(script): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func aClosedStandardOutputFailsTheCommand() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(["run", "sleep", "--duration", "1ms"] + Self.quick).status == 0)
        let result = try cli.shell("\"$POOLBENCH\" history >&-")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("writing to standard output failed"), "\(result.stderr)")
    }

    @Test(arguments: [
        ("\"$POOLBENCH\" history --bogus 2>&-", Int32(64)),
        ("\"$POOLBENCH\" history --db missing.sqlite 2>&-", 1),
        ("\"$POOLBENCH\" run sleep --duration 1ms --tasks 2 --repeat 1 --warmup 0 --workers 1 --executor nope 2>&-", 64),
        ("\"$POOLBENCH\" history 2>&-", 0),
    ])
    func aClosedStandardErrorNeverCrashesTheCommand(script: String, status: Int32) throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(["run", "sleep", "--duration", "1ms"] + Self.quick).status == 0)
        let result = try cli.shell(script)
        #expect(result.status == status, "\(script)")
    }

    @Test func anExportCutOffByItsReaderEndsQuietly() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(["run", "sleep", "--duration", "1ms", "--tasks", "2", "--repeat", "20", "--warmup", "0", "--workers", "1...30"]).status == 0)
        let result = try cli.shell("\"$POOLBENCH\" export | head -c 10 > /dev/null; \"$POOLBENCH\" export --format json | head -1 > /dev/null")
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    // MARK: - export --output

    @Test func exportToACharacterDeviceWritesThroughIt() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(["run", "sleep", "--duration", "1ms"] + Self.quick).status == 0)
        // A device stand-in that a non-root test may replace: a FIFO, read
        // by a shell while poolbench writes.
        let result = try cli.shell("mkfifo pipe && { cat pipe > got & } && \"$POOLBENCH\" export --output pipe && wait && test -p pipe && cat got")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("runUuid"), "\(result.stdout)")
        let null = try cli.run(["export", "--output", "/dev/null"])
        #expect(null.status == 0, "\(null.stderr)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        let full = try cli.run(["export", "--output", "/dev/full"])
        #expect(full.status == 1, "\(full.stderr)")
        #expect(full.stderr == "Error: cannot write /dev/full: No space left on device. Pass --output with a writable path.\n")
    }

    @Test func exportThroughASymlinkReplacesItsTargetAndKeepsTheLink() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(["run", "sleep", "--duration", "1ms"] + Self.quick).status == 0)
        try FileManager.default.createDirectory(atPath: cli.path("real"), withIntermediateDirectories: true)
        try "old\n".write(toFile: cli.path("real/out.csv"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: cli.path("link.csv"), withDestinationPath: "real/out.csv")
        let result = try cli.run(["export", "--output", "link.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: cli.path("link.csv")) == "real/out.csv")
        #expect(try String(contentsOfFile: cli.path("real/out.csv"), encoding: .utf8).contains("runUuid"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.path("real")) == ["out.csv"])
    }

    @Test(arguments: ["poolbench.sqlite", "poolbench.sqlite-wal", "poolbench.sqlite-shm", "poolbench.sqlite-journal", "./poolbench.sqlite-wal", "alias.sqlite", "alias-wal"])
    func exportRefusesTheHistorysOwnFiles(output: String) throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(["run", "sleep", "--duration", "1ms"] + Self.quick).status == 0)
        try FileManager.default.createSymbolicLink(atPath: cli.path("alias.sqlite"), withDestinationPath: "poolbench.sqlite")
        try FileManager.default.createSymbolicLink(atPath: cli.path("alias-wal"), withDestinationPath: "poolbench.sqlite-wal")
        let before = try Data(contentsOf: URL(fileURLWithPath: cli.path("poolbench.sqlite")))
        let result = try cli.run(["export", "--output", output])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: \(output) is the history being read, or one of its own files (-wal, -shm, -journal); writing there would destroy it. Pass --output with another file.\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.path("poolbench.sqlite"))) == before)
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench.sqlite-journal")))
        #expect(try cli.run(["export", "--raw"]).stdout.split(separator: "\r\n").count == 3, "both runs are still there")
    }

    // MARK: - URLs

    @Test(arguments: [
        ("http://127.0.0.1:65536/", "a port from 1 to 65535, not '65536'"),
        ("http://127.0.0.1:0/", "a port from 1 to 65535, not '0'"),
        ("http://127.0.0.1:99999999999999999999/", "a port from 1 to 65535"),
        ("http://127.0.0.1:-1/", "a port from 1 to 65535"),
        ("http://127.0.0.1:/", "a port from 1 to 65535, not ''"),
        ("http:///path", "a URL with a host"),
        ("http://:8080/", "a URL with a host"),
        ("ftp://127.0.0.1/", "not ftp://"),
        ("127.0.0.1:8080", "an absolute http:// or https:// URL"),
        ("http://127.0.0.1/a b", "without a space"),
        ("http://exa mple.com/", "without a space"),
        ("http://[::1/", "an IPv6 host closed by ]"),
        ("http://ex%41mple.com/", "a host name of letters"),
    ])
    func aBadURLIsAUsageErrorBeforeTheSweepStarts(url: String, message: String) throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(["run", "http", "--url", url, "--tasks", "1", "--workers", "1"])
        #expect(result.status == 64, "\(url): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(url): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench.sqlite")), "no sweep was begun")
        try "# list\n\(url)\n".write(toFile: cli.path("urls.txt"), atomically: false, encoding: .utf8)
        let fromFile = try cli.run(["run", "http", "--urls-file", "urls.txt", "--tasks", "1", "--workers", "1"])
        #expect(fromFile.status == 64, "\(url): \(fromFile.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench.sqlite")), "no sweep was begun")
    }

    // MARK: - Leftovers of a poolbench killed outright

    @Test func aCommandChildDiesWithAPoolbenchKilledOutright() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let process = try cli.start([
            "run", "command", "--tasks", "1", "--repeat", "1", "--warmup", "0", "--workers", "1", "--",
            "sh", "-c", "echo $$ > child.pid; exec sleep 60",
        ])
        var child: pid_t?
        for _ in 0..<500 where child == nil {
            child = (try? String(contentsOfFile: cli.path("child.pid"), encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if child == nil { usleep(10_000) }
        }
        let pid = try #require(child, "the command started")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        var gone = false
        for _ in 0..<500 where !gone {
            gone = Self.isGoneOrZombie(pid)
            if !gone { usleep(10_000) }
        }
        if !gone { kill(pid, SIGKILL) }
        #expect(gone, "the child outlived poolbench")
    }

    static func isGoneOrZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // The state follows the parenthesised command name.
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    @Test func exportRemovesAStaleTemporaryFileADeadExportLeft() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(["run", "sleep", "--duration", "1ms"] + Self.quick).status == 0)
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let stale = cli.path(".out.csv.poolbench-\(finished.processIdentifier)-0badf00d.tmp")
        let fresh = cli.path(".out.csv.poolbench-\(finished.processIdentifier)-00c0ffee.tmp")
        _ = FileManager.default.createFile(atPath: stale, contents: Data(count: 4096))
        _ = FileManager.default.createFile(atPath: fresh, contents: Data(count: 4096))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: stale)
        let result = try cli.run(["export", "--output", "out.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale), "an hour-old temporary file of a dead poolbench goes")
        #expect(FileManager.default.fileExists(atPath: fresh), "a recent one may still be written: it stays")
    }
}
