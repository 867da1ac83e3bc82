import Foundation
import Testing

/// `poolbench run` and `poolbench history` as a person uses them.
@Suite struct RunCLITests {
    /// A tiny sweep: 1 ms sleeps, so the whole thing takes milliseconds.
    static let quick = ["run", "sleep", "--duration", "1ms", "--tasks", "4", "--warmup", "0"]

    @Test func aSweepIsStoredAndSummarised() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(Self.quick + ["--executor", "sequential,pool", "--workers", "1,2", "--repeat", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("★ fastest"))
        #expect(result.stdout.contains("sequential"))
        #expect(result.stderr.isEmpty, "no progress line when stderr is not a terminal")

        let history = try cli.run(["history", "--format", "json"])
        let sweeps = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])["sweeps"] as? [[String: Any]]
        #expect(sweeps?.count == 1)
        #expect(sweeps?.first?["runs"] as? Int == 6)
        #expect(sweeps?.first?["points"] as? Int == 3)
        #expect(sweeps?.first?["status"] as? String == "completed")
    }

    @Test func oneSweepsRunsAreListedWithSweep() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try cli.run(Self.quick + ["--workers", "1", "--repeat", "2", "--label", "first"])
        let runs = try cli.run(["history", "--sweep", "1"])
        #expect(runs.status == 0)
        #expect(runs.stdout.split(separator: "\n").filter { $0.contains(" pool ") }.count == 2)
        let none = try cli.run(["history", "--sweep", "99"])
        #expect(none.status == 1)
        #expect(none.stderr == "Error: no sweep with id 99. List sweeps with `poolbench history`.\n")
    }

    @Test func theJSONSummaryIsForMachines() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(Self.quick + ["--workers", "1,2", "--repeat", "1", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.map { $0["workers"] as? Int } == [1, 2])
        #expect(rows.allSatisfy { $0["throughput"] is Double || $0["throughput"] is Int })
        #expect(json["workload"] as? String == "sleep")
    }

    @Test func everyExecutorRunsThroughTheBinary() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(
            Self.quick + ["--executor", "sequential,threads,pool,dispatch,tasks,processes", "--workers", "2", "--repeat", "1"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        for executor in ["sequential", "threads", "pool", "dispatch", "tasks", "processes"] {
            #expect(result.stdout.contains(executor))
        }
        #expect(!result.stdout.contains("failed"), "\(result.stdout)")
    }

    @Test func cpuAndFileWorkloadsRun() throws {
        let cli = try CLI()
        defer { cli.remove() }
        for arguments in [["cpu", "--size", "1000"], ["file", "--bytes", "4KiB"]] {
            let result = try cli.run(["run"] + arguments + ["--tasks", "4", "--workers", "1,2", "--repeat", "1", "--warmup", "0"])
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test func twoSweepsWritingOneHistoryAtOnceKeepEveryRun() async throws {
        let cli = try CLI()
        defer { cli.remove() }
        let arguments = Self.quick + ["--workers", "1...8", "--repeat", "3"]
        async let first = Task.detached { try cli.run(arguments) }.value
        async let second = Task.detached { try cli.run(arguments) }.value
        let results = try await [first, second]
        for result in results {
            #expect(result.status == 0)
            #expect(!result.stderr.contains("locked"))
        }
        let history = try cli.run(["history", "--format", "json"])
        let sweeps = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])["sweeps"] as? [[String: Any]]
        #expect(sweeps?.compactMap { $0["runs"] as? Int } == [24, 24])
    }

    @Test func ctrlCKeepsFinishedRunsAndMarksTheSweepInterrupted() async throws {
        let cli = try CLI()
        defer { cli.remove() }
        let process = try cli.start(["run", "sleep", "--duration", "50ms", "--tasks", "2", "--workers", "1", "--repeat", "1000", "--warmup", "0"])
        // Wait (bounded) until at least one run is stored, then interrupt.
        var stored = 0
        for _ in 0..<200 where stored == 0 {
            try await Task.sleep(for: .milliseconds(50))
            let history = try cli.run(["history", "--format", "json"])
            if let json = try? JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any],
               let sweeps = json["sweeps"] as? [[String: Any]], let runs = sweeps.first?["runs"] as? Int {
                stored = runs
            }
        }
        try #require(stored > 0, "no run was stored within 10 s")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)

        let history = try cli.run(["history", "--format", "json"])
        let sweep = try #require((try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])?["sweeps"] as? [[String: Any]]).first
        #expect(sweep?["status"] as? String == "interrupted")
        #expect((sweep?["runs"] as? Int ?? 0) >= stored)
    }

    @Test func aFilterThatMatchesNothingSaysSoRatherThanThatTheHistoryIsEmpty() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try cli.run(Self.quick + ["--workers", "1", "--repeat", "1", "--label", "x"])
        let result = try cli.run(["history", "--label", "nothing-here"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("No sweeps match --label nothing-here. Leave out a filter to see more."))
    }

    @Test func historyFiltersNarrowTheSweepsAndADateAloneTakesInTheWholeDay() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try cli.run(Self.quick + ["--workers", "1", "--repeat", "1", "--label", "a"])
        try cli.run(Self.quick + ["--workers", "1", "--repeat", "1", "--label", "b", "--executor", "threads"])
        func labels(_ filters: [String]) throws -> [String] {
            let result = try cli.run(["history", "--format", "json"] + filters)
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            return (object?["sweeps"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }.sorted()
        }
        #expect(try labels([]) == ["a", "b"])
        #expect(try labels(["--label", "b"]) == ["b"])
        #expect(try labels(["--executor", "pool"]) == ["a"])
        #expect(try labels(["--workload", "cpu"]) == [])
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        #expect(try labels(["--since", today, "--until", today]) == ["a", "b"])
        #expect(try labels(["--until", "2000-01-01"]) == [])
    }

    @Test func historyJSONHasTheSameKeysWhetherOrNotAFieldIsKnown() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try cli.run(Self.quick + ["--workers", "1", "--repeat", "1"])
        try cli.run(Self.quick + ["--workers", "1", "--repeat", "1", "--label", "labelled"])
        let result = try cli.run(["history", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let sweeps = try #require(object?["sweeps"] as? [[String: Any]])
        #expect(sweeps.count == 2)
        #expect(Set(sweeps[0].keys) == Set(sweeps[1].keys))
        for key in ["id", "uuid", "status", "startedAt", "finishedAt", "label", "commandLine", "gitCommit", "gitBranch", "host", "runs"] {
            #expect(sweeps.allSatisfy { $0.keys.contains(key) }, "\(key)")
        }
        #expect(sweeps.contains { $0["label"] is NSNull })
    }
}
