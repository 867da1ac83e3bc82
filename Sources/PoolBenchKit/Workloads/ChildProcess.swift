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
        /// What the child wrote on its report descriptor (at most
        /// `reportLimit` bytes); nil when it was given none.
        var report: [UInt8]? = nil
    }

    /// The environment variable naming a job's report descriptor.
    static let reportVariable = "POOLBENCH_REPORT_FD"
    /// The most of a report kept: a line of a million latencies fits.
    static let reportLimit = 32 << 20

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
    ///
    /// With `report`, the child also gets a pipe as its descriptor 3, named
    /// by `POOLBENCH_REPORT_FD` in its environment alone, and what it writes
    /// there comes back in the outcome. The pipe is made close-on-exec under
    /// `LiveChildren`'s lock, so no other child — another job, a command, a
    /// worker process — inherits it, and only this child's environment names it.
    static func run(_ arguments: [String], report: Bool = false) throws(PoolBenchError) -> Outcome {
        let program = arguments[0]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment = report ? reportEnvironment() : []
        defer { environment.forEach { free($0) } }
        let children = LiveChildren.shared
        let (pid, pipes) = try children.start { () throws(PoolBenchError) in
            try spawn(program, argv, environment: report ? environment : nil)
        }
        defer { close(pipes.errorOutput) }
        defer { close(pipes.statusRead) }
        defer { if pipes.report >= 0 { close(pipes.report) } }

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
        let collected = collect(errorOutput: pipes.errorOutput, report: pipes.report, statusPipe: pipes.statusRead)
        children.waitForExitIfStopping()
        return Outcome(failure: describe(status: collected.status), firstErrorLine: collected.firstLine, report: collected.report)
    }

    /// This process's environment with `POOLBENCH_REPORT_FD=3` in place of
    /// any it has, as C strings ending in nil, for one child.
    private static func reportEnvironment() -> [UnsafeMutablePointer<CChar>?] {
        var entries: [UnsafeMutablePointer<CChar>?] = []
        var cursor: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = environ
        while let entry = cursor.pointee {
            if !String(cString: entry).hasPrefix(reportVariable + "=") { entries.append(strdup(entry)) }
            cursor += 1
        }
        return entries + [strdup("\(reportVariable)=\(POOLBENCH_REPORT_DESCRIPTOR)"), nil]
    }

    /// The parent's ends of a running child's pipes.
    private struct Pipes: Sendable {
        /// The child's stderr, non-blocking.
        var errorOutput: Int32
        /// Where the waiting thread passes on the exit status.
        var statusRead: Int32
        var statusWrite: Int32
        /// The read end of the child's report pipe, non-blocking; -1 without one.
        var report: Int32 = -1
    }

    /// Starts the child with stdin and stdout on /dev/null and stderr on a
    /// pipe. Called under `LiveChildren`'s lock, so no other child is
    /// spawned between creating a pipe and marking it close-on-exec
    /// (`pipe2(O_CLOEXEC)` would do it atomically but is not imported).
    private static func spawn(
        _ program: String, _ argv: [UnsafeMutablePointer<CChar>?], environment: [UnsafeMutablePointer<CChar>?]?
    ) throws(PoolBenchError) -> (pid: pid_t, value: Pipes) {
        let errorPipe = try makePipe(program, nonBlockingRead: true)
        let statusPipe: (read: Int32, write: Int32)
        do {
            statusPipe = try makePipe(program)
        } catch {
            [errorPipe.read, errorPipe.write].forEach { close($0) }
            throw error
        }
        var reportPipe: (read: Int32, write: Int32)?
        if environment != nil {
            do {
                reportPipe = try makePipe(program, nonBlockingRead: true)
            } catch {
                [errorPipe.read, errorPipe.write, statusPipe.read, statusPipe.write].forEach { close($0) }
                throw error
            }
        }

        // Its own process group, so a Ctrl-C at the terminal reaches
        // poolbench alone and poolbench decides when the child stops.
        var pid: pid_t = 0
        let spawned = if let environment, let reportPipe {
            poolbench_spawn(&pid, program, argv, environment, NullDevice.reading, NullDevice.writing, errorPipe.write, reportPipe.write)
        } else {
            poolbench_spawn(&pid, program, argv, environ, NullDevice.reading, NullDevice.writing, errorPipe.write, -1)
        }
        close(errorPipe.write)
        if let reportPipe { close(reportPipe.write) }
        guard spawned == 0 else {
            [errorPipe.read, statusPipe.read, statusPipe.write, reportPipe?.read ?? -1].filter { $0 >= 0 }.forEach { close($0) }
            throw spawned == ENOENT || spawned == EACCES ? .commandNotFound(program: program) : .cannotStartCommand(program: program, errno: spawned)
        }
        return (pid, Pipes(errorOutput: errorPipe.read, statusRead: statusPipe.read, statusWrite: statusPipe.write, report: reportPipe?.read ?? -1))
    }

    /// A pipe whose ends are close-on-exec, its read end non-blocking when asked.
    private static func makePipe(_ program: String, nonBlockingRead: Bool = false) throws(PoolBenchError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .cannotStartCommand(program: program, errno: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        if nonBlockingRead { _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK) }
        return (ends[0], ends[1])
    }

    /// Reads the child's stderr (and report, when it has one) while it runs,
    /// so a chatty child never blocks on a full pipe, until its exit status
    /// arrives on `statusPipe`; then reads what is left in the pipes without
    /// waiting for more, since a process it left behind may hold them open
    /// for as long as it likes. Keeps stderr's first non-empty line (at most
    /// 4 KiB of it) and the report's first `reportLimit` bytes.
    private static func collect(
        errorOutput: Int32, report: Int32, statusPipe: Int32
    ) -> (status: Int32, firstLine: String?, report: [UInt8]?) {
        var readers = [PipeReader(descriptor: errorOutput, limit: 4096)]
        if report >= 0 { readers.append(PipeReader(descriptor: report, limit: reportLimit)) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var watched = readers.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            + [pollfd(fd: statusPipe, events: Int16(POLLIN), revents: 0)]
        while watched[readers.count].revents == 0 {
            guard poll(&watched, nfds_t(watched.count), -1) >= 0 || errno == EINTR else { break }
            // A negative descriptor is skipped by poll: that pipe has ended.
            for index in readers.indices where watched[index].revents != 0 {
                if !readers[index].drain(&buffer) { watched[index].fd = -1 }
            }
        }
        for index in readers.indices where watched[index].fd >= 0 { _ = readers[index].drain(&buffer) }

        var status: Int32 = 0
        while read(statusPipe, &status, MemoryLayout<Int32>.size) == -1 && errno == EINTR {}
        let text = String(decoding: readers[0].kept, as: UTF8.self)
        let firstLine = text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
        return (status, firstLine, readers.count > 1 ? readers[1].kept : nil)
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

/// One non-blocking pipe from a child, read as it fills.
private struct PipeReader {
    let descriptor: Int32
    /// The most bytes kept; the rest is read and dropped.
    let limit: Int
    var kept: [UInt8] = []

    /// Reads what is there now, about a MiB at most, so a writer that
    /// never pauses cannot keep the exit status from being seen; false
    /// once the pipe has ended.
    mutating func drain(_ buffer: inout [UInt8]) -> Bool {
        var total = 0
        while total < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) }
            if kept.count < limit { kept += buffer[0..<min(count, limit - kept.count)] }
            total += count
        }
        return true
    }
}

/// /dev/null opened once for every child's stdin and stdout.
private enum NullDevice {
    static let reading = open("/dev/null", O_RDONLY | O_CLOEXEC)
    static let writing = open("/dev/null", O_WRONLY | O_CLOEXEC)
}
