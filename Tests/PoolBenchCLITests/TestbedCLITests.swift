import Foundation
import Testing

/// `--testbed NAME`: stored on the sweep, filtered on like `--host`, and
/// carried through export and import as the last column.
@Suite struct TestbedCLITests {
    let cli: CLI

    init() throws { cli = try CLI() }

    func sweepCount(_ arguments: [String]) throws -> Int {
        let history = try cli.run(["history", "--format", "json"] + arguments)
        let json = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
        return (json?["sweeps"] as? [[String: Any]])?.count ?? 0
    }

    @Test func aTestbedIsStoredFilteredOnExportedAndImported() throws {
        defer { cli.remove() }
        let sweep = ["run", "sleep", "--duration", "1ms", "--tasks", "1", "--workers", "1", "--repeat", "1", "--warmup", "0", "--db", "h.sqlite"]
        #expect(try cli.run(sweep + ["--testbed", "ci-large"]).status == 0)
        #expect(try cli.run(sweep, environment: ["POOLBENCH_TESTBED": "ci-small"]).status == 0)
        #expect(try cli.run(sweep).status == 0)
        #expect(try sweepCount(["--db", "h.sqlite"]) == 3)
        #expect(try sweepCount(["--db", "h.sqlite", "--testbed", "ci-large"]) == 1)
        #expect(try sweepCount(["--db", "h.sqlite", "--testbed", "ci-small"]) == 1)
        #expect(try cli.run(sweep + ["--testbed", ""]).status == 64)

        let export = try cli.run(["export", "--raw", "--db", "h.sqlite"]).stdout
        let lines = export.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first?.hasSuffix(",bytesReceived,machineCpuSeconds,otherCpuSeconds,stealSeconds,testbed,failures,failedLatencyP50,steadyThroughput,workloadSpec") == true)
        #expect(lines.dropFirst().map { $0.components(separatedBy: ",").dropLast(4).last ?? "?" }.sorted() == ["", "ci-large", "ci-small"])

        try Data(export.utf8).write(to: URL(fileURLWithPath: cli.path("runs.csv")))
        #expect(try cli.run(["import", "runs.csv", "--db", "copy.sqlite"]).status == 0)
        #expect(try sweepCount(["--db", "copy.sqlite", "--testbed", "ci-small"]) == 1)

        // An export from before the column (and the columns after it) imports with the testbed unknown.
        let earlier = lines.map { line in
            var line = Substring(line)
            for _ in 0..<5 { line = line[..<line.lastIndex(of: ",")!] }
            return String(line)
        }.joined(separator: "\r\n") + "\r\n"
        try Data(earlier.utf8).write(to: URL(fileURLWithPath: cli.path("earlier.csv")))
        #expect(try cli.run(["import", "earlier.csv", "--db", "earlier.sqlite"]).status == 0)
        #expect(try sweepCount(["--db", "earlier.sqlite"]) == 3)
        #expect(try sweepCount(["--db", "earlier.sqlite", "--testbed", "ci-large"]) == 0)
    }

    /// Runs `sql` on the history `poolbench.sqlite` through Python's sqlite3.
    func execute(_ sql: String) throws {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = [
            "python3", "-c", "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.close()",
            cli.path("poolbench.sqlite"), sql,
        ]
        try python.run()
        python.waitUntilExit()
        try #require(python.terminationStatus == 0)
    }

    /// Hosted CI: each nightly sweep on a runner of a new name, all with
    /// `--testbed ci`; then one sweep without a testbed on the first runner.
    @Test func bestAndTrendKeepATestbedsSweepsOneSeriesAcrossHostNames() throws {
        defer { cli.remove() }
        let curve = AnswersCLITests.capacity16(1...24)
        try AnswersCLITests.history(cli, [.init(curve), .init(curve), .init(curve)])
        try execute("""
            INSERT INTO host (name, os, kernel, cpuModel, logicalCores, memoryBytes, poolbenchVersion)
                SELECT 'runner-' || n, os, kernel, cpuModel, logicalCores, memoryBytes, poolbenchVersion
                FROM host, (SELECT 'a' AS n UNION SELECT 'b') WHERE host.id = (SELECT min(id) FROM host);
            UPDATE sweep SET hostId = (SELECT id FROM host WHERE name = 'runner-a') WHERE id IN (1, 3);
            UPDATE sweep SET hostId = (SELECT id FROM host WHERE name = 'runner-b') WHERE id = 2;
            UPDATE sweep SET testbed = 'ci' WHERE id IN (1, 2);
            """ + AnswersCLITests.seriesSweepFromRuns)

        let trend = try JSONSerialization.jsonObject(with: Data(try cli.run(["trend", "--format", "json"]).stdout.utf8))
        let series = try #require((trend as? [String: Any])?["series"] as? [[String: Any]])
        let ci = series.filter { $0["testbed"] as? String == "ci" }
        #expect(ci.count == 24 && ci.allSatisfy { ($0["sweeps"] as? [Any])?.count == 2 && $0["host"] as? String == "runner-b" })
        let alone = series.filter { $0["testbed"] is NSNull }
        #expect(alone.count == 24 && alone.allSatisfy { ($0["sweeps"] as? [Any])?.count == 1 && $0["host"] as? String == "runner-a" })

        let text = try cli.run(["trend", "--testbed", "ci"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("testbed ci") && !text.stdout.contains("runner-a"))
        #expect(!text.stdout.contains("Warning: testbed"), "both runners have the same cores and CPU")

        let best = try cli.run(["best"])
        #expect(best.status == 0, "\(best.stderr)")
        #expect(best.stdout.contains("sleep duration=20ms capacity=16 · pool · testbed ci\n"))
        #expect(best.stdout.contains("sleep duration=20ms capacity=16 · pool · runner-a\n"))

        try execute("UPDATE host SET logicalCores = logicalCores + 2 WHERE name = 'runner-b';")
        let mixed = try cli.run(["trend", "--testbed", "ci"])
        #expect(mixed.stdout.contains("Warning: testbed ci ran on 2 hosts that differ ("), "\(mixed.stdout)")
    }
}
