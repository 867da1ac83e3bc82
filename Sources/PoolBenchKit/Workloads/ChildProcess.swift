import CPoolBenchSpawn
import Glibc

/// Runs a program directly — never a shell — with stdin and stdout on
/// /dev/null, and keeps the first line of what it wrote to stderr.
/// Waiting reaps the child, so its CPU time lands in RUSAGE_CHILDREN. Each
/// child is registered in `LiveChildren` while it runs, so an interrupted
/// poolbench stops it, and is marked to be killed by the kernel when the
/// thread that started it dies, so a poolbench killed outright (SIGKILL, a
/// crash) stops it too (`poolbench_spawn`).
enum ChildProcess {
    /// How a child ended.
    struct Outcome: Equatable {
        /// "exited with status 3" or "was killed by signal 9"; nil on success.
        var failure: String?
        var firstErrorLine: String?
    }

    /// The path `posix_spawnp` would run for `program`, or nil when there is
    /// no executable file by that name (a path) or in `PATH` (a bare name).
    static func resolve(_ program: String) -> String? {
        guard !program.isEmpty else { return nil }
        if program.contains("/") {
            return isExecutableFile(program) ? program : nil
        }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + program
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    /// Runs `arguments` until the program itself exits. A background process
    /// it leaves behind does not stretch the task, even when it inherited
    /// stderr; what the program wrote before exiting is still read.
    static func run(_ arguments: [String]) throws(PoolBenchError) -> Outcome {
        let program = arguments[0]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let children = LiveChildren.shared
        let (pid, pipes) = try children.start { () throws(PoolBenchError) in try spawn(program, argv) }
        defer { close(pipes.errorOutput) }
        defer { close(pipes.statusRead) }

        // A thread of its own waits for the exit, so this one can keep
        // reading stderr meanwhile; it passes the status through a pipe this
        // one polls beside stderr.
        do {
            try OSThread.spawn {
                var status = children.waitAndReap(pid)
                _ = write(pipes.statusWrite, &status, MemoryLayout<Int32>.size)
                close(pipes.statusWrite)
            }.detach()
        } catch {
            close(pipes.statusWrite)
            kill(-pid, SIGKILL)
            _ = children.waitAndReap(pid)
            throw error
        }
        let (status, firstLine) = collect(errorOutput: pipes.errorOutput, statusPipe: pipes.statusRead)
        children.waitForExitIfStopping()
        return Outcome(failure: describe(status: status), firstErrorLine: firstLine)
    }

    /// The parent's ends of a running child's pipes.
    private struct Pipes: Sendable {
        /// The child's stderr, non-blocking.
        var errorOutput: Int32
        /// Where the waiting thread passes on the exit status.
        var statusRead: Int32
        var statusWrite: Int32
    }

    /// Starts the child with stdin and stdout on /dev/null and stderr on a
    /// pipe. Called under `LiveChildren`'s lock, so no other child is
    /// spawned between creating a pipe and marking it close-on-exec
    /// (`pipe2(O_CLOEXEC)` would do it atomically but is not imported).
    private static func spawn(_ program: String, _ argv: [UnsafeMutablePointer<CChar>?]) throws(PoolBenchError) -> (pid: pid_t, value: Pipes) {
        var errorEnds: [Int32] = [-1, -1]
        var statusEnds: [Int32] = [-1, -1]
        guard pipe(&errorEnds) == 0 else { throw .cannotStartCommand(program: program, errno: errno) }
        guard pipe(&statusEnds) == 0 else {
            let code = errno
            errorEnds.forEach { close($0) }
            throw .cannotStartCommand(program: program, errno: code)
        }
        for end in errorEnds + statusEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(errorEnds[0], F_SETFL, fcntl(errorEnds[0], F_GETFL) | O_NONBLOCK)

        // Its own process group, so a Ctrl-C at the terminal reaches
        // poolbench alone and poolbench decides when the child stops.
        var pid: pid_t = 0
        let spawned = poolbench_spawn(&pid, program, argv, environ, NullDevice.reading, NullDevice.writing, errorEnds[1])
        close(errorEnds[1])
        guard spawned == 0 else {
            [errorEnds[0], statusEnds[0], statusEnds[1]].forEach { close($0) }
            throw spawned == ENOENT || spawned == EACCES ? .commandNotFound(program: program) : .cannotStartCommand(program: program, errno: spawned)
        }
        return (pid, Pipes(errorOutput: errorEnds[0], statusRead: statusEnds[0], statusWrite: statusEnds[1]))
    }

    /// Reads the child's stderr while it runs, so a chatty child never
    /// blocks on a full pipe, until its exit status arrives on `statusPipe`;
    /// then reads what is left in the pipe without waiting for more, since a
    /// process it left behind may hold stderr open for as long as it likes.
    /// Keeps the first non-empty line (at most 4 KiB of it).
    private static func collect(errorOutput: Int32, statusPipe: Int32) -> (status: Int32, firstLine: String?) {
        var kept: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        /// Reads what is there now, about a MiB at most, so a writer that
        /// never pauses cannot keep the exit status from being seen; false
        /// once the pipe has ended.
        func drain() -> Bool {
            var total = 0
            while total < 1 << 20 {
                let count = buffer.withUnsafeMutableBytes { read(errorOutput, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) }
                if kept.count < 4096 { kept += buffer[0..<min(count, 4096 - kept.count)] }
                total += count
            }
            return true
        }
        var watched = [
            pollfd(fd: errorOutput, events: Int16(POLLIN), revents: 0),
            pollfd(fd: statusPipe, events: Int16(POLLIN), revents: 0),
        ]
        while watched[1].revents == 0 {
            guard poll(&watched, nfds_t(watched.count), -1) >= 0 || errno == EINTR else { break }
            // A negative descriptor is skipped by poll: stderr has ended.
            if watched[0].revents != 0 && !drain() { watched[0].fd = -1 }
        }
        if watched[0].fd >= 0 { _ = drain() }

        var status: Int32 = 0
        while read(statusPipe, &status, MemoryLayout<Int32>.size) == -1 && errno == EINTR {}
        let text = String(decoding: kept, as: UTF8.self)
        let firstLine = text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
        return (status, firstLine)
    }

    /// nil for exit status 0, otherwise how the child ended, from the
    /// `waitpid` status word (the W* macros are not imported into Swift).
    private static func describe(status: Int32) -> String? {
        let signal = status & 0x7f
        if signal == 0 {
            let code = (status >> 8) & 0xff
            return code == 0 ? nil : "exited with status \(code)"
        }
        return "was killed by signal \(signal)"
    }
}

/// /dev/null opened once for every child's stdin and stdout.
private enum NullDevice {
    static let reading = open("/dev/null", O_RDONLY | O_CLOEXEC)
    static let writing = open("/dev/null", O_WRONLY | O_CLOEXEC)
}
