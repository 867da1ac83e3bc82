import Foundation

/// What one task does. Each workload has a blocking body, for executors that
/// own their threads, and an async body for `tasks`, which must never block
/// the cooperative pool.
public protocol Workload: Sendable {
    /// Describes the workload completely: its name, its parameters, and how
    /// a worker process rebuilds it.
    var spec: WorkloadSpec { get }
    func runBlocking(task: Int) throws
    func run(task: Int) async throws
    /// Releases what the workload holds for its tasks (the `file` workload's
    /// temporary directory). Call it once no execution will use the workload
    /// again; calling it twice does nothing. Most workloads hold nothing.
    func close()
    /// Bytes this workload's tasks have received in this process so far (an
    /// `http` task's response bodies), or nil for a workload that receives
    /// none. A run's figure is the difference across it.
    var bytesReceived: Int? { get }
    /// Requests this workload's tasks have re-sent in this process so far,
    /// keyed `retried http 429` (see `FailureKind.retried`): an `http`
    /// workload's `--retries`. A run's figure is the difference across it.
    var retries: FailureCounts { get }
}

extension Workload {
    public func close() {}
    public var bytesReceived: Int? { nil }
    public var retries: FailureCounts { FailureCounts() }
}

/// A workload by name and parameters: what the history stores and what a
/// worker process receives to rebuild the same workload.
public enum WorkloadSpec: Codable, Hashable, Sendable {
    /// Waits `duration` seconds; with `capacity`, a simulated server with
    /// that many slots served in arrival order.
    case sleep(duration: Double, capacity: Int?)
    /// Sums squares of 0..<size.
    case cpu(size: Int)
    /// Writes `bytes` to a temporary file, fsyncs, and reads them back.
    case file(bytes: Int)
    /// Requests one of its URLs per task (round robin) and reads the whole
    /// body, failing a request that takes longer than its timeout.
    case http(HTTPRequestSpec)
    /// Runs `arguments` (program first) once per task, without a shell.
    case command(arguments: [String])
    /// Runs a whole program once per run, `{workers}` in its arguments
    /// replaced by the run's worker count; `items` is what one run processes,
    /// for throughput in items per second.
    case job(arguments: [String], items: Int?)
    /// Calls a Python function once per item in a resident Python worker.
    case python(PythonFunctionSpec)

    /// The command-line and stored name.
    public var name: String {
        switch self {
        case .sleep: "sleep"
        case .cpu: "cpu"
        case .file: "file"
        case .http: "http"
        case .command: "command"
        case .job: "job"
        case .python: "python"
        }
    }

    /// The workload's own parameters, in the units a person types, without
    /// credentials (see `Redaction`): what the history keeps and shows.
    public var parameters: [(name: String, value: String)] {
        switch self {
        case let .sleep(duration, capacity):
            [("duration", Units.formatDuration(duration))] + (capacity.map { [("capacity", String($0))] } ?? [])
        case let .cpu(size):
            [("size", String(size))]
        case let .file(bytes):
            [("bytes", Units.formatBytes(bytes))]
        case let .http(request):
            request.parameters
        case let .command(arguments):
            [("command", Redaction.text(CommandLineSplitter.shellQuoted(arguments)))]
        case let .job(arguments, items):
            [("job", Redaction.text(CommandLineSplitter.shellQuoted(arguments)))] + (items.map { [("items", String($0))] } ?? [])
        case let .python(function):
            function.parameters
        }
    }

    /// An http workload of these URLs, GET with no headers.
    public static func http(urls: [String], timeout: Double) -> WorkloadSpec {
        .http(HTTPRequestSpec(urls: urls, timeout: timeout))
    }

    /// `duration=10ms capacity=16`: how the parameters read in tables and
    /// what the history stores beside the name.
    public var parameterText: String {
        parameters.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }
}
