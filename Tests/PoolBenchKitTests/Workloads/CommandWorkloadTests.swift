import Foundation
import Testing
@testable import PoolBenchKit

/// The command workload and job mode: programs run directly, never through a shell.
@Suite struct CommandWorkloadTests {
    @Test func aCommandThatSucceedsCountsNoError() async throws {
        let workload = try CommandWorkload(arguments: ["true"])
        for kind in [ExecutorKind.pool, .tasks] {
            let result = try await kind.makeExecutor(workerCommand: []).execute(workload, tasks: 4, workers: 2)
            #expect(result.errorCount == 0, "\(result.firstError ?? "")")
        }
    }

    @Test func aNonZeroExitFailsTheTaskWithTheFirstLineOfStderr() async throws {
        let workload = try CommandWorkload(arguments: ["sh", "-c", "echo; echo 'no such file' >&2; echo second >&2; exit 3"])
        let result = try await PoolExecutor().execute(workload, tasks: 3, workers: 3)
        #expect(result.errorCount == 3)
        #expect(result.firstError == "'sh' exited with status 3: no such file")
    }

    @Test func aTaskEndsWhenItsProgramExitsThoughABackgroundProcessHoldsStderr() throws {
        // `sleep 5` inherits stderr and outlives `sh`; the task is `sh`.
        let workload = try CommandWorkload(arguments: ["sh", "-c", "echo said before exiting >&2; sleep 5 & exit 3"])
        let start = ContinuousClock.now
        #expect(throws: PoolBenchError.commandFailed(program: "sh", status: "exited with status 3", firstLine: "said before exiting")) {
            try workload.runBlocking(task: 0)
        }
        // A liveness bound, not a speed claim: waiting for `sleep` takes 5 s.
        #expect(ContinuousClock.now - start < .seconds(4))
    }

    @Test func aChildWritingMegabytesToStderrRunsToTheEnd() throws {
        // Far more than a pipe holds: it finishes only if stderr is read as it runs.
        let workload = try CommandWorkload(arguments: ["sh", "-c", "yes 'chatty line' | head -c 5000000 >&2; exit 4"])
        #expect(throws: PoolBenchError.commandFailed(program: "sh", status: "exited with status 4", firstLine: "chatty line")) {
            try workload.runBlocking(task: 0)
        }
    }

    @Test func aMissingProgramIsRefusedBeforeAnyTaskRuns() {
        #expect(throws: PoolBenchError.commandNotFound(program: "poolbench-no-such-program")) {
            try CommandWorkload(arguments: ["poolbench-no-such-program"])
        }
        #expect(throws: PoolBenchError.commandNotFound(program: "/nonexistent/tool")) {
            try CommandWorkload(arguments: ["/nonexistent/tool"])
        }
    }

    @Test func argumentsReachTheProgramLiterallyWithoutAShell() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-noshell-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let marker = directory.appending(path: "pwned").path
        let workload = try CommandWorkload(arguments: ["echo", "$(touch \(marker))", ";", "touch", marker])
        try workload.runBlocking(task: 0)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func aJobRunsWithItsWorkerCountSubstituted() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-job-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appending(path: "out.txt").path
        let job = try JobWorkload(arguments: ["sh", "-c", "echo {workers} >> '\(out)'"], items: 10)
        for workers in [1, 4] {
            let result = try await JobExecutor().execute(job, tasks: 10, workers: workers)
            #expect(result.errorCount == 0)
            #expect(result.latencies.isEmpty, "a job's items are timed by the job, not by poolbench")
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "1\n4\n")
    }

    @Test func aFailingJobIsOneErrorForItsRun() async throws {
        let job = try JobWorkload(arguments: ["sh", "-c", "echo broken {workers} >&2; exit 1"], items: nil)
        let result = try await JobExecutor().execute(job, tasks: 1, workers: 2)
        #expect(result.errorCount == 1)
        #expect(result.firstError == "'sh' exited with status 1: broken 2")
    }

    @Test func aJobWithoutThePlaceholderIsRefused() {
        #expect(throws: PoolBenchError.self) { try JobWorkload(arguments: ["echo", "hello"], items: nil) }
    }

    @Test func theJobExecutorRefusesOtherWorkloads() async throws {
        await #expect(throws: PoolBenchError.notAJob(workload: "sleep")) {
            try await JobExecutor().execute(SleepWorkload(duration: 0), tasks: 1, workers: 1)
        }
    }
}

@Suite struct CommandLineSplitterTests {
    @Test func splitsLikeAShellWithoutExpandingAnything() throws {
        #expect(try CommandLineSplitter.split("python3  fetch.py --workers {workers}") == ["python3", "fetch.py", "--workers", "{workers}"])
        #expect(try CommandLineSplitter.split(#"sh -c 'echo $HOME; ls' "a \"b\" \$c" x\ y"#) == ["sh", "-c", "echo $HOME; ls", #"a "b" $c"#, "x y"])
        #expect(try CommandLineSplitter.split(#"a'b c'd '' "\n""#) == ["ab cd", "", #"\n"#])
        #expect(try CommandLineSplitter.split("  ") == [])
    }

    @Test func joinedArgumentsSplitBackIntoThemselves() throws {
        let cases: [[String]] = [
            ["python3", "fetch.py", "--workers", "{workers}"],
            ["sh", "-c", "echo 'it''s' \"$HOME\" \\ done", "", "a b", "tab\there", "new\nline"],
        ]
        for arguments in cases {
            #expect(try CommandLineSplitter.split(CommandLineSplitter.join(arguments)) == arguments)
        }
        #expect(CommandLineSplitter.join(["python3", "fetch.py", "--workers", "{workers}"]) == "python3 fetch.py --workers {workers}")
        #expect(CommandLineSplitter.join(["sh", "-c", "exit 0", "{workers}"]) == #"sh -c "exit 0" {workers}"#)
    }

    @Test func anUnclosedQuoteIsAnError() {
        #expect(throws: CommandLineSplitter.SplitError.unterminatedQuote("'")) { try CommandLineSplitter.split("echo 'oops") }
        #expect(throws: CommandLineSplitter.SplitError.unterminatedQuote("\"")) { try CommandLineSplitter.split("echo \"oops") }
        #expect(throws: CommandLineSplitter.SplitError.trailingBackslash) { try CommandLineSplitter.split("echo \\") }
    }
}
