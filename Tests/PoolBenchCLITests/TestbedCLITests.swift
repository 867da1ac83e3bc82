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
        #expect(lines.first?.hasSuffix(",bytesReceived,machineCpuSeconds,otherCpuSeconds,stealSeconds,testbed") == true)
        #expect(lines.dropFirst().map { $0.components(separatedBy: ",").last ?? "?" }.sorted() == ["", "ci-large", "ci-small"])

        try Data(export.utf8).write(to: URL(fileURLWithPath: cli.path("runs.csv")))
        #expect(try cli.run(["import", "runs.csv", "--db", "copy.sqlite"]).status == 0)
        #expect(try sweepCount(["--db", "copy.sqlite", "--testbed", "ci-small"]) == 1)

        // An export from before the column imports with the testbed unknown.
        let earlier = lines.map { String($0[..<$0.lastIndex(of: ",")!]) }.joined(separator: "\r\n") + "\r\n"
        try Data(earlier.utf8).write(to: URL(fileURLWithPath: cli.path("earlier.csv")))
        #expect(try cli.run(["import", "earlier.csv", "--db", "earlier.sqlite"]).status == 0)
        #expect(try sweepCount(["--db", "earlier.sqlite"]) == 3)
        #expect(try sweepCount(["--db", "earlier.sqlite", "--testbed", "ci-large"]) == 0)
    }
}
