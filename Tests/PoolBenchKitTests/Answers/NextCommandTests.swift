import Foundation
@testable import PoolBenchKit
import Testing

/// The `poolbench run` line `best` suggests next: rebuilt from the stored
/// spec, for every workload, quoted so a shell gives poolbench back the
/// same arguments.
@Suite struct NextCommandTests {
    static let specs: [WorkloadSpec] = [
        .sleep(duration: 0.02, capacity: 16),
        .sleep(duration: 0.01, capacity: nil),
        .cpu(size: 1000),
        .file(bytes: 65_536),
        .http(urls: ["http://127.0.0.1:8080/a?x=1&y=2"], timeout: 2),
        .http(HTTPRequestSpec(urls: ["http://127.0.0.1:8080/"], timeout: 2, method: "PUT", headers: [.init(name: "Accept", value: "it's; q=1")])),
        .command(arguments: ["sh", "-c", "sleep 0.01; echo 'it''s' \"$HOME\" \\ done"]),
        .job(arguments: ["python3", "fetch.py", "--workers", "{workers}"], items: 15),
        .job(arguments: ["sh", "-c", "echo items=3 'a b' >&2", "{workers}"], items: nil),
    ]

    static func key(_ spec: WorkloadSpec, executor: String = "pool") -> SeriesKey {
        SeriesKey(workload: spec.name, parameters: spec.parameterText, executor: executor)
    }

    /// The command `best` suggests for a series whose runs stored `spec`.
    static func command(_ spec: WorkloadSpec, executor: String = "pool", workers: ClosedRange<Int> = 8...16) -> String? {
        key(spec, executor: executor).runCommand(spec: spec.storedJSON.flatMap(WorkloadSpec.init(storedJSON:)), workers: workers)
    }

    @Test(arguments: specs)
    func everyWorkloadComesBackFromItsStoredSpec(spec: WorkloadSpec) throws {
        #expect(WorkloadSpec(storedJSON: try #require(spec.storedJSON)) == spec)
    }

    @Test func severalURLsAreAllInTheStoredSpec() {
        let spec = WorkloadSpec.http(urls: ["http://127.0.0.1:1/a", "http://127.0.0.1:2/b"], timeout: 2)
        #expect(Self.command(spec) == "poolbench run http --url http://127.0.0.1:1/a --url http://127.0.0.1:2/b --timeout 2s --executor pool --workers 8...16")
    }

    /// Runs recorded before the spec was kept.
    @Test func aSeriesWithNoStoredSpecSaysWhatToRunInWords() {
        let key = Self.key(.sleep(duration: 0.02, capacity: 16))
        #expect(key.runCommand(spec: nil, workers: 8...16) == nil)
        #expect(key.nextStep(spec: nil, workers: 8...16) == "Next: run this workload again with --executor pool --workers 8...16 (the history does not keep all of its parameters, so no whole command can be given).")
    }

    @Test func eachWorkloadGetsTheFlagsAPersonWouldType() {
        #expect(Self.command(.sleep(duration: 0.02, capacity: 16))
            == "poolbench run sleep --duration 20ms --capacity 16 --executor pool --workers 8...16")
        #expect(Self.command(.command(arguments: ["sh", "-c", "sleep 0.01"]), executor: "threads")
            == "poolbench run command --executor threads --workers 8...16 -- sh -c 'sleep 0.01'")
        #expect(Self.command(.job(arguments: ["python3", "fetch.py", "--workers", "{workers}"], items: 15), executor: "job")
            == "poolbench run --job 'python3 fetch.py --workers {workers}' --items 15 --workers 8...16")
        #expect(Self.command(.job(arguments: ["sh", "-c", "exit 0", "{workers}"], items: nil), executor: "job")
            == #"poolbench run --job 'sh -c "exit 0" {workers}' --workers 8...16"#)
        let http = WorkloadSpec.http(urls: ["http://127.0.0.1:8080/"], timeout: 30)
        #expect(Self.key(http).nextStep(spec: http, workers: 8...16)
            == "Next: `poolbench run http --url http://127.0.0.1:8080/ --timeout 30s --executor pool --workers 8...16`")
        let urls = WorkloadSpec.http(urls: ["http://127.0.0.1:1/a", "http://127.0.0.1:2/b?x=1&y=2"], timeout: 2)
        #expect(CommandLineSplitter.shellQuoted(urls.runArguments(executor: "tasks", workers: "1...4"))
            == "poolbench run http --url http://127.0.0.1:1/a --url 'http://127.0.0.1:2/b?x=1&y=2' --timeout 2s --executor tasks --workers 1...4")
    }

    /// What `sh` hands poolbench when the line is pasted: the same arguments,
    /// and for a job, a `--job` that splits back into the job's own.
    @Test(arguments: specs)
    func aShellReadsTheLineBackIntoTheSameArguments(spec: WorkloadSpec) throws {
        let arguments = spec.runArguments(executor: "pool", workers: "1...4")
        let line = try #require(Self.command(spec, workers: 1...4))
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "printf '%s\\0' " + line]
        let output = Pipe()
        shell.standardOutput = output
        try shell.run()
        let printed = try output.fileHandleForReading.readToEnd() ?? Data()
        shell.waitUntilExit()
        let parsed = printed.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        #expect(parsed == arguments)
        if case let .job(job, _) = spec {
            #expect(try CommandLineSplitter.split(parsed[3]) == job)
        }
    }
}
