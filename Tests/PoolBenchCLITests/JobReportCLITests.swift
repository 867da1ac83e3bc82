import Foundation
import Testing

/// Job mode's report protocol: a job that writes one JSON line on
/// `POOLBENCH_REPORT_FD` is measured by that line; one that writes nothing is
/// timed from outside; a bad line fails its run with one clear message. The
/// documented examples are run as they are.
@Suite struct JobReportCLITests {
    let cli: CLI

    init() throws { cli = try CLI() }

    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appending(path: "examples")

    /// What the last `run` printed.
    var lastRun: String {
        (try? String(contentsOfFile: cli.path("last-run.txt"), encoding: .utf8)) ?? ""
    }

    /// Runs `job` once at 2 workers and returns its stored run.
    func run(job: String, _ extra: [String] = []) throws -> [String: Any] {
        let result = try cli.run(["run", "--job", job, "--workers", "2", "--repeat", "1", "--warmup", "0"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: cli.path("last-run.txt")))
        let export = try cli.run(["export", "--format", "json"])
        #expect(export.status == 0, "\(export.stderr)")
        let line = try #require(export.stdout.split(separator: "\n").last)
        return try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func thePythonExampleIsMeasuredByItsReport() throws {
        defer { cli.remove() }
        let server = try EchoServer(in: cli.directory)
        defer { server.stop() }
        let script = Self.examples.appending(path: "report_fetch.py").path
        let stored = try run(job: "python3 \(script) {workers} 12 \(server.url())")
        #expect(stored["tasks"] as? Int == 12, "\(stored)")
        #expect(stored["errorCount"] as? Int == 0)
        let p50 = try #require(stored["latencyP50"] as? Double)
        let wall = try #require(stored["wallSeconds"] as? Double)
        #expect(p50 > 0 && p50 <= wall)
        #expect(try server.requests().count == 12)
    }

    @Test func theShellExampleIsMeasuredByItsReport() throws {
        defer { cli.remove() }
        let script = Self.examples.appending(path: "report_work.sh").path
        let stored = try run(job: "sh \(script) {workers} 6")
        #expect(stored["tasks"] as? Int == 6, "\(stored)")
        #expect(lastRun.contains(", 6 tasks per run;"), "\(lastRun)")
        #expect(stored["errorCount"] as? Int == 0)
        // Each item sleeps 50 ms; the latencies are the script's own.
        let p50 = try #require(stored["latencyP50"] as? Double)
        #expect(p50 >= 0.05)
    }

    @Test func reportedFailuresAreFailedItems() throws {
        defer { cli.remove() }
        let line = #"{"seconds": 0.5, "items": 10, "failed": 3, "latencies": [0.1, 0.2, 0.3]}"#
        try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: cli.path("report.txt")))
        let stored = try run(job: "sh -c 'cat report.txt >&3; : {workers}'")
        #expect(stored["tasks"] as? Int == 10, "\(stored)")
        #expect(stored["errorCount"] as? Int == 3)
        #expect(stored["wallSeconds"] as? Double == 0.5)
        #expect(stored["throughput"] as? Double == 14)
        #expect(stored["firstError"] as? String == "the job reported 3 of 10 items failed")
    }

    @Test func aJobThatReportsNothingIsTimedAsBefore() throws {
        defer { cli.remove() }
        let stored = try run(job: "sh -c 'test \"$POOLBENCH_REPORT_FD\" = 3 && test -e /proc/self/fd/3; : {workers}'", ["--items", "4"])
        #expect(stored["errorCount"] as? Int == 0, "\(stored)")
        #expect(stored["tasks"] as? Int == 4)
        #expect(stored["latencyP50"] is NSNull)
    }

    @Test(arguments: [
        ("not json", "it is not a JSON object"),
        (#"{"seconds": 1}"#, #"it has no "items""#),
        (#"{"seconds": 0, "items": 2}"#, #""seconds" must be above 0"#),
        (#"{"seconds": 1, "items": 2, "failed": 3}"#, #""failed" (3) is more than "items" (2)"#),
        (#"{"seconds": 1, "items": 2, "latencies": [1, 2, 3]}"#, #""latencies" lists 3 items, more than the 2 that succeeded"#),
        (#"{"seconds": 1, "items": 2, "speed": 3}"#, #"unknown field "speed""#),
    ])
    func aBadReportFailsItsRunWithOneClearMessage(line: String, reason: String) throws {
        defer { cli.remove() }
        try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: cli.path("report.txt")))
        let stored = try run(job: "sh -c 'cat report.txt >&3; : {workers}'")
        #expect(stored["errorCount"] as? Int == 1, "\(stored)")
        #expect(stored["throughput"] as? Double == 0)
        let message = try #require(stored["firstError"] as? String)
        #expect(message.hasPrefix("'sh' wrote a report on POOLBENCH_REPORT_FD that poolbench cannot use: \(reason)"), "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test func noOtherChildGetsTheReportDescriptor() throws {
        defer { cli.remove() }
        let result = try cli.run(
            ["run", "command", "--workers", "1", "--tasks", "2", "--repeat", "1", "--warmup", "0", "--",
             "sh", "-c", "test -z \"$POOLBENCH_REPORT_FD\" && ! test -e /proc/self/fd/3"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let export = try cli.run(["export", "--format", "json"])
        let line = try #require(export.stdout.split(separator: "\n").last)
        let stored = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(stored["errorCount"] as? Int == 0, "\(stored)")
    }
}
