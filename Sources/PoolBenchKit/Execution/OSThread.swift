import Glibc

/// A joinable POSIX thread running a closure. Executors own their threads,
/// so blocking work never occupies the cooperative pool.
struct OSThread {
    private let handle: pthread_t

    /// Starts `body` on a new thread.
    static func spawn(_ body: @escaping @Sendable () -> Void) throws(PoolBenchError) -> OSThread {
        let context = Unmanaged.passRetained(ThreadContext(body: body)).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { context in
            let thread = Unmanaged<ThreadContext>.fromOpaque(context!).takeRetainedValue()
            thread.body()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<ThreadContext>.fromOpaque(context).release()
            throw .cannotStartThread(errno: status)
        }
        return OSThread(handle: handle)
    }

    /// Waits for the thread to finish and releases it.
    func join() {
        pthread_join(handle, nil)
    }

    /// Lets the thread release itself when it finishes; nobody will join it.
    func detach() {
        pthread_detach(handle)
    }
}

private final class ThreadContext {
    let body: @Sendable () -> Void

    init(body: @escaping @Sendable () -> Void) {
        self.body = body
    }
}
