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
}
