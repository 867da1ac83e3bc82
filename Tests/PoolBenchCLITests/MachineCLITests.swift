import Foundation
import Testing

/// The latency limit, the noisy server and the machine's load, run as a person would.
@Suite struct MachineCLITests {
    @Test(arguments: [
        (["best", "--max-p99", "soon"], "--max-p99 'soon' is not a positive duration; use a number with a unit, like 50ms or 1.5s."),
        (["best", "--max-p99", "0ms"], "--max-p99 '0ms' is not a positive duration"),
        (["tune", "sleep", "--max-p99", "-5ms"], "--max-p99 '-5ms' is not a positive duration"),
        (["serve", "--latency-cv", "-1"], "--latency-cv must be from 0 to 10, e.g. 0.5; got -1.0."),
        (["serve", "--latency-cv", "nan"], "--latency-cv must be from 0 to 10"),
    ])
    func badLimitsAndNoiseAreUsageErrors(arguments: [String], message: String) throws {
        try CLI.expectUsageError(arguments, message)
    }

    @Test func aRunRecordsTheMachinesLoadAndBestSaysWhenNoCountMeetsALimit() throws {
        let cli = try CLI()
        defer { cli.remove() }
        // Every task sleeps 2 ms, so no run's p99 can be within 1 ms.
        let run = try cli.run([
            "run", "sleep", "--duration", "2ms", "--capacity", "2", "--workers", "1,2,4", "--tasks", "4", "--repeat", "2",
            "--warmup", "0",
        ])
        try #require(run.status == 0, "\(run.stderr)")
        let export = try cli.run(["export", "--format", "json"]).stdout.split(separator: "\n")
        let first = try #require(try JSONSerialization.jsonObject(with: Data(export[0].utf8)) as? [String: Any])
        #expect(first["machineCpuSeconds"] is Double && first["otherCpuSeconds"] is Double && first["stealSeconds"] is Double)

        let best = try cli.run(["best", "--max-p99", "1ms"])
        #expect(best.status == 0)
        let lines = best.stdout.split(separator: "\n").filter { $0.hasPrefix("Under p99") }
        #expect(lines.count == 1 && lines[0].hasPrefix("Under p99 ≤ 1ms: no tested worker count meets the limit"), "\(best.stdout)")
        let json = try cli.run(["best", "--max-p99", "1ms", "--format", "json"])
        let answer = try #require(
            ((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["answers"] as? [[String: Any]])?.first
        )
        #expect(answer["latencyLimit"] as? Double == 0.001)
        #expect(answer["limitedWorkers"] is NSNull && answer["limitedBand"] is NSNull)
        #expect(answer["recommendedWorkers"] is Int, "the unconstrained knee is still there")
    }

    @Test func runAnswersUnderALimitBesideTheKnee() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let run = try cli.run([
            "run", "sleep", "--duration", "1ms", "--capacity", "2", "--workers", "1,2,4", "--tasks", "4", "--warmup", "0",
            "--max-p99", "1h", "--format", "json",
        ])
        try #require(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let limited = try #require((report["answers"] as? [[String: Any]])?.first?["latencyLimited"] as? [String: Any])
        #expect(limited["latencyLimit"] as? Double == 3600)
        #expect(limited["limitedWorkers"] is Int && limited["settled"] is Bool)
        #expect((limited["points"] as? [[String: Any]])?.allSatisfy { $0["verdict"] as? String == "meets" } == true)
    }

    @Test func tuneRepeatAutoJudgesEveryProbedCountAgainstTheLimit() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let tune = try cli.run([
            "tune", "sleep", "--duration", "1ms", "--capacity", "2", "--max-workers", "8", "--tasks", "4", "--warmup", "0",
            "--max-p99", "1h", "--format", "json",
        ])
        try #require(tune.status == 0, "\(tune.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(tune.stdout.utf8)) as? [String: Any])
        let limited = try #require(report["latencyLimited"] as? [String: Any])
        let points = try #require(limited["points"] as? [[String: Any]])
        #expect(!points.isEmpty && points.allSatisfy { $0["verdict"] as? String == "meets" }, "\(points)")
        #expect(report["limitedWorkers"] is Int && report["limitedSettled"] as? Bool == limited["settled"] as? Bool)
    }

    @Test func tuneAnswersUnderALimitFromItsOwnProbes() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let tune = try cli.run([
            "tune", "sleep", "--duration", "1ms", "--capacity", "2", "--max-workers", "8", "--tasks", "4", "--repeat", "2",
            "--warmup", "0", "--max-p99", "1h", "--format", "json",
        ])
        try #require(tune.status == 0, "\(tune.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(tune.stdout.utf8)) as? [String: Any])
        #expect(report["latencyLimit"] as? Double == 3600)
        let limited = try #require(report["limitedWorkers"] as? Int)
        #expect((report["probeOrder"] as? [Int])?.contains(limited) == true)
        #expect((report["limitedBand"] as? [Int])?.count == 2)
    }
}
