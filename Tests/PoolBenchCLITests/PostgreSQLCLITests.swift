import Foundation
import Synchronization
import Testing

/// The PostgreSQL test server, reached as a person would: `psql` for the
/// set-up, poolbench for the rest. `$POOLBENCH_TEST_POSTGRESQL` names it
/// (`scripts/postgresql-test-server start` prints it); without it these
/// tests are skipped and say so, except in CI, where a Kit test fails.
enum TeamServer {
    static let url = ProcessInfo.processInfo.environment["POOLBENCH_TEST_POSTGRESQL"].flatMap { $0.isEmpty ? nil : $0 }
    static var isAvailable: Bool { url != nil }
    static let skipReason: Comment =
        "no PostgreSQL server: set POOLBENCH_TEST_POSTGRESQL (scripts/postgresql-test-server start prints it)"

    /// The repository's root, for its scripts.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `serverURL` with another database, or another user and password.
    static func url(_ serverURL: String? = url, database: String, user: String? = nil, password: String? = nil) -> String {
        guard let serverURL, var components = URLComponents(string: serverURL) else { return "" }
        components.path = "/" + database
        if let user { components.user = user }
        if let password { components.password = password }
        return components.string ?? ""
    }

    /// Runs `sql` with psql and returns its unaligned output.
    @discardableResult
    static func psql(_ database: String, _ sql: String) throws -> String {
        try psql(url: url(database: database), sql)
    }

