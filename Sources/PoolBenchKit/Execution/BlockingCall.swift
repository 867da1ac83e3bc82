import Dispatch

/// Runs blocking calls off the cooperative pool for an async caller.
enum BlockingCall {
    /// Runs `body` on a fresh serial dispatch queue and resumes the caller
    /// with its result. Serial queues overcommit, so every call in flight
    /// gets a thread (libdispatch reuses them) and none is throttled to the
    /// core count, which would cap the concurrency being measured.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "poolbench.blocking").async {
                continuation.resume(with: Result(catching: body))
            }
        }
    }
}
