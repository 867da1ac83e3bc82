import Glibc

/// Why an execution could not run at all. A task's own failure is never one
/// of these: it is counted in `ExecutionResult.errorCount` instead.
public enum ExecutionError: Error, Equatable, CustomStringConvertible {
    case invalidWorkers(Int)
    case invalidTasks(Int)
    case cannotStartThread(errno: Int32)
    case emptyWorkerCommand
    case cannotStartWorker(command: String, errno: Int32)
    case cannotCreateChannel(errno: Int32)
    case invalidWorkerArguments(String)
    case workerProtocolViolation(String)
    case notAJob(workload: String)

    public var description: String {
        switch self {
        case let .invalidWorkers(workers):
            "Workers must be at least 1, not \(workers)."
        case let .invalidTasks(tasks):
            "Tasks must be at least 0, not \(tasks)."
        case let .cannotStartThread(code):
            "Cannot start a thread: \(Self.text(code)). Try fewer workers."
        case .emptyWorkerCommand:
            "The processes executor needs a worker command to launch, and none was given."
        case let .cannotStartWorker(command, code):
            "Cannot start the worker process '\(command)': \(Self.text(code))."
        case let .cannotCreateChannel(code):
            "Cannot create a channel to a worker process: \(Self.text(code)). Try fewer workers."
        case let .invalidWorkerArguments(detail):
            "A worker process got arguments it cannot read (\(detail)); it is started by poolbench, not by hand."
        case let .workerProtocolViolation(detail):
            "A worker process and poolbench disagree about their protocol: \(detail)."
        case let .notAJob(workload):
            "The job executor runs whole programs given with --job, not the \(workload) workload."
        }
    }

    static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    static func validate(tasks: Int, workers: Int) throws(ExecutionError) {
        guard workers >= 1 else { throw .invalidWorkers(workers) }
        guard tasks >= 0 else { throw .invalidTasks(tasks) }
    }
}
