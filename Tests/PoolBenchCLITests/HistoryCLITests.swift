import Foundation
import Testing

/// `poolbench history` on a history longer than a screen.
@Suite struct HistoryCLITests {
    /// 22 sweeps, an hour apart, labelled s0 (oldest) to s21.
    static func longHistory(_ cli: CLI) throws {
        let sweeps = (0..<22).map { AnswersCLITests.Sweep(label: "s\($0)", [1: 50, 2: 100]) }
        try AnswersCLITests.history(cli, sweeps)
    }

    static func labels(_ result: CLI.Result) throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let sweeps = try #require(object["sweeps"] as? [[String: Any]])
        return sweeps.compactMap { $0["label"] as? String }
    }

    @Test func historyShowsTheNewestTwentySweepsAndSaysHowManyMoreThereAre() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.longHistory(cli)

        let table = try cli.run(["history"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(!table.stdout.contains(" s0 ") && !table.stdout.contains(" s1 "))
        #expect(table.stdout.contains(" s2 ") && table.stdout.contains(" s21 "))
        #expect(table.stdout.contains("The newest 20 of 22 sweeps; pass --last N for more, or --all for every one."))

        let json = try cli.run(["history", "--format", "json"])
        #expect(try Self.labels(json) == (2..<22).map { "s\($0)" })
        #expect(json.stdout.contains("\"matchingSweeps\" : 22"))
    }

    @Test func lastAndAllChooseHowManySweepsHistoryShows() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try Self.longHistory(cli)

        #expect(try Self.labels(cli.run(["history", "--format", "json", "--last", "3"])) == ["s19", "s20", "s21"])
        #expect(try Self.labels(cli.run(["history", "--format", "json", "--all"])).count == 22)
        let all = try cli.run(["history", "--all"])
        #expect(!all.stdout.contains("The newest"))
        let filtered = try cli.run(["history", "--last", "2", "--label", "s7"])
        #expect(filtered.stdout.contains(" s7 "))
        #expect(!filtered.stdout.contains("The newest"))
    }

    @Test func lastAndAllTogetherAreAUsageError() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let both = try cli.run(["history", "--all", "--last", "5"])
        #expect(both.status == 64)
        #expect(both.stderr.contains("pass either --last N or --all, not both."))
        let zero = try cli.run(["history", "--last", "0"])
        #expect(zero.status == 64)
        #expect(zero.stderr.contains("--last must be at least 1; got 0."))
    }
}
