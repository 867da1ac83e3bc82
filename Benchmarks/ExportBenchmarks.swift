import Foundation
import GRDB
import PoolBenchKit

/// `poolbench export` and `import` on a generated history of a million runs,
/// timed side by side with the sqlite3 shell doing the same work. Each tool
/// runs as a child process, so its peak memory is its own (`wait4`).
///
/// Needs the release `poolbench` beside this binary: run
/// `swift build -c release` first.
enum ExportBenchmarks {
    static let runCount = 1_000_000
    static let runsPerSweep = 50
    static let rounds = 3

    static func run() async throws {
        let poolbench = try builtPoolbench()
        if !Child.usesTime {
            print("note: no /usr/bin/time, so peak RSS figures include this process's own peak")
        }
        let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-export-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appending(path: name).path }

        let history = path("history.sqlite")
        let generation = ContinuousClock.now
        try generateHistory(at: history)
        print("generated \(runCount) runs in \(runCount / runsPerSweep) sweeps in \(seconds(ContinuousClock.now - generation))")

        // Same rows, same joined columns, same order, each to a file.
        let select = "SELECT \(columns.joined(separator: ", ")) FROM run JOIN sweep ON sweep.id = run.sweepId "
            + "JOIN host ON host.id = sweep.hostId ORDER BY run.startedAt, run.id"
        var shell: [Child.Result] = [], toStdout: [Child.Result] = [], toFile: [Child.Result] = []
        for _ in 0..<rounds {
            shell.append(try Child.run("/usr/bin/sqlite3", ["-readonly", "-csv", "-header", history, select], stdout: path("sqlite3.csv")))
            toStdout.append(try Child.run(poolbench, ["export", "--db", history], stdout: path("stdout.csv")))
            toFile.append(try Child.run(poolbench, ["export", "--db", history, "--output", path("export.csv")]))
        }
        let best = (shell.min()!, toStdout.min()!, toFile.min()!)
        print("export, \(runCount) runs, best of \(rounds) (median in brackets):")
        report("sqlite3 -csv > file", shell, against: nil)
        report("poolbench export > file", toStdout, against: best.0)
        report("poolbench export --output file", toFile, against: best.0)
        try? FileManager.default.removeItem(atPath: path("sqlite3.csv"))
        try? FileManager.default.removeItem(atPath: path("stdout.csv"))

        // Each round into new, empty histories; the three side by side, as
        // the machine's load moves all of them alike.
        var fromCSV: [Child.Result] = [], fromHistory: [Child.Result] = [], floor: [Child.Result] = []
        for _ in 0..<rounds {
            for name in ["from-csv.sqlite", "from-db.sqlite", "shell.sqlite"] { removeHistory(path(name)) }
            fromCSV.append(try Child.run(poolbench, ["import", path("export.csv"), "--db", path("from-csv.sqlite")]))
            fromHistory.append(try Child.run(poolbench, ["import", history, "--db", path("from-db.sqlite")]))
            floor.append(try copyWithShell(from: history, to: path("shell.sqlite")))
        }
        print("import into an empty history, best of \(rounds) (median in brackets); the issue asks for 200000 runs/s:")
        report("sqlite3 INSERT … SELECT (SQLite's floor)", floor, rate: true)
        report("poolbench import export.csv", fromCSV, against: floor.min()!, baselineName: "the floor", rate: true)
        report("poolbench import history.sqlite", fromHistory, against: floor.min()!, baselineName: "the floor", rate: true)

