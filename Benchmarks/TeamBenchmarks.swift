import Foundation
import PoolBenchKit

/// The PostgreSQL store beside SQLite, in one run: storing one run; `best`,
/// `trend` and `history` end to end through the built binary on the same
/// generated histories (1M and 10M runs, the shape of `answers`) in each
/// store; importing them (target ≥ 200,000 runs/s into PostgreSQL); and
/// exporting, against `psql`'s own `\copy (…) TO` of the same rows.
///
/// The server is a throwaway one from `scripts/postgresql-test-server`
/// (a Unix socket, `fsync=off` as for the tests); set
/// `POOLBENCH_BENCH_POSTGRESQL` to a database URL to measure another.
/// `POOLBENCH_TEAM_RUNS=1000000` limits the sizes.
enum TeamBenchmarks {
    static let sizes: [Int] = {
        let given = ProcessInfo.processInfo.environment["POOLBENCH_TEAM_RUNS"]?
            .split(separator: ",").compactMap { Int($0) } ?? []
        return given.isEmpty ? [1_000_000, 10_000_000] : given
    }()

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    static func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-team-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try Server()
        defer { server.stop() }
        print("server: \(server.description)")

        try storeOneRun(directory: directory, server: server)
        var medians: [Int: [String: Double]] = [:]
        for size in sizes {
            medians[size] = try measure(runs: size, directory: directory, server: server)
        }
        guard let small = sizes.first, sizes.count > 1 else { return }
        print("side by side (median ms, end to end):")
        for name in medians[small, default: [:]].keys.sorted() {
            var line = name.padding(toLength: 34, withPad: " ", startingAt: 0)
            for size in sizes {
                line += String(format: "  %@ runs: %8.1f", Formatting.grouped(size), medians[size]?[name] ?? .nan)
            }
            for size in sizes.dropFirst() {
                line += String(format: "  ×%.2f", (medians[size]?[name] ?? .nan) / (medians[small]?[name] ?? .nan))
            }
            print(line)
        }
        print("targets: best and trend at 10M within ×1.5 of 1M; history ≤ 300 ms at 10M; import ≥ 200,000 runs/s")
    }

    // MARK: - Storing one run

    static func storeOneRun(directory: URL, server: Server) throws {
        let sqlite = try SQLiteHistoryStore.open(path: directory.appending(path: "one.sqlite").path, create: true)
        let database = try server.newDatabase("one_run")
        let postgreSQL = try HistoryLocation.open(database, create: true)
        for (name, store) in [("SQLite", sqlite as any HistoryStore), ("PostgreSQL", postgreSQL)] {
            let host = try store.host(HostProbe.current())
            let sweep = try store.beginSweep(SweepRecord(hostId: host.id!, startedAt: Date(), commandLine: "benchmark"))
            var saves: [Double] = []
            for repetition in 0..<2_000 {
                let run = StorageBenchmarks.sampleRun(sweepId: sweep.id!, repetition: repetition)
                saves.append(try StorageBenchmarks.seconds { try store.save(run) })
            }
            print(StorageBenchmarks.row("store one run, \(name)", saves, budget: 0.002))
            try store.close()
        }
    }

    // MARK: - Answers, import and export at one size

    static func measure(runs: Int, directory: URL, server: Server) throws -> [String: Double] {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "poolbench")
        let file = directory.appending(path: "history-\(runs).sqlite").path
        let clock = ContinuousClock()
        let generation = try clock.measure { try AnswerBenchmarks.generate(at: file, runs: runs) }
        print("\(Formatting.grouped(runs)) runs: generated in \(String(format: "%.1f", AnswerBenchmarks.seconds(generation))) s")

        let team = try server.newDatabase("history_\(runs)")
        var imported: Int32 = 0
        let importTime = clock.measure { imported = (try? AnswerBenchmarks.launch(binary, ["import", file, "--db", team])) ?? -1 }
        let importSeconds = AnswerBenchmarks.seconds(importTime)
        print(String(
            format: "import into PostgreSQL: %.2f s, %@ runs/s (exit %d)", importSeconds,
            Formatting.grouped(Int(Double(runs) / importSeconds)), imported
        ))
        let floorSeconds = try insertSelectFloor(team, server: server)
        print(String(
            format: "PostgreSQL's own INSERT … SELECT of the same runs (the floor): %.2f s, %@ runs/s; import / floor: ×%.2f",
            floorSeconds, Formatting.grouped(Int(Double(runs) / floorSeconds)), floorSeconds / importSeconds
        ))
        let copy = directory.appending(path: "copy-\(runs).sqlite").path
        let sqliteImport = clock.measure { _ = try? AnswerBenchmarks.launch(binary, ["import", file, "--db", copy]) }
        print(String(
            format: "import into SQLite:     %.2f s, %@ runs/s", AnswerBenchmarks.seconds(sqliteImport),
            Formatting.grouped(Int(Double(runs) / AnswerBenchmarks.seconds(sqliteImport)))
        ))
        try? FileManager.default.removeItem(atPath: copy)

        var medians: [String: Double] = [:]
        for (store, location) in [("SQLite", file), ("PostgreSQL", team)] {
            for question in [["best"], ["trend"], ["history"]] {
                let name = "\(question[0]), \(store)"
                medians[name] = AnswerBenchmarks.report("\(name), \(Formatting.grouped(runs)) runs", repetitions: 5) {
                    try AnswerBenchmarks.launch(binary, question + ["--db", location])
                }
            }
        }

        // Export: poolbench's CSV against psql's own copy of the same rows.
        let query = PostgreSQLHistoryStore.exportQuery.split(whereSeparator: \.isNewline).joined(separator: " ")
        let exports: [(String, [String])] = [
            ("poolbench export, SQLite", [binary.path, "export", "--db", file, "--output", "/dev/null"]),
            ("poolbench export, PostgreSQL", [binary.path, "export", "--db", team, "--output", "/dev/null"]),
            ("psql \\copy (same rows) TO, CSV", ["/usr/bin/env", "psql", "--no-psqlrc", "--quiet", team, "-c",
                                                 "\\copy (\(query)) TO '/dev/null' WITH (FORMAT csv, HEADER)"]),
        ]
        for (name, command) in exports {
            medians[name] = AnswerBenchmarks.report("\(name), \(Formatting.grouped(runs)) runs", repetitions: 3) {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: command[0])
                process.arguments = Array(command.dropFirst())
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                return process.terminationStatus
            }
        }
        if let ours = medians["poolbench export, PostgreSQL"], let theirs = medians["psql \\copy (same rows) TO, CSV"] {
            print(String(format: "export from PostgreSQL / psql's copy: ×%.2f", ours / theirs))
        }
        try? FileManager.default.removeItem(atPath: file)
        try server.dropDatabase("history_\(runs)")
        return medians
    }

    /// How long PostgreSQL itself takes to put the runs just imported into
    /// `team` back into the same tables, with their indexes, constraints and
    /// foreign key, as empty as the import found them: the runs and their
    /// `seriesSweep` rows are set aside, truncated, and inserted again by one
    /// `INSERT … SELECT` each, in one transaction. The history is as it was
    /// afterwards.
    static func insertSelectFloor(_ team: String, server: Server) throws -> Double {
        try server.psql("""
            CREATE TABLE floor_run AS SELECT * FROM run; CREATE TABLE floor_series AS SELECT * FROM seriesSweep;
            TRUNCATE seriesSweep, run;
            """, database: team)
        try server.psql("VACUUM ANALYZE floor_run, floor_series", database: team)
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            try server.psql("""
                BEGIN; INSERT INTO run SELECT * FROM floor_run; INSERT INTO seriesSweep SELECT * FROM floor_series; COMMIT;
                """, database: team)
        }
        try server.psql("DROP TABLE floor_run; DROP TABLE floor_series; ANALYZE run, seriesSweep;", database: team)
        return AnswerBenchmarks.seconds(elapsed)
    }

    // MARK: - The server

    /// A throwaway server, or the one `POOLBENCH_BENCH_POSTGRESQL` names.
    struct Server: CustomStringConvertible {
        let url: String
        let directory: String?

        init() throws {
            if let given = ProcessInfo.processInfo.environment["POOLBENCH_BENCH_POSTGRESQL"], !given.isEmpty {
                url = given
                directory = nil
                return
            }
            let started = try Self.script(["start"], environment: [:])
            func value(_ name: String) -> String? {
                started.split(separator: "\n").first { $0.hasPrefix("export \(name)=") }.map {
                    String($0.dropFirst("export \(name)=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
                }
            }
            guard let url = value("POOLBENCH_TEST_POSTGRESQL") else { throw BenchmarkError("the server did not start") }
            self.url = url
            directory = value("POOLBENCH_TEST_POSTGRESQL_SERVER")
        }

        var description: String {
            directory == nil ? HistoryLocation.printable(url) : "a throwaway PostgreSQL on a Unix socket (fsync=off)"
        }

        func stop() {
            guard let directory else { return }
            _ = try? Self.script(["stop"], environment: ["POOLBENCH_TEST_POSTGRESQL_SERVER": directory])
        }

        /// A new database named `name` on the server, as a URL.
        func newDatabase(_ name: String) throws -> String {
            let database = "poolbench_bench_\(name)"
            try psql("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
            try psql("CREATE DATABASE \(database)")
            guard var components = URLComponents(string: url) else { throw BenchmarkError("not a URL: \(url)") }
            components.path = "/" + database
            return components.string ?? url
        }

        func dropDatabase(_ name: String) throws {
            try psql("DROP DATABASE IF EXISTS poolbench_bench_\(name) WITH (FORCE)")
        }

        func psql(_ sql: String, database: String? = nil) throws {
            let status = try AnswerBenchmarks.launch(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["psql", "--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", database ?? url, "-c", sql]
            )
            guard status == 0 else { throw BenchmarkError("psql failed on: \(sql)") }
        }

        /// Runs the test server script with its output in a file: the server
        /// it starts must not hold a pipe of ours open.
        private static func script(_ arguments: [String], environment: [String: String]) throws -> String {
            let output = FileManager.default.temporaryDirectory.appending(path: "poolbench-server-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: output) }
            let handle = try FileHandle(forWritingTo: output)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [root.appending(path: "scripts/postgresql-test-server").path] + arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = handle
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try handle.close()
            guard process.terminationStatus == 0 else { throw BenchmarkError("postgresql-test-server \(arguments) failed") }
            return String(decoding: try Data(contentsOf: output), as: UTF8.self)
        }
    }

    struct BenchmarkError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
