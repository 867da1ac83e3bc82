import Glibc
import Synchronization

/// Writes `bytes` to a file per task, fsyncs it, reads it back, checks the
/// length and removes the file: disk I/O, including the wait for the device.
///
/// The files live in a private temporary directory made when the workload is
/// built. `close()` removes it (deinit does too, as a safety net), and
/// `TemporaryResources.removeAll()` removes it when a run is interrupted.
final class FileWorkload: Workload {
    let bytes: Int
    /// Where this workload's task files come and go.
    let directory: String
    private let payload: [UInt8]
    private let registry: TemporaryResources

    convenience init(bytes: Int) throws(PoolBenchError) {
        try self.init(bytes: bytes, registry: .shared)
    }

    init(bytes: Int, registry: TemporaryResources) throws(PoolBenchError) {
        guard bytes >= 0 else {
            throw .invalidParameter(name: "bytes", value: "\(bytes)", expected: "at least 0")
        }
        self.bytes = bytes
        self.registry = registry
        payload = (0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        directory = try registry.makeDirectory(prefix: "file")
    }

    deinit {
        close()
    }

    var spec: WorkloadSpec { .file(bytes: bytes) }

    func runBlocking(task: Int) throws {
        let path = "\(directory)/task-\(task)"
        defer { unlink(path) }
        try write(to: path)
        let read = try readBack(from: path)
        guard read == bytes else {
            throw PoolBenchError.shortRead(path: path, expected: bytes, actual: read)
        }
    }

    /// The file calls block until the disk answers, so they run on a thread
    /// of their own and the task awaits it: the cooperative pool never waits
    /// on the disk.
    func run(task: Int) async throws {
        try await BlockingCall.run { try self.runBlocking(task: task) }
    }

    func close() {
        registry.removeDirectory(directory)
    }

    private func write(to path: String) throws(PoolBenchError) {
        let descriptor = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("create", path) }
        defer { Glibc.close(descriptor) }
        var written = 0
        while written < bytes {
            let count = payload.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, bytes - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw failure("fsync", path) }
    }

    /// Reads the file to its end and returns how many bytes it held.
    private func readBack(from path: String) throws(PoolBenchError) -> Int {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open", path) }
        defer { Glibc.close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: min(max(bytes, 1), 1 << 20))
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if count == 0 { return total }
            total += count
        }
    }

    private func failure(_ operation: String, _ path: String) -> PoolBenchError {
        .fileOperationFailed(operation: operation, path: path, errno: errno)
    }
}
