import Glibc

/// A slot server shared by the worker processes of one `processes`
/// execution: a POSIX named semaphore holding the free slots. The parent
/// creates it for the execution and unlinks it afterwards (or when its
/// handle goes, at the latest); each worker opens it by name.
///
/// Ordering across processes is only approximately FIFO: waiters are woken
/// roughly in arrival order, but a newcomer can take a slot released just
/// before a woken waiter runs.
final class SharedSlots: SlotServer, @unchecked Sendable {
    // @unchecked: a POSIX semaphore is made for use by many threads at once.
    let capacity: Int
    let name: String
    private let semaphore: UnsafeMutablePointer<sem_t>
    private let ownsName: Bool
    private let registry: TemporaryResources

    private init(capacity: Int, name: String, semaphore: UnsafeMutablePointer<sem_t>, ownsName: Bool, registry: TemporaryResources) {
        self.capacity = capacity
        self.name = name
        self.semaphore = semaphore
        self.ownsName = ownsName
        self.registry = registry
    }

    /// Creates a fresh semaphore with `capacity` free slots, registered so an
    /// interrupted run unlinks it.
    static func create(capacity: Int, registry: TemporaryResources = .shared) throws(PoolBenchError) -> SharedSlots {
        let name = "/poolbench-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let semaphore = sem_open(name, O_CREAT | O_EXCL, 0o600, UInt32(capacity))
        guard let semaphore, semaphore != SEM_FAILED else {
            throw .cannotOpenSharedSlots(name: name, errno: errno)
        }
        registry.registerSemaphore(name)
        return SharedSlots(capacity: capacity, name: name, semaphore: semaphore, ownsName: true, registry: registry)
    }

    /// Opens the semaphore another process created.
    static func open(name: String, capacity: Int) throws(PoolBenchError) -> SharedSlots {
        let semaphore = sem_open(name, 0)
        guard let semaphore, semaphore != SEM_FAILED else {
            throw .cannotOpenSharedSlots(name: name, errno: errno)
        }
        return SharedSlots(capacity: capacity, name: name, semaphore: semaphore, ownsName: false, registry: .shared)
    }

    deinit {
        sem_close(semaphore)
        unlink()
    }

    /// Removes the name, so no other process can open the semaphore; those
    /// that have keep using it. Only the creator's handle does this.
    func unlink() {
        if ownsName { registry.unlinkSemaphore(name) }
    }

    func acquireBlocking() {
        while sem_wait(semaphore) != 0 && errno == EINTR {}
    }

    /// Takes a free slot if there is one, without waiting.
    func tryAcquire() -> Bool {
        sem_trywait(semaphore) == 0
    }

    /// Polls, so that no cooperative thread ever waits in `sem_wait`.
    /// Worker processes run blocking bodies, so this path is a fallback.
    func acquire() async {
        var pause = 50_000
        while !tryAcquire() {
            try? await Task.sleep(for: .nanoseconds(pause))
            pause = min(pause * 2, 1_000_000)
        }
    }

    func release() {
        sem_post(semaphore)
    }
}
