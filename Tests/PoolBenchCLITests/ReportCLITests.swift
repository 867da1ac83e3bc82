import Foundation
import Testing

/// `poolbench report` as a person uses it, and the page in a real browser.
@Suite struct ReportCLITests {
    typealias Sweep = AnswersCLITests.Sweep

    /// pool and threads on a 16-slot server, twice, the second time a
    /// little faster.
    static func history(_ cli: CLI) throws {
        try AnswersCLITests.history(cli, [
            Sweep(AnswersCLITests.capacity16(1...32)), Sweep(executor: "threads", AnswersCLITests.capacity16(1...32, factor: 0.9)),
            Sweep(AnswersCLITests.capacity16(1...32, factor: 1.02)),
        ])
    }

    @Test func reportWritesOnePageToTheDefaultFileAndLeavesNothingElse() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.history(cli)
        let result = try cli.run(["report", "--max-p99", "50ms"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        let page = try String(contentsOfFile: cli.path("poolbench-report.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">"))
        #expect(page.contains("class=\"limit\" data-seconds=\"0.05\""))
        // Nothing is fetched: no script, no link, no remote URL.
        #expect(!page.contains("<script") && !page.contains("<link") && !page.contains("src="))
        #expect(!page.contains("https://") && !page.contains("http://127"))
        let files = try FileManager.default.contentsOfDirectory(atPath: cli.directory.path)
        #expect(!files.contains { $0.hasSuffix(".tmp") }, "no temporary file is left: \(files)")
    }

    @Test func reportWritesToStandardOutputWithADash() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.history(cli)
        let result = try cli.run(["report", "--output", "-", "--executor", "pool"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("<!DOCTYPE html>\n"))
        #expect(result.stdout.hasSuffix("</html>\n"))
        #expect(result.stdout.components(separatedBy: "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"curve\"").count == 2)
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench-report.html")))
    }

    @Test(arguments: [
        (["report", "--max-p99", "fast"], "Error: --max-p99 'fast' is not a positive duration; use a number with a unit, like 50ms or 1.5s.\n"),
        (["report", "--max-p99", "0ms"], "Error: --max-p99 '0ms' is not a positive duration; use a number with a unit, like 50ms or 1.5s.\n"),
        (["report", "--tolerance", "60%"], "Error: --tolerance '60%' must be above 0% and at most 50%, e.g. 5% or 0.05.\n"),
        (["report", "--last", "0"], "Error: --last must be at least 1; got 0.\n"),
        (["report", "--trend-last", "0"], "Error: --trend-last must be at least 1; got 0.\n"),
    ])
    func badOptionsAreUsageErrors(arguments: [String], message: String) throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.history(cli)
        let result = try cli.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr == message)
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench-report.html")))
    }

    @Test func aReportThatCannotBeWrittenFailsInOneLineAndLeavesTheOldPage() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.history(cli)
        try Data("old page".utf8).write(to: URL(fileURLWithPath: cli.path("old.html")))
        let missing = try cli.run(["report", "--output", "missing/report.html"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "Error: cannot write missing/report.html: its directory does not exist. "
            + "Create it first, or pass --output with a path in an existing directory.\n")
        let onHistory = try cli.run(["report", "--output", "poolbench.sqlite"])
        #expect(onHistory.status == 1)
        #expect(onHistory.stderr.hasPrefix("Error: poolbench.sqlite is the history"))
        let nothing = try cli.run(["report", "--workload", "nope", "--output", "old.html"])
        #expect(nothing.status == 1)
        #expect(nothing.stderr == "Error: no runs match --workload nope. List what is recorded with `poolbench history`.\n")
        #expect(try String(contentsOfFile: cli.path("old.html"), encoding: .utf8) == "old page")
    }

    // MARK: - In a browser

    /// Debian's `chromium`; CI installs it, and without it the test skips.
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static let checkScript = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "scripts/check-report-in-browser.sh")

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install -y chromium): the browser check is skipped"))
    func theReportRendersInHeadlessChromiumWithoutConsoleErrors() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.history(cli)
        let written = try cli.run(["report", "--max-p99", "30ms", "--output", "report.html"])
        try #require(written.status == 0, "\(written.stderr)")

        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/bin/sh")
        check.arguments = [Self.checkScript.path, cli.path("report.html"), cli.path("report.png")]
        let log = cli.directory.appending(path: "check.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        check.standardOutput = handle
        check.standardError = handle
        try check.run()
        check.waitUntilExit()
        try handle.close()
        let output = try String(contentsOf: log, encoding: .utf8)
        #expect(check.terminationStatus == 0, "\(output)")
        #expect(output.contains("ok: "), "\(output)")
        let screenshot = try FileManager.default.attributesOfItem(atPath: cli.path("report.png"))[.size] as? Int
        #expect((screenshot ?? 0) > 20_000)
    }
}
