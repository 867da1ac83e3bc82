import Foundation
import Testing

/// Long labels, labels in another Unicode form, negative durations and leap
/// seconds, as a person types them.
@Suite struct TextAndTimeCLITests {
    static let quick = ["run", "sleep", "--duration", "1ms", "--tasks", "2", "--workers", "1,2", "--repeat", "1", "--warmup", "0"]

    /// A 120 KB label used to make every row of `history` 120,083
    /// characters wide; now its cell is cut, and JSON and CSV keep it whole.
    @Test func aLongLabelIsCutInTablesAndKeptWholeElsewhere() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let long = String(repeating: "0123456789", count: 12_000)
        try #require(try cli.run(Self.quick + ["--label", long]).status == 0)
        try #require(try cli.run(Self.quick + ["--label", "short"]).status == 0)
        let history = try cli.run(["history"])
        #expect(history.status == 0, "\(history.stderr)")
        let lines = history.stdout.split(separator: "\n")
        #expect(lines.count == 4, "\(history.stdout.prefix(2000))")
        #expect(lines.allSatisfy { $0.count < 200 }, "widest line: \(lines.map(\.count).max() ?? 0)")
        #expect(history.stdout.contains(String(long.prefix(59)) + "…"))
        let json = try cli.run(["history", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let labels = (object?["sweeps"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
        #expect(labels.contains(long))
        #expect(try cli.run(["export"]).stdout.contains(long))
    }

    /// `café` typed with é (U+00E9) finds a sweep labelled with e and a
    /// combining accent, in every command that takes the filters.
    @Test func aLabelAndTestbedInAnotherUnicodeFormMatch() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let (decomposed, composed) = ("cafe\u{301}", "caf\u{E9}")
        try #require(try cli.run(Self.quick + ["--label", decomposed, "--testbed", "lab-" + decomposed]).status == 0)
        try #require(try cli.run(Self.quick + ["--label", "other"]).status == 0)
        let history = try cli.run(["history", "--label", composed, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any]
        let labels = (object?["sweeps"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
        #expect(labels.map { Array($0.unicodeScalars) } == [Array(decomposed.unicodeScalars)], "matched, and shown as stored")
        for filters in [["--label", composed], ["--testbed", "lab-" + composed]] {
            let best = try cli.run(["best", "--format", "json"] + filters)
            #expect(best.status == 0, "\(filters): \(best.stderr)")
            let export = try cli.run(["export"] + filters)
            #expect(export.stdout.split(whereSeparator: \.isNewline).count == 3, "a header and two runs, \(filters)")
        }
        let compare = try cli.run(["compare", composed, "other"])
        #expect(compare.status == 0, "\(compare.stderr)")
        let help = try cli.run(["history", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("--label <label> Only sweeps recorded with this label (in any Unicode form"), "\(help)")
    }

    @Test(arguments: [
        (["serve", "--latency", "-1s"], "--latency '-1s' is negative; give a duration of 0 or more, like 20ms or 1.5s."),
        (["serve", "--latency=-1s"], "--latency '-1s' is negative; give a duration of 0 or more, like 20ms or 1.5s."),
        (["serve", "--latency", "soon"], "--latency 'soon' is not a duration; use a number with a unit, like 20ms or 1.5s."),
        (["run", "http", "--url", "http://127.0.0.1:1/", "--timeout", "-1s"], "--timeout '-1s' is negative"),
        (["run", "sleep", "--repeat", "auto", "--time-budget", "-2m"], "--time-budget '-2m' is negative"),
        (["run", "sleep", "--repeat", "auto", "--time-budget=-2m"], "--time-budget '-2m' is negative"),
    ])
    func aNegativeDurationIsToldSoWhicheverWayItIsWritten(arguments: [String], message: String) throws {
        try CLI.expectUsageError(arguments, message)
    }

    /// 23:59:60 is a leap second, the last of its day; :60 of any other
    /// minute is no time at all, and is refused like one.
    @Test func aLeapSecondEndsItsDayAndSecondSixtyElsewhereIsRefused() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try #require(try cli.run(Self.quick).status == 0)
        for flag in ["--since", "--until"] {
            let leap = try cli.run(["history", flag, "2016-12-31T23:59:60"])
            #expect(leap.status == 0, "\(flag): \(leap.stderr)")
            let bad = try cli.run(["history", flag, "2026-11-21T12:59:60"])
            #expect(bad.status == 64)
            #expect(bad.stderr.contains("\(flag) '2026-11-21T12:59:60' is not a time"), "\(bad.stderr)")
        }
        // The leap second ends its day: a run today is after it.
        let after = try cli.run(["history", "--since", "2016-12-31T23:59:60", "--format", "json"])
        #expect(after.stdout.contains("\"uuid\""))
    }
}
