import Glibc

/// Runs a program directly — `posix_spawnp`, never a shell — with stdin and
/// stdout on /dev/null, and keeps the first line of what it wrote to stderr.
/// Waiting reaps the child, so its CPU time lands in RUSAGE_CHILDREN. Each
/// child is registered in `LiveChildren` while it runs, so an interrupted
/// poolbench stops it.
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

    /// Runs `arguments` to completion.
    static func run(_ arguments: [String]) throws(PoolBenchError) -> Outcome {
        let program = arguments[0]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let children = LiveChildren.shared
        let (pid, readEnd) = try children.start { () throws(PoolBenchError) in try spawn(program, argv) }
        let firstLine = readFirstLine(from: readEnd)
        close(readEnd)
        let status = children.waitAndReap(pid)
        children.waitForExitIfStopping()
        return Outcome(failure: describe(status: status), firstErrorLine: firstLine)
    }

    /// Starts the child with stdin and stdout on /dev/null and stderr on a
    /// pipe. Called under `LiveChildren`'s lock, so no other child is
    /// spawned between creating the pipe and marking it close-on-exec
    /// (`pipe2(O_CLOEXEC)` would do it atomically but is not imported).
    private static func spawn(_ program: String, _ argv: [UnsafeMutablePointer<CChar>?]) throws(PoolBenchError) -> (pid: pid_t, value: Int32) {
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { throw .cannotStartCommand(program: program, errno: errno) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)

        var pid: pid_t = 0
        let spawned = SpawnAttributes.with(ownProcessGroup: true) { attributes in
            posix_spawnp(&pid, program, &actions, attributes, argv, environ)
        }
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            throw spawned == ENOENT || spawned == EACCES ? .commandNotFound(program: program) : .cannotStartCommand(program: program, errno: spawned)
        }
        return (pid, readEnd)
    }

    /// Reads `fd` to its end, so the child never blocks on a full pipe, and
    /// keeps the first non-empty line (at most 4 KiB of it).
    private static func readFirstLine(from fd: Int32) -> String? {
        var kept: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            if kept.count < 4096 { kept += buffer[0..<min(count, 4096 - kept.count)] }
        }
        let text = String(decoding: kept, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) }.map(String.init)
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
