import Glibc

/// N worker processes, like Python's `ProcessPoolExecutor(max_workers=N)`:
/// each worker rebuilds the workload from its spec and runs one task at a
/// time, sent over a socket pair (see `ProcessWorker`). Workers are started
/// for each execution and all reaped before it returns, so the caller's
/// `getrusage(RUSAGE_CHILDREN)` includes their CPU time.
///
/// A worker that dies fails the task it was running; the other workers take
/// the remaining tasks, and if none is left those tasks fail too. Nothing
/// waits for a dead worker.
///
/// A `sleep` workload with a capacity gets a POSIX named semaphore holding
/// its K slots, created for the execution, shared by all workers and unlinked
/// afterwards; across processes its order is only approximately FIFO.
struct ProcessesExecutor: Executor {
    var kind: ExecutorKind { .processes }
    private let launcher: any WorkerLauncher

    /// `workerCommand` starts one worker, e.g. `[poolbench path, "worker"]`;
    /// the worker's configuration is appended as its last argument.
    init(workerCommand: [String]) {
        launcher = SpawnedWorkerLauncher(command: workerCommand)
    }

    init(launcher: any WorkerLauncher) {
        self.launcher = launcher
    }

    func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        try PoolBenchError.validate(tasks: tasks, workers: workers)
        let ledger = TaskLedger(tasks: tasks)
        guard tasks > 0 else { return ledger.result(wallSeconds: 0) }
        let slots: SharedSlots? = if case let .sleep(_, capacity?) = workload.spec {
            try SharedSlots.create(capacity: capacity)
        } else {
            nil
        }
        let configuration = ProcessWorker.Configuration(spec: workload.spec, sharedSlots: slots?.name)
        let launcher = launcher
        return try await ThreadCache.shared.run {
            // Every worker is reaped by then, so none needs the name any more.
            defer { slots?.unlink() }
            var dispatcher = WorkerDispatcher(tasks: tasks, ledger: ledger)
            return try dispatcher.run(workers: min(workers, tasks), launcher: launcher, configuration: configuration)
        }
    }
}

/// The parent's loop: keeps one task in flight per live worker, reads the
/// replies as they come (`poll`), and retires workers that end or misbehave.
private struct WorkerDispatcher {
    private struct Worker {
        let process: any LaunchedWorker
        var replies = LineBuffer()
        var task: Int?
        var sentAt: UInt64 = 0
        var open = true
    }

    private let tasks: Int
    private let ledger: TaskLedger
    private var workers: [Worker] = []
    private var nextTask = 0
    /// Tasks taken back from a worker that vanished before receiving them.
    private var returnedTasks: [Int] = []

    init(tasks: Int, ledger: TaskLedger) {
        self.tasks = tasks
        self.ledger = ledger
    }

    mutating func run(workers count: Int, launcher: any WorkerLauncher, configuration: ProcessWorker.Configuration) throws -> ExecutionResult {
        let start = MonotonicClock.now()
        do {
            for _ in 0..<count {
                workers.append(Worker(process: try launcher.launch(configuration)))
            }
        } catch {
            shutDown(grace: 1)
            throw error
        }
        for index in workers.indices { sendNextTask(to: index) }
        while workers.contains(where: { $0.task != nil }) {
            waitForReplies()
        }
        while let task = takeTask() {
            ledger.record(task: task, latency: 0, failure: "no worker process was left to run task \(task)")
        }
        let wallSeconds = MonotonicClock.seconds(since: start)
        shutDown(grace: 10)
        return ledger.result(wallSeconds: wallSeconds)
    }

    private mutating func takeTask() -> Int? {
        if let task = returnedTasks.popLast() { return task }
        guard nextTask < tasks else { return nil }
        defer { nextTask += 1 }
        return nextTask
    }

    private mutating func sendNextTask(to index: Int) {
        guard let task = takeTask() else { return }
        guard WorkerChannel.send("\(task)\n", to: workers[index].process.channel) else {
            returnedTasks.append(task)
            retire(index, because: "stopped reading tasks")
            return
        }
        workers[index].task = task
        workers[index].sentAt = MonotonicClock.now()
    }

    /// Blocks in `poll` until a busy worker has written or closed its end,
    /// then handles everything that arrived.
    private mutating func waitForReplies() {
        let busy = workers.indices.filter { workers[$0].task != nil }
        var descriptors = busy.map { pollfd(fd: workers[$0].process.channel, events: Int16(POLLIN), revents: 0) }
        guard poll(&descriptors, nfds_t(descriptors.count), -1) > 0 else { return }
        for (index, descriptor) in zip(busy, descriptors) where descriptor.revents != 0 {
            guard workers[index].replies.fill(from: descriptor.fd) else {
                retire(index, because: "closed its channel")
                continue
            }
            while workers[index].open, let line = workers[index].replies.nextLine() {
                handle(line, from: index)
            }
        }
    }

    private mutating func handle(_ line: String, from index: Int) {
        if let retries = WorkerRetries(line: line), retries.task == workers[index].task {
            ledger.recordRetries(retries.counts)
            return
        }
        guard let reply = WorkerReply(line: line), reply.task == workers[index].task else {
            retire(index, because: "sent an unreadable reply '\(line)'", grace: 0)
            return
        }
        ledger.record(
            task: reply.task, latency: reply.latency, bytesReceived: reply.bytesReceived, failure: reply.failure, kind: reply.kind
        )
        workers[index].task = nil
        sendNextTask(to: index)
    }

    /// Closes the worker's channel and reaps it; its task in flight fails
    /// with what became of the worker.
    private mutating func retire(_ index: Int, because reason: String, grace: Double = 1) {
        guard workers[index].open else { return }
        workers[index].open = false
        close(workers[index].process.channel)
        let ending = workers[index].process.reap(grace: grace)
        if let task = workers[index].task {
            workers[index].task = nil
            ledger.record(
                task: task,
                latency: MonotonicClock.seconds(since: workers[index].sentAt),
                failure: "the worker process running task \(task) \(reason) and \(ending)"
            )
        }
    }

    /// Tells every worker still open that there are no more tasks (by closing
    /// its channel) and reaps them all.
    private mutating func shutDown(grace: Double) {
        let open = workers.indices.filter { workers[$0].open }
        for index in open {
            workers[index].open = false
            close(workers[index].process.channel)
        }
        for index in open {
            _ = workers[index].process.reap(grace: grace)
        }
    }
}
