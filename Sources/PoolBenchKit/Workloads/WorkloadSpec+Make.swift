extension WorkloadSpec {
    /// The workload this spec describes, with its parameters checked. Call
    /// `close()` on it when done: the `file` workload holds a directory.
    public func makeWorkload() throws -> any Workload {
        switch self {
        case let .sleep(duration, capacity): try SleepWorkload(duration: duration, capacity: capacity)
        case let .cpu(size): try CpuWorkload(size: size)
        case let .file(bytes): try FileWorkload(bytes: bytes)
        case let .http(request): try HTTPWorkload(request)
        case let .command(arguments): try CommandWorkload(arguments: arguments)
        case let .job(arguments, items): try JobWorkload(arguments: arguments, items: items)
        case let .python(function): try PythonWorkload(function)
        }
    }
}
