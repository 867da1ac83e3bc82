import Foundation
import Testing

/// `serve`, the http and command workloads, job mode and `tune` through the
/// built binary. Everything talks to a server the test starts on 127.0.0.1.
@Suite struct RealJobsCLITests {
    /// `poolbench serve` on a free port, and the URL it printed first.
    struct Server {
        let process: Process
        let url: String

        init(_ cli: CLI, _ arguments: [String] = []) throws {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = ["serve", "--port", "0"] + arguments
            process.currentDirectoryURL = cli.directory
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // The caller's `defer { server.stop() }` exists only once this
            // returns; until then a failure here must stop the server itself.
            var started = false
            defer { if !started { Self.stop(process) } }
            var line = Data()
            while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
                line.append(first)
            }
            let url = String(decoding: line, as: UTF8.self)
            try #require(url.hasPrefix("http://127.0.0.1:"), "serve printed '\(url)' first")
            self.process = process
            self.url = url
            port = url.split(separator: ":").last.map { String($0.dropLast()) } ?? ""
            started = true
        }

        let port: String

        func stop() {
            Self.stop(process)
        }

        private static func stop(_ process: Process) {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    static let quick = ["--warmup", "0", "--repeat", "1"]

    @Test func serveTellsItsURLAndHttpFetchesFromIt() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let server = try Server(cli, ["--capacity", "4"])
        defer { server.stop() }
        #expect(server.url.hasPrefix("http://127.0.0.1:") && server.url.hasSuffix("/"))
        let result = try cli.run(["run", "http", "--url", server.url, "--tasks", "8", "--workers", "1,4"] + Self.quick)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("failed"), "\(result.stdout)")
        #expect(result.stdout.contains("http url=\(server.url) timeout=30s"))
    }

    @Test func failedRequestsAreCountedAndTheSweepCompletes() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let server = try Server(cli)
        defer { server.stop() }
        let missing = server.url + "status/404"
        let result = try cli.run(["run", "http", "--url", missing, "--tasks", "3", "--workers", "1,2"] + Self.quick)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("6 tasks failed; first error: GET \(missing): status 404"), "\(result.stdout)")
        let refused = "http://127.0.0.1:1/x"
        let again = try cli.run(["run", "http", "--url", refused, "--tasks", "2", "--workers", "1"] + Self.quick)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("2 tasks failed; first error: GET \(refused): connection refused"), "\(again.stdout)")
    }

    @Test func badURLsAndURLFilesAreUsageErrors() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let ftp = try cli.run(["run", "http", "--url", "ftp://127.0.0.1/"])
        #expect(ftp.status == 64)
        #expect(ftp.stderr == "Error: --url 'ftp://127.0.0.1/' is not usable: expected an http:// or https:// URL, not ftp://.\n")
        try "# nothing here\n\n".write(toFile: cli.path("urls.txt"), atomically: true, encoding: .utf8)
        let empty = try cli.run(["run", "http", "--urls-file", "urls.txt"])
        #expect(empty.status == 64)
        #expect(empty.stderr == "Error: --urls-file urls.txt lists no URLs; put one per line (# starts a comment).\n")
        let missing = try cli.run(["run", "http", "--urls-file", "nope.txt"])
        #expect(missing.status == 64)
        #expect(missing.stderr == "Error: cannot read --urls-file nope.txt; check the path.\n")
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench.sqlite")))
    }

    @Test func serveRefusesAZeroCapacityAndABusyPort() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let zero = try cli.run(["serve", "--capacity", "0"])
        #expect(zero.status == 64)
        #expect(zero.stderr == "Error: --capacity must be at least 1; got 0. Leave it out for no limit.\n")
        let server = try Server(cli)
        defer { server.stop() }
        let busy = try cli.run(["serve", "--port", server.port])
        #expect(busy.status == 1)
        #expect(busy.stderr.hasPrefix("Error: cannot listen on 127.0.0.1:\(server.port): address already in use."), "\(busy.stderr)")
        #expect(busy.stderr.split(separator: "\n").count == 1)
    }

    @Test func serveAdvisesAboutTheHostWhenTheHostIsWrong() throws {
        let cli = try CLI()
        defer { cli.remove() }
        // 192.0.2.0/24 is reserved for documentation: never this machine's.
        let result = try cli.run(["serve", "--host", "192.0.2.1"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: cannot listen on 192.0.2.1: not an address of this machine. Pass --host with an address of this machine, such as 127.0.0.1, or 0.0.0.0 for all of them.\n")
    }

    @Test func aTimeoutOfZeroIsAUsageError() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(["run", "http", "--url", "http://127.0.0.1:1/", "--timeout", "0s"])
        #expect(result.status == 64)
        #expect(result.stderr == "Error: --timeout must be above 0; got 0s.\n")
    }

    @Test func commandRunsDirectlyAndCountsFailures() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let fine = try cli.run(["run", "command", "--tasks", "3", "--workers", "1,2", "--executor", "pool,processes"] + Self.quick + ["--", "echo", "$(touch pwned)", ";", "touch", "pwned"])
        #expect(fine.status == 0, "\(fine.stderr)")
        #expect(!fine.stdout.contains("failed"), "\(fine.stdout)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("pwned")))

        let failing = try cli.run(["run", "command", "--tasks", "2", "--workers", "1"] + Self.quick + ["--", "sh", "-c", "echo oops >&2; exit 2"])
        #expect(failing.status == 0, "\(failing.stderr)")
        #expect(failing.stdout.contains("2 tasks failed; first error: 'sh' exited with status 2: oops"), "\(failing.stdout)")
    }

    @Test func aMissingCommandIsOneLineBeforeTheSweep() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(["run", "command", "--", "poolbench-no-such-program", "x"])
        #expect(result.status == 64)
        #expect(result.stderr == "Error: cannot run 'poolbench-no-such-program': no executable of that name in PATH. Check the name, or give its full path.\n")
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench.sqlite")))
        let none = try cli.run(["run"])
        #expect(none.status == 64)
        #expect(none.stderr == "Error: missing the workload to run: one of sleep, cpu, file, http, command, python, or --job 'COMMAND {workers}'.\n")
    }

    @Test func aJobRunsOncePerRunWithItsWorkerCount() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(["run", "--job", "sh -c 'echo {workers} >> out.txt'", "--items", "5", "--workers", "1,3,8"] + Self.quick)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("job "), "\(result.stdout)")
        let counts = try String(contentsOfFile: cli.path("out.txt"), encoding: .utf8).split(separator: "\n").sorted()
        #expect(counts == ["1", "3", "8"])
        let export = try cli.run(["export"])
        #expect(export.stdout.contains(",job,"), "\(export.stdout)")
    }

    @Test func aFailingJobIsRecordedAndTheSweepGoesOn() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(["run", "--job", "sh -c 'echo bad {workers} >&2; exit 1'", "--workers", "1,2"] + Self.quick)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 runs failed; first error: 'sh' exited with status 1: bad"), "\(result.stdout)")
        let missing = try cli.run(["run", "--job", "echo hello"])
        #expect(missing.status == 64)
        #expect(missing.stderr.hasPrefix("Error: --job must contain {workers}"))
        let both = try cli.run(["run", "sleep", "--job", "echo {workers}"])
        #expect(both.status == 64)
    }

    @Test func aJobRecordsTheCPUTimeOfItsProgram() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let burn = "sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done' {workers}"
        let result = try cli.run(["run", "--job", burn, "--workers", "1"] + Self.quick)
        #expect(result.status == 0, "\(result.stderr)")
        let export = try cli.run(["export", "--format", "json"])
        let run = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
        let cpu = (run["cpuUserSeconds"] as? Double ?? 0) + (run["cpuSystemSeconds"] as? Double ?? 0)
        #expect(cpu > 0, "\(export.stdout)")
    }

    @Test func bestAnswersForAJobHistory() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let sweep = try cli.run(["run", "--job", "sh -c 'exit 0' {workers}", "--workers", "1,2,4", "--warmup", "0", "--repeat", "2"])
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let best = try cli.run(["best", "--format", "json"])
        #expect(best.status == 0, "\(best.stderr)")
        let answer = try #require((try JSONSerialization.jsonObject(with: Data(best.stdout.utf8)) as? [String: Any])?["answers"] as? [[String: Any]]).first
        #expect(answer?["workload"] as? String == "job")
        #expect(answer?["executor"] as? String == "job")
        #expect([1, 2, 4].contains(answer?["recommendedWorkers"] as? Int ?? 0), "\(best.stdout)")
        let table = try cli.run(["best"])
        #expect(table.stdout.contains("Recommended: "), "\(table.stdout)")
    }

    @Test func tuneStoresItsProbesAndAnswers() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let result = try cli.run(["tune", "sleep", "--duration", "1ms", "--capacity", "4", "--tasks", "16", "--max-workers", "16", "--warmup", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Recommended:"), "\(result.stdout)")
        #expect(result.stdout.contains("Took "), "\(result.stdout)")
        let history = try cli.run(["history", "--format", "json"])
        let sweeps = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])["sweeps"] as? [[String: Any]]
        #expect(sweeps?.first?["status"] as? String == "completed")
        // Every run it says it took is stored: two per probe at least (1, 2,
        // 4 and 8 workers before the doubling can stop), more where noise
        // left a verdict open — a count that depends on this machine's timing.
        let stored = sweeps?.first?["runs"] as? Int ?? 0
        #expect(stored >= 8)
        #expect(result.stdout.contains("Took \(stored) runs at "), "\(result.stdout)")
        #expect(result.stdout.contains("This is what `poolbench best --sweep 1` answers from these runs."))
    }

    @Test func tuneEndsWithTheAnswerBestGivesForItsSweep() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let tune = try cli.run(["tune", "sleep", "--duration", "1ms", "--capacity", "3", "--tasks", "12", "--max-workers", "8",
                                "--warmup", "0", "--format", "json"])
        let best = try cli.run(["best", "--sweep", "1", "--format", "json"])
        let tuned = try JSONSerialization.jsonObject(with: Data(tune.stdout.utf8)) as? [String: Any]
        let answer = try JSONSerialization.jsonObject(with: Data(best.stdout.utf8)) as? [String: Any]
        let fromTune = try #require(tuned?["recommendation"] as? [String: Any])
        let fromBest = try #require((answer?["answers"] as? [[String: Any]])?.first)
        #expect(fromTune["recommendedWorkers"] as? Int != nil)
        for key in ["recommendedWorkers", "band", "peakWorkers", "method", "runs"] {
            #expect("\(fromTune[key] ?? "nil")" == "\(fromBest[key] ?? "nil")", "\(key)")
        }
    }
}
