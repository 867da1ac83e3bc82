import Foundation

/// The worker side of the `processes` executor: what `poolbench worker`
/// runs. The parent launches `workerCommand + ProcessWorker.arguments(for:)`
/// with the worker's standard input and output both connected to one Unix
/// socket pair (a two-way pipe), sends it task numbers and reads back one
/// reply per task (see `WorkerReply` for the lines).
public enum ProcessWorker {
    /// Everything a worker needs to rebuild the parent's workload.
    public struct Configuration: Codable, Hashable, Sendable {
        public var spec: WorkloadSpec
        /// The POSIX named semaphore holding a capacity server's slots, which
        /// the parent creates so all workers of one execution share K slots.
        public var sharedSlots: String?

        public init(spec: WorkloadSpec, sharedSlots: String? = nil) {
            self.spec = spec
            self.sharedSlots = sharedSlots
        }

        /// The workload the spec describes; a capacity server takes its slots
        /// from the shared semaphore when there is one.
        public func makeWorkload() throws -> any Workload {
            if case let .sleep(duration, capacity?) = spec, let sharedSlots {
                let checked = try SleepWorkload(duration: duration, capacity: capacity)
                return SleepWorkload(duration: checked.duration, slots: try SharedSlots.open(name: sharedSlots, capacity: capacity))
            }
            return try spec.makeWorkload()
        }
    }

    /// The environment variable a spawned worker finds its configuration in
    /// (see `SpawnedWorkerLauncher`); it removes it before running any task,
    /// so a command workload's children do not inherit it.
    public static let configurationVariable = "POOLBENCH_WORKER_CONFIGURATION"

    /// The arguments that carry `configuration` to a worker: one JSON text.
    public static func arguments(for configuration: Configuration) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Encoding plain enums, strings and numbers cannot fail.
        let json = try! encoder.encode(configuration)
        return [String(decoding: json, as: UTF8.self)]
    }

    /// The configuration that `arguments(for:)` carried.
    public static func configuration(fromArguments arguments: [String]) throws(PoolBenchError) -> Configuration {
        guard arguments.count == 1, let json = arguments.first else {
            throw .invalidWorkerArguments("expected one JSON argument, got \(arguments.count) arguments")
        }
        do {
            return try JSONDecoder().decode(Configuration.self, from: Data(json.utf8))
        } catch {
            throw .invalidWorkerArguments("\(error)")
        }
    }

    /// The whole worker process: serves tasks on standard input and output
    /// until the parent closes the channel, and returns the exit status. Its
    /// configuration is `arguments`, or when there are none, the
    /// `configurationVariable` of its environment.
    ///
    /// It ignores SIGINT, SIGTERM and SIGHUP: on Ctrl-C the parent decides, and
    /// closing the channel lets the worker finish its task and close its
    /// workload (which removes its temporary files) before exiting. It
    /// ignores SIGPIPE so a vanished parent is a failed write, not a silent
    /// death.
    public static func run(arguments: [String]) -> Int32 {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        var arguments = arguments
        if arguments.isEmpty, let value = getenv(configurationVariable) {
            arguments = [String(cString: value)]
            unsetenv(configurationVariable)
        }
        do {
            try serve(configuration(fromArguments: arguments), input: STDIN_FILENO, output: STDOUT_FILENO)
            return 0
        } catch {
            StandardStreams.writeError("poolbench worker: \(error)\n")
            return 1
        }
    }

    /// Builds the workload, runs every task number read from `input` with its
    /// blocking body and writes a reply for each to `output`, until `input`
    /// ends or the parent stops reading. Closes the workload at the end.
    public static func serve(_ configuration: Configuration, input: Int32, output: Int32) throws {
        let workload = try configuration.makeWorkload()
        defer { workload.close() }
        try serve(workload, input: input, output: output)
    }

    static func serve(_ workload: any Workload, input: Int32, output: Int32) throws(PoolBenchError) {
        var requests = LineBuffer()
        while let line = requests.readLine(from: input) {
            guard let task = Int(line), task >= 0 else {
                throw .workerProtocolViolation("expected a task number, got '\(line)'")
            }
            let bytesBefore = workload.bytesReceived ?? 0
            let retriesBefore = workload.retries
            let start = MonotonicClock.now()
            var failure: String?
            var kind: FailureKind?
            do {
                try workload.runBlocking(task: task)
            } catch {
                failure = String(describing: error)
                kind = FailureKind(of: error)
            }
            let reply = WorkerReply(
                task: task, latency: MonotonicClock.seconds(since: start),
                bytesReceived: (workload.bytesReceived ?? 0) - bytesBefore, failure: failure, kind: kind
            )
            let retries = WorkerRetries(task: task, counts: workload.retries.since(retriesBefore))
            guard WorkerChannel.send(retries.lines + reply.line, to: output) else { return }
        }
    }
}
