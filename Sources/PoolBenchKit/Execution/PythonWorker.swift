import Glibc

/// One resident Python process of the `python` workload, running the
/// embedded `poolbench_python_worker.py`: started once per executor series,
/// it imports the user's module once and then does run after run, so no run
/// pays the interpreter's start-up or the module's imports: measured at 20 ms
/// for Debian's `python3` to 385 ms for a script that imports `requests`, paid
/// by every run in job mode (the `python` benchmark: about 100× the runs per
/// second for a trivial function over 10 items).
///
/// The lines it exchanges with poolbench over one socket:
///
///     poolbench → worker   {"function": …, "executor": …, "items": …}   once
///     worker → poolbench   ready <version>  |  error <reason>
///     poolbench → worker   run <workers>
///     worker → poolbench   ok <item> <seconds>
///                          fail <item> <seconds> <kind> <message>
///                          done <wall> <user cpu> <system cpu>
///
/// It leads its own process group, so a Ctrl-C at the terminal reaches
/// poolbench alone; it kills that group (its pool processes too) the moment
/// poolbench's end of the socket closes, however poolbench ended. That, not
/// `PR_SET_PDEATHSIG`, keeps it from outliving poolbench: the death signal
/// fires when the *thread* that started the child ends, and runs start from
/// threads that come and go.
final class PythonWorker: @unchecked Sendable {
    // @unchecked: used by one run at a time, under `PythonWorkload`'s lock.
    let pid: pid_t
    private let channel: Int32
    private var replies = LineBuffer()
    private var open = true

    /// What a finished run measured, besides its items.
    struct RunTotals: Equatable {
        var wallSeconds: Double
        var userSeconds: Double
        var systemSeconds: Double
    }

    private init(pid: pid_t, channel: Int32) {
        self.pid = pid
        self.channel = channel
    }

    /// Starts `interpreter script` and has it load what `hello` names;
    /// throws the worker's own reason when it cannot.
    static func start(interpreter: String, script: String, hello: String) throws(PoolBenchError) -> PythonWorker {
        let worker = try spawn(interpreter: interpreter, script: script)
        guard WorkerChannel.send(hello, to: worker.channel), let answer = worker.replies.readLine(from: worker.channel) else {
            let ending = worker.stop(grace: 1)
            throw .pythonRefused(reason: "'\(interpreter)' \(ending) before answering; it must be Python 3.9 or newer")
        }
        guard answer.hasPrefix("ready ") else {
            _ = worker.stop(grace: 1)
            let reason = answer.hasPrefix("error ") ? String(answer.dropFirst(6)) : "unexpected answer '\(answer)'"
            throw .pythonRefused(reason: VisibleText.escaped(reason))
        }
        return worker
    }

    /// Runs every item with `workers` workers, recording each in `ledger`
    /// as it ends. Nil when the worker died mid-run: the items it had not
    /// reported fail with what became of it, and this worker is stopped.
    func run(workers: Int, items: Int, ledger: TaskLedger) -> RunTotals? {
        var reported = [Bool](repeating: false, count: items)
        let start = MonotonicClock.now()
        var problem = "stopped reading"
        if WorkerChannel.send("run \(workers)\n", to: channel) {
            problem = "stopped answering"
            while let line = replies.readLine(from: channel) {
                if line.hasPrefix("done ") {
                    if let totals = Self.totals(line) { return totals }
                    problem = "sent an unreadable line"
                    break
                }
                guard let reply = Self.item(line), reported.indices.contains(reply.task), !reported[reply.task] else {
                    problem = "sent an unreadable line"
                    break
                }
                reported[reply.task] = true
                ledger.record(task: reply.task, latency: reply.latency, failure: reply.failure, kind: reply.kind)
            }
        }
        let ending = stop(grace: 1)
        let seconds = MonotonicClock.seconds(since: start)
        for task in reported.indices where !reported[task] {
            ledger.record(task: task, latency: seconds, failure: "the Python worker \(problem) and \(ending) before item \(task) ended")
        }
        return nil
    }

    /// Closes the channel, which ends the worker, and reaps it within
    /// `grace` seconds (then SIGKILL to its group); says how it ended.
    @discardableResult
    func stop(grace: Double) -> String {
        guard open else { return "had stopped" }
        open = false
        close(channel)
        kill(-pid, SIGTERM)
        return SpawnedWorker(pid: pid, channel: channel).reap(grace: grace)
    }

    deinit {
        stop(grace: 1)
    }

    /// `ok 3 0.01` or `fail 3 0.01 ValueError bad value`.
    static func item(_ line: String) -> WorkerReply? {
        let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count >= 3, let task = Int(fields[1]), let latency = Double(fields[2]), latency >= 0 else { return nil }
        switch (fields[0], fields.count) {
        case ("ok", 3):
            return WorkerReply(task: task, latency: latency, failure: nil)
        case ("fail", 5) where !fields[3].isEmpty:
            let kind = String(fields[3])
            let message = kind == "timeout" || kind == "other" ? String(fields[4]) : "\(kind): \(fields[4])"
            return WorkerReply(task: task, latency: latency, failure: message, kind: FailureKind(rawValue: kind))
        default:
            return nil
        }
    }

    /// `done 0.5 0.01 0.002`.
    static func totals(_ line: String) -> RunTotals? {
        let numbers = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard numbers.count == 3, numbers.allSatisfy({ $0 >= 0 && $0.isFinite }) else { return nil }
        return RunTotals(wallSeconds: numbers[0], userSeconds: numbers[1], systemSeconds: numbers[2])
    }

    /// `posix_spawnp` with the socket as standard input and output and
    /// /dev/null as standard error: what the function prints never reaches
    /// the terminal or the channel.
    private static func spawn(interpreter: String, script: String) throws(PoolBenchError) -> PythonWorker {
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(interpreter), strdup(script), nil]
        defer { arguments.forEach { free($0) } }
        let child = try ChannelSpawn.spawn(
            interpreter, arguments: arguments, ownProcessGroup: true, silencingStandardError: true
        ) { status in
            status == ENOENT || status == EACCES ? .pythonNotFound(interpreter: interpreter)
                : .cannotStartWorker(command: interpreter, errno: status)
        }
        return PythonWorker(pid: child.pid, channel: child.channel)
    }
}
