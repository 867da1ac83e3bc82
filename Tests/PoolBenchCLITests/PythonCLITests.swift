import Foundation
import Testing

/// `run python` and `tune python` as a person runs them: each executor end
/// to end, each bad input one line before any sweep, a worker killed
/// mid-run, and no Python process left behind by Ctrl-C or by poolbench's death.
@Suite struct PythonCLITests {
    static let quick = ["--repeat", "1", "--warmup", "0"]

    static let module = """
        import asyncio, os, time

        def fetch(item):
            time.sleep(0.02)
            if item == "bad":
                raise ValueError("no such item")

        async def afetch(item):
            await asyncio.sleep(0.02)

        def dies(item):
            if item == 2 and not os.path.exists("died"):
                open("died", "w").close()
                os.kill(os.getpid(), 9)

        def hangs(item):
            time.sleep(60)

        def make_client():
            return {"slow": "b"}

        def with_client(item, client):
            if item == client["slow"]:
                time.sleep(2)

        not_a_function = 3

        """

    static func scratch() throws -> CLI {
        let cli = try CLI()
        try module.write(toFile: cli.path("work.py"), atomically: true, encoding: .utf8)
        try "import no_such_module_for_poolbench\n".write(toFile: cli.path("broken.py"), atomically: true, encoding: .utf8)
        try "a\nbad\nc\n".write(toFile: cli.path("items.txt"), atomically: true, encoding: .utf8)
        return cli
    }

    static func runs(_ cli: CLI) throws -> [[String: Any]] {
        let export = try cli.run(["export", "--format", "json"])
        return export.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test func eachExecutorRunsTheFunctionPerItemAndStoresRealLatenciesAndErrors() throws {
        let cli = try Self.scratch()
        defer { cli.remove() }
        let plain = try cli.run(
            ["run", "python", "--function", "work.py:fetch", "--items", "items.txt", "--executor", "py-threads,py-processes", "--workers", "1,3"] + Self.quick
        )
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("first error: ValueError: no such item"), "\(plain.stdout)")
        let async = try cli.run(["run", "python", "--function", "work.py:afetch", "--items", "4", "--executor", "py-asyncio", "--workers", "2"] + Self.quick)
        #expect(async.status == 0, "\(async.stderr)")

        let runs = try Self.runs(cli)
        #expect(Set(runs.compactMap { $0["executor"] as? String }) == ["py-threads", "py-processes", "py-asyncio"])
        #expect(runs.count == 5)
        for run in runs {
            // Each item sleeps 20 ms: a p50 below that was not the item's.
            #expect((run["latencyP50"] as? Double ?? 0) >= 0.02, "\(run)")
            #expect(run["workload"] as? String == "python")
        }
        for run in runs where run["executor"] as? String != "py-asyncio" {
            #expect(run["tasks"] as? Int == 3)
            #expect(run["errorCount"] as? Int == 1)
            #expect(run["failures"] as? String == #"{"ValueError":1}"#)
            #expect(run["parameters"] as? String == "function=work.py:fetch items=items.txt")
        }
    }

