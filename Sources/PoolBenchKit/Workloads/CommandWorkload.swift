import Foundation

/// Runs a command once per task, directly (no shell: write `sh -c '…'` to
/// get one). A non-zero exit fails the task, with the first line the command
/// wrote to stderr as the reason.
public struct CommandWorkload: Workload {
    public let arguments: [String]

    /// Checks that the program exists and is executable, so a typo fails
    /// once before the sweep instead of once per task.
    public init(arguments: [String]) throws(PoolBenchError) {
        guard let program = arguments.first, !program.isEmpty else {
            throw .invalidParameter(name: "command", value: "", expected: "a program to run after --, e.g. -- curl -s URL")
        }
        guard ChildProcess.resolve(program) != nil else { throw .commandNotFound(program: program) }
        self.arguments = arguments
    }

    public var spec: WorkloadSpec { .command(arguments: arguments) }

    public func runBlocking(task: Int) throws {
        let outcome = try ChildProcess.run(arguments)
        if let failure = outcome.failure {
            throw PoolBenchError.commandFailed(program: arguments[0], status: failure, firstLine: outcome.firstErrorLine.map(Redaction.text))
        }
    }

    /// Waits for the child on a thread of its own, off the cooperative pool.
    public func run(task: Int) async throws {
        try await BlockingCall.run { try runBlocking(task: task) }
    }
}

/// A whole program as one run: `{workers}` in its arguments becomes the
/// run's worker count, so the program sizes its own pool. The `job`
/// executor runs it; it has no per-task body.
public struct JobWorkload: Workload {
    public static let placeholder = "{workers}"
    public let arguments: [String]
    public let items: Int?

    public init(arguments: [String], items: Int?) throws(PoolBenchError) {
        guard let program = arguments.first, !program.isEmpty else {
            throw .invalidParameter(name: "job", value: "", expected: "a command line, e.g. 'python3 fetch.py --workers {workers}'")
        }
        guard arguments.contains(where: { $0.contains(Self.placeholder) }) else {
            throw .invalidParameter(
                name: "job", value: CommandLineSplitter.shellQuoted(arguments),
                expected: "a command line containing \(Self.placeholder), where each run's worker count goes"
            )
        }
        if let items, items < 1 {
            throw .invalidParameter(name: "items", value: String(items), expected: "at least 1")
        }
        guard ChildProcess.resolve(program) != nil else { throw .commandNotFound(program: program) }
        self.arguments = arguments
        self.items = items
    }

    public var spec: WorkloadSpec { .job(arguments: arguments, items: items) }

    /// The command line for `workers` workers.
    public func arguments(workers: Int) -> [String] {
        arguments.map { $0.replacingOccurrences(of: Self.placeholder, with: String(workers)) }
    }

    /// Runs the program once with `workers` substituted; throws when it
    /// fails. Returns the measurement it reported on `POOLBENCH_REPORT_FD`
    /// (see `JobReport`), or nil when it reported none.
    public func run(workers: Int) throws(PoolBenchError) -> JobReport? {
        let outcome = try ChildProcess.run(arguments(workers: workers), report: true)
        if let failure = outcome.failure {
            throw .commandFailed(program: arguments[0], status: failure, firstLine: outcome.firstErrorLine.map(Redaction.text))
        }
        do {
            return try JobReport.parse(outcome.report ?? [], limit: ChildProcess.reportLimit)
        } catch {
            throw .badJobReport(program: arguments[0], reason: error.reason)
        }
    }

    public func runBlocking(task: Int) throws { throw PoolBenchError.jobRunsWholeProgram }
    public func run(task: Int) async throws { throw PoolBenchError.jobRunsWholeProgram }
}
