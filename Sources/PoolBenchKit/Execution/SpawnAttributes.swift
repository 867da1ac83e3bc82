import Glibc

/// The `posix_spawn` attributes every child of poolbench starts with: no
/// signal blocked and every signal at its default action.
///
/// A child inherits the spawning thread's signal mask and the signals its
/// parent ignores, across exec. poolbench blocks SIGINT and SIGTERM (dispatch
/// reads them from a signalfd) and ignores them (`Interrupts`), so a child
/// started plainly could be stopped by neither, and would outlive an
/// interrupted poolbench.
enum SpawnAttributes {
    /// Calls `body` with the attributes. With `ownProcessGroup`, the child
    /// also leads a new process group, so a Ctrl-C at the terminal reaches
    /// poolbench alone and poolbench decides when the child stops.
    static func with<Result, Failure: Error>(
        ownProcessGroup: Bool, _ body: (UnsafePointer<posix_spawnattr_t>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        return try body(&attributes)
    }
}

/// Starting a child that talks to poolbench over its standard input and
/// output: the resident Python worker, and the `processes` executor's
/// workers. Both are one end of a socket pair, close-on-exec, so no other
/// child inherits the channel and keeps it open after the parent closes
/// its end.
enum ChannelSpawn {
    /// Spawns `program` with `arguments` (argv, nil-terminated) and
    /// `environment` (nil: poolbench's own), its standard input and output
    /// one end of a new socket pair; with `silencingStandardError`, its
    /// standard error /dev/null, so what it prints never reaches the
    /// terminal. Returns the child and the parent's end of the channel;
    /// when the spawn fails, throws what `failure` makes of its status.
    static func spawn(
        _ program: String, arguments: [UnsafeMutablePointer<CChar>?], environment: [UnsafeMutablePointer<CChar>?]? = nil,
        ownProcessGroup: Bool, silencingStandardError: Bool = false, failure: (Int32) -> PoolBenchError
    ) throws(PoolBenchError) -> (pid: pid_t, channel: Int32) {
        var ends: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &ends) == 0 else { throw .cannotCreateChannel(errno: errno) }
        let (parentEnd, childEnd) = (ends[0], ends[1])
        defer { close(childEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childEnd, STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, childEnd, STDOUT_FILENO)
        if silencingStandardError {
            posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        }
        var pid = pid_t()
        let status = SpawnAttributes.with(ownProcessGroup: ownProcessGroup) { attributes in
            if let environment { return posix_spawnp(&pid, program, &actions, attributes, arguments, environment) }
            return posix_spawnp(&pid, program, &actions, attributes, arguments, environ)
        }
        guard status == 0 else {
            close(parentEnd)
            throw failure(status)
        }
        return (pid, parentEnd)
    }
}