        let again = try Child.run(poolbench, ["export", "--db", path("from-csv.sqlite"), "--output", path("again.csv")])
        let identical = try sameBytes(path("export.csv"), path("again.csv"))
        print("round trip export → import → export: \(identical ? "identical bytes" : "DIFFERENT") (\(seconds(again.seconds)))")
    }

    // MARK: - The history

    /// The export query's columns, as the sqlite3 shell is given them.
    static let columns = [
        "run.uuid", "run.startedAt", "run.workload", "run.parameters", "run.executor", "run.workers", "run.tasks",
        "run.repetition", "run.wallSeconds", "run.throughput", "run.latencyP50", "run.latencyP90", "run.latencyP99",
        "run.latencyMax", "run.cpuUserSeconds", "run.cpuSystemSeconds", "run.peakRssBytes",
        "run.voluntaryContextSwitches", "run.involuntaryContextSwitches", "run.errorCount", "run.firstError",
        "sweep.uuid", "sweep.status", "sweep.startedAt", "sweep.finishedAt", "sweep.label", "sweep.commandLine",
        "sweep.gitCommit", "sweep.gitBranch", "host.name", "host.os", "host.kernel", "host.cpuModel",
        "host.logicalCores", "host.memoryBytes", "host.poolbenchVersion", "run.bytesReceived",
        "run.machineCpuSeconds", "run.otherCpuSeconds", "run.stealSeconds", "sweep.testbed",
    ]

    /// A history of `runCount` runs over four hosts, with labels that need
    /// quoting or neutralising now and then, generated deterministically and
    /// inserted in one transaction through prepared statements.
    static func generateHistory(at path: String) throws {
        precondition(columns.count == ExportColumn.allCases.count)
        _ = try SQLiteHistoryStore.open(path: path, create: true)  // creates and migrates it
        var random = SplitMix64(seed: 42)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "PRAGMA cache_size = -65536")
            for host in 0..<4 {
                try db.execute(
                    sql: """
                        INSERT INTO host (name, os, kernel, cpuModel, logicalCores, memoryBytes, poolbenchVersion)
                        VALUES (?, 'Debian GNU/Linux 12', '6.1.0-28-amd64', 'AMD EPYC 7B13 64-Core Processor', ?, ?, '0.1.0')
                        """,
                    arguments: ["bench-\(host)", 2 << host, Int64(8 << host) << 30]
                )
            }
            let sweep = try db.makeStatement(sql: """
                INSERT INTO sweep (uuid, hostId, status, startedAt, finishedAt, commandLine, label, gitCommit, gitBranch)
                VALUES (?, ?, 'completed', ?, ?, ?, ?, ?, 'main')
                """)
            let run = try db.makeStatement(sql: """
                INSERT INTO run (uuid, sweepId, workload, parameters, executor, workers, tasks, repetition, startedAt,
                    wallSeconds, throughput, latencyP50, latencyP90, latencyP99, latencyMax, cpuUserSeconds,
                    cpuSystemSeconds, peakRssBytes, voluntaryContextSwitches, involuntaryContextSwitches, errorCount,
                    firstError)
                VALUES (?, ?, 'sleep', 'duration=10ms', ?, ?, 100, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let labels = ["nightly", "pr-1234, retry", "say \"fast\"", "=cmd|' /C calc'!A0", "Zürich — 東京", "-O2 build"]
            let executors = ExecutorKind.allCases.map(\.rawValue)
            let start = 1_795_000_000.0
            for index in 0..<(runCount / runsPerSweep) {
                let startedAt = start + Double(index * runsPerSweep) * 1.2
                let label = labels[index % labels.count]
                try sweep.execute(arguments: [
                    random.uuid(), index % 4 + 1, Timestamp.format(Date(timeIntervalSince1970: startedAt)),
                    Timestamp.format(Date(timeIntervalSince1970: startedAt + Double(runsPerSweep) * 1.2)),
                    "poolbench run sleep --workers 1...64 --label '\(label)'", label, String(format: "%016llx", random.next()),
                ])
            }
            for index in 0..<runCount {
                let workers = 1 << (index % 7)
                let wall = 0.05 + random.unit() * 2
                let errors = index % 997 == 0 ? 1 : 0
                try run.execute(arguments: [
                    random.uuid(), index / runsPerSweep + 1, executors[index % executors.count], workers, index % 5,
                    Timestamp.format(Date(timeIntervalSince1970: start + Double(index) * 1.2)), wall, 100 / wall,
                    0.01 + random.unit() / 100, 0.012 + random.unit() / 100, 0.015 + random.unit() / 50,
                    0.03 + random.unit() / 10, random.unit() / 10, random.unit() / 20, Int64(20 << 20) + Int64(index % 4096),
                    200 + index % 50, index % 7, errors, errors == 1 ? "-ECONNRESET: connection reset, retrying" : nil,
                ])
            }
        }
        try queue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// The same hosts, sweeps and runs copied by SQLite alone into an empty
    /// history: the fastest an import into this schema can go.
    static func copyWithShell(from source: String, to target: String) throws -> Child.Result {
        _ = try SQLiteHistoryStore.open(path: target, create: true)
        let script = """
            PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;
            ATTACH '\(source)' AS source;
            BEGIN;
            INSERT INTO host SELECT * FROM source.host;
            INSERT INTO sweep SELECT * FROM source.sweep;
            INSERT INTO run SELECT * FROM source.run ORDER BY startedAt, id;
            COMMIT;
            """
        return try Child.run("/usr/bin/sqlite3", [target, script])
    }

    // MARK: - Reporting

    static func report(
        _ name: String, _ results: [Child.Result], against baseline: Child.Result? = nil, baselineName: String = "sqlite3",
        rate: Bool = false
    ) {
        let sorted = results.sorted()
        let best = sorted[0], median = sorted[sorted.count / 2]
        var line = name.padding(toLength: 42, withPad: " ", startingAt: 0)
        line += seconds(best.seconds).leftPadded(8)
        if results.count > 1 { line += " [\(seconds(median.seconds))]" }
        line += "  peak RSS \(best.maxRSSBytes >> 20) MB".leftPadded(18)
        if let baseline { line += String(format: "  %.2f× ", best.seconds / baseline.seconds) + baselineName }
        if rate { line += "  \(Int(Double(runCount) / best.seconds)) runs/s" }
        if best.status != 0 { line += "  FAILED (exit \(best.status))" }
        print(line)
    }

    /// A history file with its WAL and shared-memory files.
    static func removeHistory(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
    static func seconds(_ duration: Duration) -> String { seconds(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18) }

    static func builtPoolbench() throws -> String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let binary = directory.appending(path: "poolbench").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchmarkError("no poolbench beside the benchmarks at \(binary); run `swift build -c release` first")
        }
        return binary
    }

    static func sameBytes(_ first: String, _ second: String) throws -> Bool {
        guard let a = FileHandle(forReadingAtPath: first), let b = FileHandle(forReadingAtPath: second) else { return false }
        defer { try? a.close(); try? b.close() }
        while true {
            let chunkA = try a.read(upToCount: 1 << 20) ?? Data(), chunkB = try b.read(upToCount: 1 << 20) ?? Data()
            if chunkA != chunkB { return false }
            if chunkA.isEmpty { return true }
        }
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A child process, timed, with its peak memory. A child started straight
/// from this process inherits this process's peak as its own starting
/// point (Linux keeps the high-water mark across exec), so where
/// `/usr/bin/time` exists the child is started through it, forked from a
/// small process, and `time` reports the child's own peak.
enum Child {
    struct Result: Comparable {
        var seconds: Double
        var maxRSSBytes: Int
        var status: Int32
        static func < (lhs: Result, rhs: Result) -> Bool { lhs.seconds < rhs.seconds }
    }

    static let time = "/usr/bin/time"
    static let usesTime = FileManager.default.isExecutableFile(atPath: time)

    static func run(_ executable: String, _ arguments: [String], stdout: String = "/dev/null") throws -> Result {
        let report = FileManager.default.temporaryDirectory.appending(path: "rss-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let command = usesTime ? [time, "-f", "%M", "-o", report, executable] + arguments : [executable] + arguments

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let start = ContinuousClock.now
        var pid = pid_t()
        let code = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard code == 0 else { throw BenchmarkError("cannot run \(command[0]): \(String(cString: strerror(code)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = ContinuousClock.now - start
        var kilobytes = Int(usage.ru_maxrss)
        if usesTime, let text = try? String(contentsOfFile: report, encoding: .utf8),
           let reported = text.split(separator: "\n").last.flatMap({ Int($0) }) {
            kilobytes = reported
        }
        let exit = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            maxRSSBytes: kilobytes * 1024, status: exit
        )
    }
}

/// Reproducible pseudo-random numbers (Steele, Lea & Flood's SplitMix64), so
/// every benchmark run measures the same history.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// In [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A version-4-shaped UUID in lowercase, as poolbench stores them.
    mutating func uuid() -> String {
        let hex = String(format: "%016llx%016llx", next(), next())
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
