import Foundation
import Testing

/// `poolbench import` of scans made by the real hyperfine (the fixtures
/// beside this file, remade by `Fixtures/hyperfine/make-fixtures.sh`), and
/// of hand-broken ones.
@Suite struct HyperfineImportCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "Fixtures/hyperfine")

    let cli: CLI

    init() throws { cli = try CLI() }

    func fixture(_ name: String) -> String { Self.fixtures.appending(path: name).path }

    func json(_ result: CLI.Result) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    func exportedRuns() throws -> [[String: Any]] {
        let export = try cli.run(["export", "--format", "json"])
        #expect(export.status == 0, "\(export.stderr)")
        return try export.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func aScanOfAFourSlotServerImportsAsJobRunsAndBestAnswersFour() throws {
        defer { cli.remove() }
        let imported = try cli.run(["import", fixture("slots4.json"), "--items", "16"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasSuffix(": 1 sweep and 40 runs new; 0 sweeps and 0 runs already present.\n"))

        let runs = try exportedRuns()
        #expect(runs.count == 40)
        let first = try #require(runs.first)
        #expect(first["workload"] as? String == "job")
        #expect(first["executor"] as? String == "job")
        #expect(
            (first["parameters"] as? String)?.hasPrefix("job=python3 examples/fetch.py --workers '{workers}' --items 16 http://127.0.0.1:") == true
        )
        #expect((first["parameters"] as? String)?.hasSuffix(" items=16") == true)
        #expect(first["tasks"] as? Int == 16)
        #expect((first["commandLine"] as? String)?.hasPrefix("hyperfine -L workers 1,2,3,4,5,6,7,8 'python3 examples/fetch.py --workers {workers}") == true)
        // Throughput is items per second of wall time, every run kept.
        for run in runs {
            let wall = try #require(run["wallSeconds"] as? Double)
            let throughput = try #require(run["throughput"] as? Double)
            #expect(abs(throughput * wall - 16) < 1e-6)
            #expect(run["latencyP50"] is NSNull)
            #expect(run["cpuUserSeconds"] is NSNull)
        }
        #expect(Set(runs.compactMap { $0["workers"] as? Int }) == Set(1...8))

        let best = try cli.run(["best", "--format", "json"])
        #expect(best.status == 0, "\(best.stderr)")
        let answer = try #require((try json(best)["answers"] as? [[String: Any]])?.first)
        #expect(answer["recommendedWorkers"] as? Int == 4)
        #expect(answer["workload"] as? String == "job")
    }

    @Test func importingTheSameScanAgainStoresNothingNew() throws {
        defer { cli.remove() }
        #expect(try cli.run(["import", fixture("slots4.json")]).status == 0)
        // A copy made later has another modification time, but the same content.
        let copy = cli.path("copy.json")
        try FileManager.default.copyItem(atPath: fixture("slots4.json"), toPath: copy)
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: copy)
        let again = try cli.run(["import", "copy.json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.hasSuffix(": 0 sweeps and 0 runs new; 1 sweep and 40 runs already present.\n"))
        #expect(try exportedRuns().count == 40)
    }

    @Test func aFailingExitCodeIsThatRunsOneErrorWithNoThroughput() throws {
        defer { cli.remove() }
        let imported = try cli.run(["import", fixture("fails-at-3.json")])
        #expect(imported.status == 0, "\(imported.stderr)")
        let runs = try exportedRuns()
        #expect(runs.count == 6)
        for run in runs {
            let failed = run["workers"] as? Int == 3
            #expect(run["errorCount"] as? Int == (failed ? 1 : 0))
            #expect(((run["throughput"] as? Double ?? -1) > 0) == !failed)
            #expect((run["firstError"] as? String) == (failed ? "exited with status 1" : nil))
            #expect((run["failures"] as? String) == (failed ? #"{"exit 1":1}"# : nil))
            #expect(run["parameters"] as? String == "job=sh -c 'sleep 0.01; test {workers} -lt 3'")
        }
    }

    /// Each broken scan: one line saying what is wrong, exit 1, and no
    /// history created.
    @Test(arguments: [
        (#"{"result": []}"#, #"it has no "results""#),
        (#"{"results": []}"#, #"its "results" list is empty"#),
        (#"{"results": [{"command": "job 1", "times": [0.5]}]}"#, "it has no parameter to read a worker count from"),
        (#"{"results": [{"command": "job 1", "times": ["0.5"], "parameters": {"workers": "1"}}]}"#, "results[0].times[0] is not a number"),
        (#"{"results": [{"command": "job 1", "times": [], "parameters": {"workers": "1"}}]}"#, "results[0] (job 1) has no times"),
        (#"{"results": [{"command": "job x", "times": [1], "parameters": {"workers": "x"}}]}"#, "workers = x is not a worker count"),
        (#"{"results": [{"command": "job 1 a", "times": [1], "parameters": {"workers": "1", "mode": "a"}}]}"#, "it has the parameters mode, workers; pass --parameter NAME"),
        (#"{"results": [{"command": "job 1", "times": [1], "parameters": {"workers": "1"}}, {"command": "other 2", "times": [1], "parameters": {"workers": "2"}}]}"#, "differ beyond its value"),
        (#"{"results": [{"command": "job 1", "times": [-1], "parameters": {"workers": "1"}}]}"#, "has a time of -1.0 s"),
        ("{\"results\": [", "it is not JSON"),
    ])
    func aBrokenScanIsRefusedInOneLineAndCreatesNoHistory(content: String, reason: String) throws {
        defer { cli.remove() }
        try Data(content.utf8).write(to: URL(fileURLWithPath: cli.path("scan.json")))
        let result = try cli.run(["import", "scan.json"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: scan.json is not a hyperfine scan poolbench can read: "))
        #expect(result.stderr.contains(reason), "\(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench.sqlite")))
    }

    @Test func theParameterOptionPicksTheWorkerCountAndOtherParametersMakeSeriesOfTheirOwn() throws {
        defer { cli.remove() }
        let scan = #"""
            {"results": [
              {"command": "job --mode a -n 1", "times": [1.0, 1.0], "parameters": {"n": "1", "mode": "a"}},
              {"command": "job --mode a -n 2", "times": [0.5, 0.5], "parameters": {"n": "2", "mode": "a"}},
              {"command": "job --mode b -n 1", "times": [2.0, 2.0], "parameters": {"n": "1", "mode": "b"}},
              {"command": "job --mode b -n 2", "times": [1.0, 1.0], "parameters": {"n": "2", "mode": "b"}}
            ]}
            """#
        try Data(scan.utf8).write(to: URL(fileURLWithPath: cli.path("scan.json")))
        let result = try cli.run(["import", "scan.json", "--parameter", "n"])
        #expect(result.status == 0, "\(result.stderr)")
        let runs = try exportedRuns()
        #expect(Set(runs.compactMap { $0["parameters"] as? String }) == ["job=job --mode a -n '{workers}'", "job=job --mode b -n '{workers}'"])
        #expect(Set(runs.compactMap { $0["repetition"] as? Int }) == [0, 1])
        let wrong = try cli.run(["import", "scan.json", "--parameter", "workers", "--db", "other.sqlite"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("it has no parameter workers; its parameters are mode, n"))
    }

    @Test func scanOptionsOnAnotherKindOfFileAreAUsageError() throws {
        defer { cli.remove() }
        try Data("runUuid\n".utf8).write(to: URL(fileURLWithPath: cli.path("runs.csv")))
        let result = try cli.run(["import", "runs.csv", "--parameter", "workers"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--parameter and --items apply to a hyperfine scan"))
    }

    /// Opening a FIFO waits for a writer; import refuses it at once instead.
    @Test func importOfANamedPipeIsRefusedAtOnce() throws {
        defer { cli.remove() }
        #expect(mkfifo(cli.path("scan.json"), 0o600) == 0)
        let result = try cli.run(["import", "scan.json"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: cannot read scan.json: it is a named pipe (FIFO), not a file; save what it carries to a file and import that. Pass a file written by `poolbench export`, a poolbench history database, or a `hyperfine --export-json` scan.\n")
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench.sqlite")))
    }

    @Test func aPasswordInTheScansCommandIsNeverStored() throws {
        defer { cli.remove() }
        let scan = #"""
            {"results": [
              {"command": "curl -s http://me:SECRET42@127.0.0.1:9/ -n 1", "times": [1.0], "parameters": {"n": "1"}},
              {"command": "curl -s http://me:SECRET42@127.0.0.1:9/ -n 2", "times": [0.5], "parameters": {"n": "2"}}
            ]}
            """#
        try Data(scan.utf8).write(to: URL(fileURLWithPath: cli.path("scan.json")))
        let imported = try cli.run(["import", "scan.json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let export = try cli.run(["export", "--format", "json"])
        #expect(export.stdout.contains("http://me:***@127.0.0.1:9/"))
        #expect(!export.stdout.contains("SECRET42"))
        let database = try Data(contentsOf: URL(fileURLWithPath: cli.path("poolbench.sqlite")))
        #expect(database.range(of: Data("SECRET42".utf8)) == nil)
    }
}
