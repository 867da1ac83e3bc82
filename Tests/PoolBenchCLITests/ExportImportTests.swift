import Foundation
import SwiftCSV
import Testing

/// `poolbench export` and `poolbench import`, run as a person would. The
/// history is made by importing a CSV written here by hand, in exactly the
/// form export writes, so the first test is also the column contract.
@Suite struct ExportImportTests {
    static let header = """
        runUuid,startedAt,workload,parameters,executor,workers,tasks,repetition,wallSeconds,throughput,\
        latencyP50,latencyP90,latencyP99,latencyMax,cpuUserSeconds,cpuSystemSeconds,peakRssBytes,\
        voluntaryContextSwitches,involuntaryContextSwitches,errorCount,firstError,sweepUuid,sweepStatus,\
        sweepStartedAt,sweepFinishedAt,label,commandLine,gitCommit,gitBranch,hostName,hostOs,hostKernel,\
        hostCpuModel,hostLogicalCores,hostMemoryBytes,hostPoolbenchVersion,bytesReceived,machineCpuSeconds,\
        otherCpuSeconds,stealSeconds,testbed,failures,failedLatencyP50,steadyThroughput,workloadSpec
        """
    static let sweepA = """
        aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa,completed,2026-11-21T08:00:00.000Z,2026-11-21T08:00:05.000Z,\
        =SUM(A1:A9),poolbench run sleep --label =SUM(A1:A9),0123abc,main,bench-1,Debian 12,6.1.0,AMD EPYC,2,\
        25769803776,0.1.0
        """
    static let sweepB = """
        bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb,interrupted,2026-11-21T09:00:00.000Z,,\
        "two
        lines, ""quoted"" — Zürich 東京",poolbench run cpu,,,bench-2,Debian 12,6.1.0,AMD EPYC,2,25769803776,0.1.0
        """
    static let rows = [
        "11111111-1111-4111-8111-111111111111,2026-11-21T08:00:01.000Z,sleep,duration=10ms,pool,4,100,0,0.25,400.0,"
            + "0.01,0.011,0.012,0.02,0.001,0.002,10485760,200,3,0,," + sweepA + ",,0.75,0.5,0.01,ci-large,,,380.0," + spec,
        "22222222-2222-4222-8222-222222222222,2026-11-21T08:00:02.500Z,sleep,duration=10ms,threads,8,100,1,0.125,"
            + "800.0,,,,,,,,,,0,," + sweepA + ",1310720,,,,ci-large,,,," + spec,
        "33333333-3333-4333-8333-333333333333,2026-11-21T09:00:00.123Z,cpu,\"\",tasks,1,7,0,1e-05,700000.0,"
            + ",,,,,,,,,2,-boom," + sweepB + #",,,,,,"{""exit 3"":2}",0.5,,"#,
    ]
    /// The sleep runs' workload as stored; the cpu run was recorded before
    /// specs were kept.
    static let spec = #""{""sleep"":{""duration"":0.01}}""#
    /// What `export --raw` writes for the three runs: RFC 4180 with CRLF
    /// row ends (the line break inside the quoted label stays LF).
    static let rawCSV = ([header] + rows).joined(separator: "\r\n") + "\r\n"
    /// What `export` writes: a byte order mark, and formula-like text
    /// behind an apostrophe.
    static let neutralisedCSV = "\u{FEFF}" + rawCSV
        .replacingOccurrences(of: ",=SUM(A1:A9),", with: ",'=SUM(A1:A9),")
        .replacingOccurrences(of: ",-boom,", with: ",'-boom,")

    let cli: CLI

    init() throws { cli = try CLI() }

