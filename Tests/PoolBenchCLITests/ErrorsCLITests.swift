import Foundation
import Testing

/// `best` on a rate-limited API's history, as a person reads it: where the
/// errors start, what they were, and a recommendation below them.
@Suite struct ErrorsCLITests {
    let cli: CLI

    init() throws { cli = try CLI() }

    /// An export of one sweep against an API that serves 8 requests at once:
    /// three runs at each of 1…12 workers, and from 9 workers on 15 tasks
    /// per extra worker refused with 429, while the succeeded tasks'
    /// throughput stays on the plateau.
    static var rateLimitedExport: String {
        let sweep = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa,completed,2026-11-21T08:00:00.000Z,2026-11-21T09:00:00.000Z,"
            + "nightly,poolbench run http,,,bench-1,Debian 12,6.1.0,AMD EPYC,2,25769803776,0.1.0"
        let rows = (1...12).flatMap { workers in
            (0..<3).map { repetition in
                let failed = workers > 8 ? 15 * (workers - 8) : 0
                let throughput = 50 * Double(min(workers, 8)) * [0.99, 1, 1.01][repetition]
                let failures = failed > 0 ? #""{""http 429"":\#(failed)}""# : ""
                return String(format: "%08x-1111-4111-8111-%012x", workers, repetition)
                    + ",2026-11-21T08:00:01.000Z,http,url=http://api.example/,pool,\(workers),\(60 + failed),\(repetition),"
                    + "\(60 / throughput),\(throughput),0.02,0.03,0.04,0.05,0.001,0.002,10485760,200,3,\(failed),"
                    + (failed > 0 ? "GET http://api.example/: status 429" : "") + "," + sweep + ",,,,,," + failures + ",,,"
            }
        }
        return ([ExportImportTests.header] + rows).joined(separator: "\r\n") + "\r\n"
    }

    @Test func bestNamesWhereErrorsStartAndRecommendsBelowThem() throws {
        defer { cli.remove() }
        try Data(Self.rateLimitedExport.utf8).write(to: URL(fileURLWithPath: cli.path("limited.csv")))
        let imported = try cli.run(["import", "limited.csv"])
        #expect(imported.status == 0, "\(imported.stderr)")

        let best = try cli.run(["best"])
        #expect(best.status == 0, "\(best.stderr)")
        #expect(best.stdout.contains("Recommended: 8 workers"), "\(best.stdout)")
        #expect(best.stdout.contains(
            "Errors: From 9 workers, 20% of tasks failed: HTTP 429 Too Many Requests — past what the server accepts, "
                + "so no count from 9 is recommended."
        ), "\(best.stdout)")
        #expect(best.stdout.contains("✗ 20% failed"))

        let json = try cli.run(["best", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let answer = try #require((object?["answers"] as? [[String: Any]])?.first)
        #expect(answer["errorOnsetWorkers"] as? Int == 9)
        #expect(answer["recommendedWorkers"] as? Int == 8)
        #expect((answer["errorKinds"] as? [[String: Any]])?.first?["kind"] as? String == "http 429")
    }

    @Test func trendSaysWhereErrorsStartInTextMarkdownAndJSON() throws {
        defer { cli.remove() }
        try Data(Self.rateLimitedExport.utf8).write(to: URL(fileURLWithPath: cli.path("limited.csv")))
        let imported = try cli.run(["import", "limited.csv"])
        #expect(imported.status == 0, "\(imported.stderr)")

        let text = try cli.run(["trend"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Where errors start"), "\(text.stdout)")
        #expect(text.stdout.contains("From 9 workers, 20% of tasks failed: HTTP 429 Too Many Requests"), "\(text.stdout)")

        let markdown = try cli.run(["trend", "--format", "markdown"])
        #expect(markdown.stdout.contains("From 9 workers, 20% of tasks failed: HTTP 429 Too Many Requests |"), "\(markdown.stdout)")

        let json = try cli.run(["trend", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let group = try #require((object?["recommendations"] as? [[String: Any]])?.first)
        #expect(group["errorOnsetWorkers"] as? Int == 9)
        #expect(group["errorOnsetRate"] as? Double == 0.2)
        #expect((group["errorKinds"] as? [[String: Any]])?.first?["kind"] as? String == "http 429")
        let sweeps = try #require(group["errorsBySweep"] as? [[String: Any]])
        #expect(sweeps.count == 1)
        #expect(sweeps.first?["errorOnsetWorkers"] as? Int == 9)
    }

    @Test func trendOfAnErrorFreeSeriesHasNoOnsetAndSaysNothingOfErrors() throws {
        defer { cli.remove() }
        let run = try cli.run(["run", "sleep", "--duration", "1ms", "--workers", "1,2", "--tasks", "4", "--repeat", "1", "--warmup", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try cli.run(["trend"])
        #expect(!text.stdout.contains("Where errors start"), "\(text.stdout)")
        let json = try cli.run(["trend", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let group = try #require((object?["recommendations"] as? [[String: Any]])?.first)
        #expect(group["errorOnsetWorkers"] is NSNull)
        #expect((group["errorKinds"] as? [Any])?.isEmpty == true)
    }

    @Test func aMaxErrorRateOutsideZeroToOneIsAUsageError() throws {
        defer { cli.remove() }
        let result = try cli.run(["best", "--max-error-rate", "150%"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--max-error-rate '150%' must be from 0% to below 100%, e.g. 1% or 0.01."), "\(result.stderr)")
        let words = try cli.run(["tune", "sleep", "--max-error-rate", "some"])
        #expect(words.status == 64)
        #expect(words.stderr.contains("--max-error-rate 'some' is not a number"), "\(words.stderr)")
    }
}
