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