    static func psql(url: String, _ sql: String) throws -> String {
        let result = try tool(
            "/usr/bin/env",
            ["psql", "--no-psqlrc", "--quiet", "--tuples-only", "--no-align", "-v", "ON_ERROR_STOP=1", url, "-c", sql]
        )
        guard result.status == 0 else { throw CLIError("psql failed on: \(sql)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program to its end with its output in a file, not a pipe: a
    /// server it starts in the background keeps no pipe open.
    static func tool(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) throws -> (status: Int32, stdout: String) {
        let outputURL = FileManager.default.temporaryDirectory.appending(path: "poolbench-tool-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let output = try FileHandle(forWritingTo: outputURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try output.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: outputURL), as: UTF8.self))
    }

    /// A new database, dropped when `body` returns; `body` gets its name.
    static func withDatabase<T>(owner: String? = nil, _ body: (String) throws -> T) throws -> T {
        let name = "poolbench_cli_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try psql("postgres", "CREATE DATABASE \(name)" + (owner.map { " OWNER \($0)" } ?? ""))
        defer { _ = try? psql("postgres", "DROP DATABASE \(name) WITH (FORCE)") }
        return try body(name)
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@Suite(.serialized, .enabled(if: TeamServer.isAvailable, TeamServer.skipReason))
struct PostgreSQLCLITests {
    let cli: CLI

    init() throws { cli = try CLI() }

    static let sweep = [
        "run", "sleep", "--duration", "2ms", "--capacity", "2", "--tasks", "4", "--workers", "1,2,4", "--repeat", "2",
        "--warmup", "0",
    ]

    /// Every command reads and writes a PostgreSQL history as it does a
    /// file, and answers the same from the same runs.
    @Test func everyCommandWorksOnATeamHistoryAndAnswersAsAFileDoes() throws {
        defer { cli.remove() }
        try TeamServer.withDatabase { database in
            let team = TeamServer.url(database: database)
            #expect(try cli.run(Self.sweep + ["--db", team, "--label", "first"]).status == 0)
            #expect(try cli.run(Self.sweep + ["--label", "second"], environment: ["POOLBENCH_DB": team]).status == 0)
            let export = try cli.run(["export", "--db", team, "--output", "team.csv"])
            #expect(export.status == 0)
            #expect(try cli.run(["import", "team.csv", "--db", "copy.sqlite"]).status == 0)
            for question in [
                ["history"], ["history", "--format", "json"], ["best"], ["best", "--format", "json"], ["trend"],
                ["compare", "first", "second"], ["export"], ["export", "--format", "json", "--label", "second"],
            ] {
                let fromTeam = try cli.run(question + ["--db", team])
                let fromFile = try cli.run(question + ["--db", "copy.sqlite"])
                #expect(fromTeam.status == 0, "\(question): \(fromTeam.stderr)")
                #expect(fromTeam.stdout == fromFile.stdout, "\(question)")
                #expect(fromTeam.stderr == fromFile.stderr, "\(question)")
            }
            #expect(try cli.run(["report", "--db", team, "--output", "team.html"]).status == 0)
            let page = try String(contentsOfFile: cli.path("team.html"), encoding: .utf8)
            #expect(page.contains("sleep duration=2ms capacity=2"))
            // Back the other way: the file into a second team database.
            try TeamServer.withDatabase { other in
                let copy = TeamServer.url(database: other)
                let imported = try cli.run(["import", "copy.sqlite", "--db", copy])
                #expect(imported.status == 0, "\(imported.stderr)")
                #expect(imported.stdout.contains("2 sweeps and 12 runs new"))
                #expect(try cli.run(["export", "--db", copy]).stdout == cli.run(["export", "--db", team]).stdout)
            }
        }
    }

    /// Each way a team history can be wrong is one line that says what to
    /// do, exit 1, and nothing changed.
    @Test func aBadTeamHistoryIsOneLineAndChangesNothing() throws {
        defer { cli.remove() }
        let socketURL = try #require(TeamServer.url)
        #expect(try cli.run(Self.sweep + ["--db", "local.sqlite"]).status == 0)
        #expect(try cli.run(["export", "--db", "local.sqlite", "--output", "rows.csv"]).status == 0)
        try TeamServer.withDatabase { foreign in
            try TeamServer.psql(foreign, "CREATE TABLE accounts (id integer PRIMARY KEY, owner text)")
            try TeamServer.withDatabase { newer in
                let newerURL = TeamServer.url(database: newer)
                #expect(try cli.run(Self.sweep + ["--db", newerURL]).status == 0)
                try TeamServer.psql(newer, "INSERT INTO poolbench_migration VALUES (99, '0099_future', '2027-01-01T00:00:00.000Z')")
                let cases: [(url: String, says: String)] = [
                    ("postgresql://postgres@127.0.0.1:1/poolbench", "cannot connect to the PostgreSQL history at postgresql://postgres@127.0.0.1:1/poolbench"),
                    (TeamServer.url(socketURL, database: "postgres", user: "poolbench_password", password: "wrong"), "Check the user's password"),
                    (TeamServer.url(database: "no_such_database"), "Create the database first"),
                    (TeamServer.url(database: foreign), "holds another program's tables (accounts)"),
                    (newerURL, "was written by a newer poolbench (schema version 99"),
                ]
                for (url, says) in cases {
                    for command in [Self.sweep, ["history"], ["best"], ["import", "rows.csv"], ["export"]] {
                        let result = try cli.run(command + ["--db", url])
                        #expect(result.status == 1, "\(command.first!) \(says)")
                        #expect(result.stdout.isEmpty, "\(command.first!) \(says)")
                        let lines = result.stderr.split(separator: "\n")
                        #expect(lines.count == 1 && result.stderr.hasPrefix("Error: "), "\(command.first!): \(result.stderr)")
                        #expect(result.stderr.contains(says), "\(command.first!): \(result.stderr)")
                        #expect(!result.stderr.contains("wrong"), "the password was printed")
                    }
                }
                #expect(try TeamServer.psql(foreign, "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'") == "accounts")
                #expect(try TeamServer.psql(newer, "SELECT COUNT(*) FROM run") == "6")
                #expect(try TeamServer.psql(newer, "SELECT string_agg(status, ',') FROM sweep") == "completed")
            }
        }
    }

    /// A password in the URL reaches the server and nothing else: not the
    /// output, not the stored command line, not the export or the report.
    @Test func aPasswordInTheURLIsNeverPrintedStoredOrExported() throws {
        defer { cli.remove() }
        let socketURL = try #require(TeamServer.url)
        try TeamServer.withDatabase(owner: "poolbench_password") { database in
            let team = TeamServer.url(socketURL, database: database, user: "poolbench_password", password: "correct horse")
            #expect(team.contains("correct%20horse"))
            var printed: [String] = []
            for command in [
                Self.sweep, Self.sweep + ["--db=\(team)"], ["history"], ["history", "--format", "json"], ["best"],
                ["best", "--format", "json"], ["trend"], ["compare", "1", "2"], ["export"], ["export", "--output", "team.csv"],
                ["report", "--output", "team.html"], ["import", "team.csv"], ["best", "--workload", "nothing"],
                ["history", "--sweep", "99"],
            ] {
                let arguments = command.contains { $0.hasPrefix("--db=") } ? command : command + ["--db", team]
                let result = try cli.run(arguments)
                printed += [result.stdout, result.stderr]
            }
            printed.append(try String(contentsOfFile: cli.path("team.csv"), encoding: .utf8))
            printed.append(try String(contentsOfFile: cli.path("team.html"), encoding: .utf8))
            for table in ["host", "sweep", "run", "seriessweep", "sweepprocess", "poolbench_migration"] {
                printed.append(try TeamServer.psql(database, "SELECT COALESCE(string_agg(t::text, E'\\n'), '') FROM \(table) AS t"))
            }
            #expect(printed.joined().contains("poolbench_password@"), "the user is shown")
            for secret in ["correct horse", "correct%20horse", "horse"] {
                #expect(!printed.joined().contains(secret), "\(secret) leaked")
            }
        }
    }

    /// Sixteen machines recording into one team history at once: every run
    /// stored, every sweep completed, no error printed.
    @Test func sixteenWritersAtOnceStoreEveryRun() throws {
        defer { cli.remove() }
        try TeamServer.withDatabase { (database: String) throws in
            let team = TeamServer.url(database: database)
            let results = Mutex<[CLI.Result]>([])
            DispatchQueue.concurrentPerform(iterations: 16) { index in
                let result = (try? cli.run(Self.sweep + ["--db", team, "--label", "writer-\(index)"]))
                    ?? CLI.Result(status: -1, stdout: "", stderr: "did not start")
                results.withLock { $0.append(result) }
            }
            for result in results.withLock({ $0 }) {
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stderr.isEmpty, "\(result.stderr)")
                #expect(!result.stdout.contains("Error"), "\(result.stdout)")
            }
            #expect(try TeamServer.psql(database, "SELECT COUNT(*) FROM run") == "96")
            #expect(try TeamServer.psql(database, "SELECT COUNT(DISTINCT label) FROM sweep WHERE status = 'completed'") == "16")
            #expect(try TeamServer.psql(database, "SELECT COUNT(*) FROM seriesSweep") == "16")
        }
    }

    /// The server stops mid-sweep and comes back: the sweep ends with one
    /// line once the retries run out, what it stored is intact, and the next
    /// sweep works (and marks the dead one abandoned).
    @Test(.timeLimit(.minutes(3)))
    func aServerThatStopsMidSweepEndsItWithOneLineAndKeepsItsRuns() throws {
        defer { cli.remove() }
        let server = try OwnServer()
        defer { server.stop() }
        let team = TeamServer.url(server.url, database: "postgres")
        let long = [
            "run", "sleep", "--duration", "100ms", "--tasks", "2", "--workers", "1,2", "--repeat", "40", "--warmup", "0",
            "--db", team,
        ]
        let sweep = Thread.detachedResult { try cli.run(long) }
        // Wait for a few runs to be stored, then take the server away.
        let deadline = Date().addingTimeInterval(60)
        var stored = 0
        while stored < 3, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            stored = Int((try? server.psql("SELECT COUNT(*) FROM run")) ?? "") ?? 0
        }
        #expect(stored >= 3)
        try server.pause()
        let result = try sweep.wait()
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: lost the connection to the PostgreSQL history"), "\(result.stderr)")
        #expect(result.stderr.contains("Every run stored before is kept"))
        try server.resume()
        let kept = Int(try server.psql("SELECT COUNT(*) FROM run")) ?? 0
        #expect(kept >= stored)
        #expect(try server.psql("SELECT status FROM sweep") == "running")
        let next = try cli.run(Self.sweep + ["--db", team])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try server.psql("SELECT string_agg(status, ',' ORDER BY id) FROM sweep") == "abandoned,completed")
        let export = try cli.run(["export", "--raw", "--db", team])
        #expect(export.stdout.split(separator: "\r\n").count == 1 + kept + 6)
    }
}

/// A PostgreSQL server of the test's own, to stop and start again without
/// disturbing the one the other tests share.
struct OwnServer {
    let url: String
    let directory: String

    init() throws {
        let started = try Self.script(["start"], environment: [:])
        func value(_ name: String) -> String? {
            started.split(separator: "\n").first { $0.hasPrefix("export \(name)=") }.map {
                String($0.dropFirst("export \(name)=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            }
        }
        guard let url = value("POOLBENCH_TEST_POSTGRESQL"), let directory = value("POOLBENCH_TEST_POSTGRESQL_SERVER") else {
            throw CLIError("the test server did not start: \(started)")
        }
        self.url = url
        self.directory = directory
    }

    func pause() throws { _ = try Self.script(["pause"], environment: ["POOLBENCH_TEST_POSTGRESQL_SERVER": directory]) }
    func resume() throws { _ = try Self.script(["resume"], environment: ["POOLBENCH_TEST_POSTGRESQL_SERVER": directory]) }
    func stop() { _ = try? Self.script(["stop"], environment: ["POOLBENCH_TEST_POSTGRESQL_SERVER": directory]) }

    func psql(_ sql: String) throws -> String {
        try TeamServer.psql(url: url, sql)
    }

    private static func script(_ arguments: [String], environment: [String: String]) throws -> String {
        let result = try TeamServer.tool(
            "/bin/bash", [TeamServer.root.appending(path: "scripts/postgresql-test-server").path] + arguments,
            environment: environment
        )
        guard result.status == 0 else { throw CLIError("postgresql-test-server \(arguments) failed") }
        return result.stdout
    }
}

extension Thread {
    /// Runs `body` on a thread of its own; `wait()` returns what it returned.
    final class Result<T: Sendable>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var value: Swift.Result<T, any Error>?

        init(_ body: @escaping @Sendable () throws -> T) {
            Thread.detachNewThread { [self] in
                value = Swift.Result { try body() }
                done.signal()
            }
        }

        func wait() throws -> T {
            done.wait()
            return try value!.get()
        }
    }

    static func detachedResult<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> Result<T> {
        Result(body)
    }
}
