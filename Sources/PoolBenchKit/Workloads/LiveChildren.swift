import Glibc
import Synchronization

/// The command and job children this process has started and not yet
/// reaped, so an interrupt can stop them instead of leaving them running
/// after poolbench exits.
///
/// Each child leads its own process group (see `SpawnAttributes`), so
/// stopping it also reaches what it started, like a job's own worker
/// processes.
final class LiveChildren: Sendable {
    /// The process-wide registry `ChildProcess` uses.
    static let shared = LiveChildren()

    private struct State {
        var pids: Set<pid_t> = []
        var stopping = false
    }

    private let state = Mutex(State())

    init() {}

    /// Calls `spawn`, which starts one child and returns its pid, and
    /// records the pid. The lock is held throughout, so `terminateAll` never
    /// misses a child being started, and no other child is spawned meanwhile
    /// (which could inherit a pipe end not yet marked close-on-exec).
    ///
    /// Once stopping, no child starts: the calling thread waits for the exit
    /// that is under way instead of returning.
    func start<Value>(_ spawn: () throws(PoolBenchError) -> (pid: pid_t, value: Value)) throws(PoolBenchError) -> (pid: pid_t, value: Value) {
        let started = try state.withLock { state throws(PoolBenchError) -> (pid: pid_t, value: Value)? in
            guard !state.stopping else { return nil }
            let started = try spawn()
            state.pids.insert(started.pid)
            return started
        }
        guard let started else { Self.waitForExit() }
        return started
    }

    /// Blocks until `pid` has ended, then reaps it and forgets it; returns
    /// its `waitpid` status. Reaping and forgetting happen under the lock,
    /// so `terminateAll` never signals a pid that was reaped and reused.
    func waitAndReap(_ pid: pid_t) -> Int32 {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        return state.withLock { state in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            state.pids.remove(pid)
            return status
        }
    }

    /// When poolbench is stopping, blocks the calling thread until it exits:
    /// a child killed by the interrupt must not be reported as a failed task
    /// of a run that would then be stored.
    func waitForExitIfStopping() {
        if state.withLock({ $0.stopping }) { Self.waitForExit() }
    }

    /// Stops new children from starting, sends SIGTERM to every live one
    /// (its whole process group), and waits up to `grace` seconds for them
    /// to be reaped; SIGKILL for those still there, and as long again.
    func terminateAll(grace: Double = 1) {
        let pids = state.withLock { state in
            state.stopping = true
            return state.pids
        }
        for pid in pids { signal(pid, SIGTERM) }
        let left = waitUntilReaped(pids, within: grace)
        for pid in left { signal(pid, SIGKILL) }
        _ = waitUntilReaped(left, within: grace)
    }

    /// The group first; the child alone if it has left its group.
    private func signal(_ pid: pid_t, _ number: Int32) {
        if kill(-pid, number) != 0 { kill(pid, number) }
    }

    /// Which of `pids` are still unreaped when they all are, or `seconds` pass.
    private func waitUntilReaped(_ pids: Set<pid_t>, within seconds: Double) -> Set<pid_t> {
        let deadline = MonotonicClock.now() + UInt64(seconds * 1e9)
        while true {
            let left = state.withLock { pids.intersection($0.pids) }
            if left.isEmpty || MonotonicClock.now() >= deadline { return left }
            usleep(2_000)
        }
    }

    private static func waitForExit() -> Never {
        while true { sleep(60) }
    }
}
