import Glibc

/// Starts the worker processes of one `processes` execution. The executor
/// talks to what it returns only through `LaunchedWorker`, so tests can stand
/// in workers that are not processes.
protocol WorkerLauncher: Sendable {
    func launch(_ configuration: ProcessWorker.Configuration) throws(PoolBenchError) -> any LaunchedWorker
}

/// One started worker, seen from the parent.
protocol LaunchedWorker {
    /// The parent's end of the channel: task lines go in, replies come out.
    var channel: Int32 { get }
    /// After the parent has closed `channel`, waits up to `grace` seconds
    /// for the worker to end, kills it if it has not, and says how it ended.
    func reap(grace: Double) -> String
}

/// Launches `command` with `posix_spawnp`, its standard input and output
/// connected to a socket pair, and `ProcessWorker.arguments(for:)` in its
/// environment rather than its arguments: a workload's credentials (an http
/// workload's headers) would show in `ps` to every user of the machine,
/// while a process's environment only its owner can read.
struct SpawnedWorkerLauncher: WorkerLauncher {
    let command: [String]

    func launch(_ configuration: ProcessWorker.Configuration) throws(PoolBenchError) -> any LaunchedWorker {
        guard let program = command.first else { throw .emptyWorkerCommand }
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let variable = ProcessWorker.configurationVariable + "=" + ProcessWorker.arguments(for: configuration)[0]
        var inherited: [UnsafeMutablePointer<CChar>?] = []
        var entry = environ
        while let pointer = entry.pointee {
            if !String(cString: pointer).hasPrefix(ProcessWorker.configurationVariable + "=") { inherited.append(pointer) }
            entry += 1
        }
        let own = strdup(variable)
        defer { free(own) }
        let environment = inherited + [own, nil]
        // In poolbench's process group: a worker ignores Ctrl-C itself, and
        // ends when the parent closes its channel.
        let child = try ChannelSpawn.spawn(program, arguments: arguments, environment: environment, ownProcessGroup: false) {
            .cannotStartWorker(command: program, errno: $0)
        }
        return SpawnedWorker(pid: child.pid, channel: child.channel)
    }
}

struct SpawnedWorker: LaunchedWorker {
    let pid: pid_t
    let channel: Int32

    func reap(grace: Double) -> String {
        let deadline = MonotonicClock.now() + UInt64(grace * 1e9)
        var pause: UInt32 = 200
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return Self.describe(status) }
            if result < 0 && errno != EINTR { return "could not be waited for (\(PoolBenchError.text(errno)))" }
            if MonotonicClock.now() >= deadline { break }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return "was killed after not ending within \(grace) seconds"
    }

    /// `WIFEXITED`/`WEXITSTATUS`/`WTERMSIG`, which Swift does not import.
    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        return signal == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(signal)"
    }
}
