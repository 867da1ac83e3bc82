import Foundation
import Testing

/// `http --retries` against a real rate-limited API (`token_bucket.py`, which
/// answers past its rate with `429` and `Retry-After: 1`): the tasks a bare
/// client loses to refusals, a retrying one completes, and its re-sends are
/// recorded apart from failed tasks.
@Suite(.serialized) struct RetriesCLITests {
    let cli: CLI

    init() throws { cli = try CLI() }

    /// Eight workers at once against a bucket that admits four: the first
    /// wave refuses some whatever the timing.
    func sweep(_ server: FixtureServer, _ extra: [String]) throws -> [String: Any] {
        let result = try cli.run(
            ["run", "http", "--url", server.url, "--executor", "pool", "--workers", "8", "--tasks", "16", "--warmup", "0",
             "--timeout", "5s"] + extra
        )
        #expect(result.status == 0, "\(result.stderr)")
        let export = try cli.run(["export", "--format", "json"])
        #expect(export.status == 0, "\(export.stderr)")
        let line = try #require(export.stdout.split(separator: "\n").last)
        return try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func withoutRetriesRefusedTasksFail() throws {
        defer { cli.remove() }
        let server = try FixtureServer("token_bucket.py", ["40", "0.1"])
        defer { server.stop() }
        let run = try sweep(server, [])
        let failed = try #require(run["errorCount"] as? Int)
        #expect(failed > 0)
        #expect(run["failures"] as? String == #"{"http 429":\#(failed)}"#)
        #expect(run["parameters"] as? String == "url=\(server.url) timeout=5s")
    }

    @Test func withRetriesRefusedTasksSucceedAndTheirResendsAreRecorded() throws {
        defer { cli.remove() }
        let server = try FixtureServer("token_bucket.py", ["40", "0.1"])
        defer { server.stop() }
        let run = try sweep(server, ["--retries", "5"])
        #expect(run["errorCount"] as? Int == 0, "\(run)")
        let failures = try #require(run["failures"] as? String)
        let counts = try #require(JSONSerialization.jsonObject(with: Data(failures.utf8)) as? [String: Int])
        #expect(Array(counts.keys) == ["retried http 429"])
        #expect((counts["retried http 429"] ?? 0) > 0)
        #expect(run["parameters"] as? String == "url=\(server.url) timeout=5s retries=5")

        // The re-sends are not errors: no onset, and the run counts all 16 tasks as done.
        let best = try cli.run(["best", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(best.stdout.utf8)) as? [String: Any]
        let answer = try #require((object?["answers"] as? [[String: Any]])?.first)
        #expect(answer["errorOnsetWorkers"] is NSNull)
    }

    @Test func retriesUnderTheProcessesExecutorAreRecordedToo() throws {
        defer { cli.remove() }
        let server = try FixtureServer("token_bucket.py", ["40", "0.1"])
        defer { server.stop() }
        let result = try cli.run(
            ["run", "http", "--url", server.url, "--executor", "processes", "--workers", "8", "--tasks", "16", "--warmup", "0",
             "--timeout", "5s", "--retries", "5"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        let export = try cli.run(["export", "--format", "json"])
        let line = try #require(export.stdout.split(separator: "\n").last)
        let run = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(run["errorCount"] as? Int == 0, "\(run)")
        #expect((run["failures"] as? String)?.hasPrefix(#"{"retried http 429":"#) == true, "\(run)")
    }

    @Test(arguments: [
        (["--retries", "-1"], "--retries must be from 0 to 100; got -1."),
        (["--retries", "101"], "--retries must be from 0 to 100; got 101."),
    ])
    func aRetryCountOutOfRangeIsAUsageError(arguments: [String], message: String) throws {
        defer { cli.remove() }
        let result = try cli.run(["run", "http", "--url", "http://127.0.0.1:9/"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func retriesApplyToHTTPOnly() throws {
        defer { cli.remove() }
        let result = try cli.run(["run", "sleep", "--retries", "3"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--retries applies to the http workload, not sleep."), "\(result.stderr)")
    }
}