    @Test func itemsComeFromStandardInputAndTuneSearchesAPythonFunction() throws {
        let cli = try Self.scratch()
        defer { cli.remove() }
        let piped = try cli.shell("printf 'x\\ny\\n' | \"$POOLBENCH\" run python --function work.py:fetch --items - --workers 1,2 --repeat 1 --warmup 0")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try Self.runs(cli).allSatisfy { $0["tasks"] as? Int == 2 })
        let tune = try cli.run(["tune", "python", "--function", "work.py:fetch", "--items", "4", "--max-workers", "4", "--repeat", "1", "--warmup", "0"])
        #expect(tune.status == 0, "\(tune.stderr)")
        let best = try cli.run(["best", "--workload", "python", "--format", "json"])
        #expect(best.status == 0, "\(best.stderr)")
        #expect(best.stdout.contains("\"executor\" : \"py-threads\""), "\(best.stdout)")
    }

    @Test(arguments: [
        (["--function", "work.py:fetch", "--items", "3", "--python", "/nonexistent/python3"],
         "Error: cannot run the Python interpreter '/nonexistent/python3': no executable file there. Check --python.\n"),
        (["--function", "missing.py:fetch", "--items", "3"], "Error: --function: no file missing.py; check the path.\n"),
        (["--function", "broken.py:fetch", "--items", "3"],
         "Error: python: importing broken.py failed: ModuleNotFoundError: No module named 'no_such_module_for_poolbench'.\n"),
        (["--function", "work.py:absent", "--items", "3"], "Error: python: work.py defines no absent; name a function defined there.\n"),
        (["--function", "work.py:not_a_function", "--items", "3"], "Error: python: not_a_function in work.py is a int, not a function.\n"),
        (["--function", "work.py:fetch", "--items", "3", "--executor", "py-asyncio"],
         "Error: python: fetch is a plain function; py-asyncio needs an async def (or use py-threads).\n"),
        (["--function", "work.py:afetch", "--items", "3", "--executor", "py-threads"],
         "Error: python: afetch is an async def; run it with --executor py-asyncio.\n"),
        (["--function", "work.py:fetch", "--items", "nothing.txt"],
         "Error: cannot read --items nothing.txt; give a readable file of items, one per line, or a number.\n"),
        (["--function", "work.py:fetch", "--items", "3", "--executor", "pool"],
         "Error: the python workload runs under py-threads, py-processes or py-asyncio, not pool.\n"),
        (["--function", "work.py", "--items", "3"],
         "Error: --function 'work.py' is not FILE.py:NAME; name the file and the function in it, e.g. fetch.py:download.\n"),
    ])
    func badInputIsOneLineAndExit64BeforeAnySweep(arguments: [String], message: String) throws {
        let cli = try Self.scratch()
        defer { cli.remove() }
        let result = try cli.run(["run", "python"] + arguments + Self.quick)
        #expect(result.status == 64)
        #expect(result.stderr == message)
        #expect(!FileManager.default.fileExists(atPath: cli.path("poolbench.sqlite")), "nothing is created for bad input")
    }

    @Test func theSetupResultIsTheSecondArgumentAndALateItemIsATimeout() throws {
        let cli = try Self.scratch()
        defer { cli.remove() }
        try "a\nb\nc\n".write(toFile: cli.path("abc.txt"), atomically: true, encoding: .utf8)
        let result = try cli.run(
            ["run", "python", "--function", "work.py:with_client", "--setup", "work.py:make_client", "--items", "abc.txt",
             "--timeout", "100ms", "--workers", "3"] + Self.quick
        )
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(try Self.runs(cli).first)
        #expect(run["failures"] as? String == #"{"timeout":1}"#)
        #expect(run["parameters"] as? String == "function=work.py:with_client setup=work.py:make_client items=abc.txt timeout=100ms")
    }

    @Test func aPythonExecutorIsRefusedForAnotherWorkload() throws {
        let cli = try Self.scratch()
        defer { cli.remove() }
        let result = try cli.run(["run", "sleep", "--executor", "py-processes"] + Self.quick)
        #expect(result.status == 64)
        #expect(result.stderr == "Error: py-processes runs the python workload's function only, not the sleep workload.\n")
    }

    @Test func aWorkerKilledMidRunFailsThatRunsUnfinishedItemsAndTheNextRunWorks() throws {
        let cli = try Self.scratch()
        defer { cli.remove() }
        let result = try cli.run(["run", "python", "--function", "work.py:dies", "--items", "5", "--workers", "1", "--repeat", "2", "--warmup", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        let errors = try Self.runs(cli).compactMap { $0["errorCount"] as? Int }.sorted()
        #expect(errors == [0, 3], "items 2, 3 and 4 of the first run never ended")
        let first = try Self.runs(cli).compactMap { $0["firstError"] as? String }
        #expect(first.count == 1)
        #expect(first.first?.contains("the Python worker stopped answering and was killed by signal 9") == true, "\(first)")
    }

    /// Ctrl-C ends poolbench with 130; SIGKILL gives it no say at all, and
    /// the worker still ends when poolbench's end of its socket closes.
    @Test(arguments: [("py-threads", SIGINT), ("py-processes", SIGINT), ("py-processes", SIGKILL)])
    func noPythonProcessOutlivesPoolbench(executor: String, signal: Int32) throws {
        let cli = try Self.scratch()
        defer { cli.remove() }
        let errors = cli.directory.appending(path: "stderr.txt")
        let process = try cli.start(
            ["run", "python", "--function", "work.py:hangs", "--items", "2", "--workers", "2", "--executor", executor] + Self.quick,
            errorFile: errors
        )
        let poolbench = process.processIdentifier
        var workers: [pid_t] = []
        defer {
            if process.isRunning { kill(poolbench, SIGKILL) }
            workers.filter(InterruptCLITests.isAlive).forEach { kill($0, SIGKILL) }
        }
        // Mid-run, not while the function is checked before the sweep: the
        // resident worker with its pool's two threads beside its main and
        // watching ones, or with its pool's two processes.
        func running() -> Bool {
            executor == "py-processes" ? workers.count >= 3 : workers.contains { Self.threads(of: $0) >= 4 }
        }
        for _ in 0..<1_200 where !running() {
            Thread.sleep(forTimeInterval: 0.05)
            workers = Self.pythonWorkers(of: poolbench)
        }
        guard running() else {
            let said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            Issue.record("poolbench started \(workers.count) Python processes within 60 s; its stderr: \(said)")
            return
        }
        kill(poolbench, signal)
        for _ in 0..<100 where workers.contains(where: InterruptCLITests.isAlive) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(workers.filter(InterruptCLITests.isAlive) == [], "still running 5 s after signal \(signal)")
        process.waitUntilExit()
        #expect(process.terminationStatus == (signal == SIGINT ? 130 : SIGKILL))
    }

    static func threads(of pid: pid_t) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Threads:") }
        return line.flatMap { Int($0.dropFirst(8).trimmingCharacters(in: .whitespaces)) } ?? 0
    }

    /// Processes running poolbench `parent`'s worker script: the ones whose
    /// command line names a file in its temporary directory.
    static func pythonWorkers(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let commandLine = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return commandLine.contains("poolbench-\(parent)-python-") && InterruptCLITests.isAlive(pid)
        }
    }
}