    /// A history holding the three runs, imported from the hand-written CSV.
    func history(_ name: String = "h.sqlite") throws -> String {
        try write(Self.rawCSV, to: "runs.csv")
        let result = try cli.run(["import", "runs.csv", "--db", name])
        #expect(result.status == 0, "\(result.stderr)")
        return name
    }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: cli.path(name)))
    }

    func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: cli.path(name))), as: UTF8.self)
    }

    /// The bytes of files, to show a failed command changed nothing.
    func bytes(_ names: [String]) -> [Data?] {
        names.map { try? Data(contentsOf: URL(fileURLWithPath: cli.path($0))) }
    }

    /// Everything a history holds, as text: every field of every run with
    /// its sweep and host. (Its file's bytes change whenever it is opened,
    /// import or not: GRDB makes sure a write-ahead log exists.)
    func contents(_ db: String) throws -> String {
        try cli.run(["export", "--db", db, "--raw"]).stdout + cli.run(["export", "--db", db, "--format", "json"]).stdout
    }

    /// Files in the scratch directory, but for the CLI helper's own.
    func files() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: cli.directory.path).filter { !$0.hasPrefix(".std") })
    }

    /// Runs a command that must fail, checking it says so in one line.
    func failure(_ arguments: [String], status: Int32 = 1) throws -> String {
        let result = try cli.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stdout)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
        return result.stderr
    }

    // MARK: - Export

    @Test func exportWritesOneRowPerRunWithTheDocumentedColumnsToStandardOutput() throws {
        defer { cli.remove() }
        let db = try history()
        let raw = try cli.run(["export", "--db", db, "--raw"])
        #expect(raw.status == 0)
        #expect(raw.stdout == Self.rawCSV)
        #expect(raw.stderr.isEmpty)
        #expect(try cli.run(["export", "--db", db]).stdout == Self.neutralisedCSV)
    }

    @Test func filtersNarrowTheExport() throws {
        defer { cli.remove() }
        let db = try history()
        let expected = ([Self.header, Self.rows[1]]).joined(separator: "\r\n") + "\r\n"
        #expect(try cli.run(["export", "--db", db, "--raw", "--executor", "threads"]).stdout == expected)
        #expect(try cli.run(["export", "--db", db, "--raw", "--host", "bench-2"]).stdout.hasSuffix(Self.rows[2] + "\r\n"))
        #expect(try cli.run(["export", "--db", db, "--raw", "--since", "2026-11-22"]).stdout == Self.header + "\r\n")
    }

    @Test func anIndependentParserReadsTheExportBackIncludingTheAwkwardLabel() throws {
        defer { cli.remove() }
        let db = try history()
        let csv = try EnumeratedCSV(string: try cli.run(["export", "--db", db]).stdout, delimiter: .comma, loadColumns: false)
        #expect(csv.header.count == 45 && csv.header.first == "runUuid")
        #expect(csv.rows.count == 3)
        let label = csv.header.firstIndex(of: "label")!
        #expect(csv.rows.map { $0[label] } == ["'=SUM(A1:A9)", "'=SUM(A1:A9)", "two\nlines, \"quoted\" — Zürich 東京"])
        #expect(csv.rows[2][csv.header.firstIndex(of: "firstError")!] == "'-boom")
        #expect(csv.rows[2][csv.header.firstIndex(of: "wallSeconds")!] == "1e-05")
    }

    @Test func outputGoesToTheFileWhichIsReplacedWhole() throws {
        defer { cli.remove() }
        let db = try history()
        try write("old contents\n", to: "out.csv")
        let result = try cli.run(["export", "--db", db, "--output", "out.csv"])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(try read("out.csv") == Self.neutralisedCSV)
        #expect(!(try files()).contains { $0.hasSuffix(".tmp") })
    }

    @Test func jsonIsOneObjectPerRunWithNumbersAsNumbersAndNullsForUnknowns() throws {
        defer { cli.remove() }
        let db = try history()
        let result = try cli.run(["export", "--db", db, "--format", "json"])
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.map { $0["runUuid"] as? String } == [
            "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333",
        ])
        #expect(objects[0]["workers"] as? Int == 4)
        #expect(objects[0]["throughput"] as? Double == 400)
        #expect(objects[1]["latencyP50"] is NSNull)
        #expect(objects[2]["label"] as? String == "two\nlines, \"quoted\" — Zürich 東京")
        #expect(objects[2]["parameters"] as? String == "")
        #expect(objects[2]["sweepFinishedAt"] is NSNull)
        #expect(objects[2]["firstError"] as? String == "-boom")
        #expect(lines[2].contains(#""wallSeconds":1e-05,"throughput":700000.0,"#))
        #expect(objects[0]["steadyThroughput"] as? Double == 380)
        #expect(objects[1]["steadyThroughput"] is NSNull)
    }

    // MARK: - Import

    @Test func importingTheSameFileTwiceAddsNothingTheSecondTime() throws {
        defer { cli.remove() }
        try write(Self.neutralisedCSV, to: "runs.csv")
        let first = try cli.run(["import", "runs.csv"])
        #expect(first.status == 0)
        #expect(first.stdout == "Imported runs.csv: 2 sweeps and 3 runs new; 0 sweeps and 0 runs already present.\n")
        let second = try cli.run(["import", "runs.csv"])
        #expect(second.stdout == "Imported runs.csv: 0 sweeps and 0 runs new; 2 sweeps and 3 runs already present.\n")
        #expect(try cli.run(["export", "--raw"]).stdout == Self.rawCSV)
    }

    /// The rows as an earlier poolbench wrote them: without the last `count` columns.
    func earlierExport(droppingLast count: Int) -> String {
        func drop(_ line: String) -> String {
            var line = Substring(line)
            for _ in 0..<count { line = line[..<line.lastIndex(of: ",")!] }
            return String(line)
        }
        return ([drop(Self.header)] + Self.rows.map(drop)).joined(separator: "\r\n") + "\r\n"
    }

    /// The first run's steady throughput, unknown (the other runs have none).
    static func withoutSteady(_ csv: String) -> String {
        csv.replacingOccurrences(of: ",ci-large,,,380.0,", with: ",ci-large,,,,")
    }

    @Test func anExportFromBeforeSteadyThroughputImportsWithItUnknown() throws {
        defer { cli.remove() }
        try write(earlierExport(droppingLast: 2), to: "earlier.csv")
        let result = try cli.run(["import", "earlier.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try cli.run(["export", "--raw"]).stdout == Self.withoutSpecs(Self.withoutSteady(Self.rawCSV)))
    }

    @Test func anExportFromBeforeBytesReceivedImportsWithThatColumnUnknown() throws {
        defer { cli.remove() }
        try write(earlierExport(droppingLast: 9), to: "earlier.csv")
        let result = try cli.run(["import", "earlier.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 sweeps and 3 runs new"))
        let expected = Self.withoutSpecs(Self.withoutSteady(Self.withoutFailures(Self.rawCSV)))
            .replacingOccurrences(of: ",1310720,,,,ci-large,,,,\r\n", with: ",,,,,,,,,\r\n")
            .replacingOccurrences(of: ",0.75,0.5,0.01,ci-large,,,,\r\n", with: ",,,,,,,,\r\n")
        #expect(try cli.run(["export", "--raw"]).stdout == expected)
    }

    @Test func anExportFromBeforeTheMachineLoadImportsWithThoseColumnsUnknown() throws {
        defer { cli.remove() }
        try write(earlierExport(droppingLast: 8), to: "earlier.csv")
        let result = try cli.run(["import", "earlier.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = Self.withoutSpecs(Self.withoutSteady(Self.withoutFailures(Self.rawCSV)))
            .replacingOccurrences(of: ",0.75,0.5,0.01,ci-large,,,,\r\n", with: ",,,,,,,,\r\n")
            .replacingOccurrences(of: ",ci-large,,,,\r\n", with: ",,,,,\r\n")
        #expect(try cli.run(["export", "--raw"]).stdout == expected)
        let json = try cli.run(["export", "--format", "json"]).stdout.split(separator: "\n")
        #expect(json[0].hasSuffix(
            #""bytesReceived":null,"machineCpuSeconds":null,"otherCpuSeconds":null,"stealSeconds":null,"testbed":null,"#
                + #""failures":null,"failedLatencyP50":null,"steadyThroughput":null,"workloadSpec":null}"#
        ))
    }

    /// The third row's failures by kind and failed-task median, unknown.
    static func withoutFailures(_ csv: String) -> String {
        csv.replacingOccurrences(of: #","{""exit 3"":2}",0.5,,\#r\#n"#, with: ",,,,\r\n")
    }

    /// The sleep rows' workload spec, unknown.
    static func withoutSpecs(_ csv: String) -> String {
        csv.replacingOccurrences(of: "," + spec + "\r\n", with: ",\r\n")
    }

    @Test func anExportFromBeforeWorkloadSpecsImportsWithThemUnknown() throws {
        defer { cli.remove() }
        try write(earlierExport(droppingLast: 1), to: "earlier.csv")
        let result = try cli.run(["import", "earlier.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try cli.run(["export", "--raw"]).stdout == Self.withoutSpecs(Self.rawCSV))
    }

    @Test func aWorkloadSpecSurvivesExportAndImportAndADamagedOneIsRefused() throws {
        defer { cli.remove() }
        let db = try history()
        let json = try cli.run(["export", "--db", db, "--format", "json"]).stdout.split(separator: "\n")
        #expect(json.first?.hasSuffix(#""workloadSpec":"{\"sleep\":{\"duration\":0.01}}"}"#) == true, "\(json)")
        try write(Self.rawCSV.replacingOccurrences(of: #"duration"":0.01"#, with: #"duration"":""ten"""#), to: "bad.csv")
        let refused = try cli.run(["import", "bad.csv", "--db", "other.sqlite"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("column workloadSpec"), "\(refused.stderr)")
    }

    @Test func anExportFromBeforeFailureKindsImportsWithThemUnknown() throws {
        defer { cli.remove() }
        try write(earlierExport(droppingLast: 4), to: "earlier.csv")
        let result = try cli.run(["import", "earlier.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try cli.run(["export", "--raw"]).stdout == Self.withoutSpecs(Self.withoutSteady(Self.withoutFailures(Self.rawCSV))))
    }

    @Test func failureKindsSurviveExportAndImportAndDamagedOnesAreRefused() throws {
        defer { cli.remove() }
        let db = try history()
        let json = try cli.run(["export", "--db", db, "--format", "json"]).stdout.split(separator: "\n")
        let third = try #require(json.count == 3 ? json[2] : nil)
        #expect(third.hasSuffix(#""failures":"{\"exit 3\":2}","failedLatencyP50":0.5,"steadyThroughput":null,"workloadSpec":null}"#), "\(third)")
        try write(Self.rawCSV.replacingOccurrences(of: #""{""exit 3"":2}""#, with: #""{""exit 3"":-2}""#), to: "bad.csv")
        let refused = try cli.run(["import", "bad.csv", "--db", "other.sqlite"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("column failures"), "\(refused.stderr)")
    }

    @Test func exportImportExportGivesTheSameBytes() throws {
        defer { cli.remove() }
        let db = try history()
        for (format, flags) in [("csv", []), ("csv", ["--raw"]), ("json", [])] {
            try #require(try cli.run(["export", "--db", db, "--format", format, "--output", "first"] + flags).status == 0)
            try? FileManager.default.removeItem(atPath: cli.path("copy.sqlite"))
            if format == "csv" {
                #expect(try cli.run(["import", "first", "--db", "copy.sqlite"]).status == 0)
            } else {
                #expect(try cli.run(["import", db, "--db", "copy.sqlite"]).status == 0)
            }
            let second = try cli.run(["export", "--db", "copy.sqlite", "--format", format] + flags)
            #expect(second.stdout == (try read("first")), "\(format) \(flags)")
        }
    }

    @Test func anotherHistoryIsMergedIntoThisOneAndLeftAsItWas() throws {
        defer { cli.remove() }
        let team = try history("team.sqlite")
        let before = bytes([team])
        let result = try cli.run(["import", team, "--db", "mine.sqlite"])
        #expect(result.stdout == "Imported team.sqlite: 2 sweeps and 3 runs new; 0 sweeps and 0 runs already present.\n")
        #expect(try cli.run(["import", team, "--db", "mine.sqlite"]).stdout.contains("2 sweeps and 3 runs already present"))
        #expect(bytes([team]) == before)
        #expect(try cli.run(["export", "--db", "mine.sqlite", "--raw"]).stdout == Self.rawCSV)
    }

    @Test func aNeutralisedExportThatLostItsMarkImportsOnlyOnceTheUserSaysHowItWasWritten() throws {
        defer { cli.remove() }
        try write(String(Self.neutralisedCSV.dropFirst()), to: "stripped.csv")
        let refused = try cli.run(["import", "stripped.csv", "--db", "h.sqlite"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("column label: ''=SUM(A1:A9)' starts with ' before a formula character"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        let afterRefusal = try cli.run(["export", "--db", "h.sqlite", "--raw"])
        #expect(afterRefusal.stdout.split(separator: "\r\n").count <= 1, "nothing was imported: \(afterRefusal.stdout)")

        #expect(try cli.run(["import", "stripped.csv", "--db", "h.sqlite", "--neutralised", "yes"]).status == 0)
        #expect(try cli.run(["export", "--db", "h.sqlite", "--raw"]).stdout == Self.rawCSV)

        let kept = try cli.run(["import", "stripped.csv", "--db", "kept.sqlite", "--neutralised", "no"])
        #expect(kept.status == 0)
        #expect(try cli.run(["export", "--db", "kept.sqlite", "--raw"]).stdout.contains(",'=SUM(A1:A9),"))

        let history = try cli.run(["import", "h.sqlite", "--db", "other.sqlite", "--neutralised", "no"])
        #expect(history.status == 64)
        #expect(history.stderr == "Error: --neutralised applies to a CSV; h.sqlite is a history database, whose text is stored as written.\n")
    }

    // MARK: - Bad input: one line on stderr, nothing changed

    @Test func outputIntoAMissingDirectoryOrUnderAFileIsRefused() throws {
        defer { cli.remove() }
        let db = try history()
        try write("not a directory\n", to: "plain")
        let before = (try contents(db), bytes(["plain"]))
        #expect(try failure(["export", "--db", db, "--output", "missing/out.csv"])
            == "Error: cannot write missing/out.csv: its directory does not exist. Create it first, or pass --output with a path in an existing directory.\n")
        #expect(try failure(["export", "--db", db, "--output", "plain/out.csv"]).contains("cannot write plain/out.csv:"))
        #expect(try failure(["export", "--db", db, "--output", "."]).contains("it is a directory"))
        #expect(try failure(["export", "--db", db, "--output", db]).contains("is the history being read"))
        #expect(try contents(db) == before.0 && bytes(["plain"]) == before.1)
        #expect(!(try files()).contains { $0.hasSuffix(".tmp") })
    }

    @Test func aFailedExportLeavesAnExistingOutputFileAsItWas() throws {
        defer { cli.remove() }
        try write("precious\n", to: "out.csv")
        try write("my notes, not a database\n", to: "notes.txt")
        let before = bytes(["out.csv", "notes.txt"])
        #expect(try failure(["export", "--db", "notes.txt", "--output", "out.csv"]).contains("is not an SQLite database"))
        #expect(try failure(["export", "--db", "none.sqlite", "--output", "out.csv"]).contains("no history at none.sqlite"))
        #expect(bytes(["out.csv", "notes.txt"]) == before)
        #expect(try files() == ["out.csv", "notes.txt"])
    }

    @Test func aFormatExportDoesNotOfferIsAUsageError() throws {
        defer { cli.remove() }
        let db = try history()
        #expect(try failure(["export", "--db", db, "--format", "table"], status: 64).contains("table"))
    }

    @Test func badImportFilesAreRefusedWithTheirLineAndTheHistoryIsUnchanged() throws {
        defer { cli.remove() }
        let db = try history()
        let before = try contents(db)
        let cases: [(name: String, text: String, error: String)] = [
            ("empty.csv", "", "empty.csv is empty; nothing was imported."),
            ("truncated.csv", Self.header + "\r\n" + Self.rows[0] + "\r\n" + Self.rows[2].components(separatedBy: "lines,")[0],
             "truncated.csv line 3: a quoted field starting on this line is never closed; the file looks truncated; nothing was imported."),
            ("unknown.csv", "name,value\r\nx,1\r\n",
             "unknown.csv is not a poolbench export nor an SQLite history (line 1: column 1 of the header is 'name', expected 'runUuid')"),
            ("reordered.csv", Self.rawCSV.replacingOccurrences(of: "workers,tasks", with: "tasks,workers"),
             "(line 1: column 6 of the header is 'tasks', expected 'workers')"),
            ("badnumber.csv", Self.rawCSV.replacingOccurrences(of: "0.125,800.0", with: "0.125,abc"),
             "badnumber.csv line 3: column throughput: 'abc' is not a number; nothing was imported."),
            ("badexecutor.csv", Self.rawCSV.replacingOccurrences(of: ",threads,", with: ",fibers,"),
             "badexecutor.csv line 3: column executor: 'fibers' is not an executor"),
            ("badtime.csv", Self.rawCSV.replacingOccurrences(of: "2026-11-21T08:00:02.500Z", with: "yesterday"),
             "badtime.csv line 3: column startedAt: 'yesterday' is not a UTC time like 2026-11-21T23:29:21.123Z"),
            ("badstatus.csv", Self.rawCSV.replacingOccurrences(of: ",interrupted,", with: ",paused,"),
             "badstatus.csv line 4: column sweepStatus: 'paused' is not a sweep status"),
            ("short.csv", Self.rawCSV.replacingOccurrences(of: ",0.01,ci-large,,,380.0," + Self.spec + "\r\n22222222", with: ",ci-large,,,380.0," + Self.spec + "\r\n22222222"),
             "short.csv line 2: 44 fields, but the header has 45"),
        ]
        for (name, text, error) in cases {
            // Each file also holds runs that are not yet in the history: nothing of them may stay.
            try write(text.replacingOccurrences(of: "11111111-1111", with: "99999999-1111"), to: name)
            #expect(try failure(["import", name, "--db", db]).contains(error), "\(name)")
        }
        #expect(try contents(db) == before)
        #expect(try cli.run(["export", "--db", db, "--raw"]).stdout == Self.rawCSV)
    }

    @Test func importOfAMissingFileIsRefusedWithoutCreatingAHistory() throws {
        defer { cli.remove() }
        #expect(try failure(["import", "nowhere.csv"])
            == "Error: nowhere.csv does not exist. Pass a file written by `poolbench export`, a poolbench history database, or a `hyperfine --export-json` scan.\n")
        #expect(try files().isEmpty)
    }

    @Test func aHistoryThatIsNotSQLiteIsRefusedAndLeftByteForByte() throws {
        defer { cli.remove() }
        try write(Self.rawCSV, to: "runs.csv")
        try write("my notes, not a database\n", to: "notes.txt")
        let before = bytes(["notes.txt"])
        #expect(try failure(["import", "runs.csv", "--db", "notes.txt"]).contains("notes.txt is not an SQLite database"))
        #expect(try failure(["export", "--db", "notes.txt"]).contains("notes.txt is not an SQLite database"))
        #expect(bytes(["notes.txt"]) == before)
    }

    @Test func aSourceDatabaseThatIsNotAHistoryIsRefused() throws {
        defer { cli.remove() }
        let db = try history()
        try write("SQLite format 3\0" + String(repeating: "x", count: 200), to: "fake.sqlite")
        let before = (try contents(db), bytes(["fake.sqlite"]))
        #expect(try failure(["import", "fake.sqlite", "--db", db]).contains("fake.sqlite"))
        #expect(try contents(db) == before.0 && bytes(["fake.sqlite"]) == before.1)
    }
}
