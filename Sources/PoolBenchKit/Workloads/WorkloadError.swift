import Glibc

/// Why a workload could not be built, or why one of its tasks failed.
public enum WorkloadError: Error, Equatable, CustomStringConvertible {
    case invalidParameter(name: String, value: String, expected: String)
    case cannotCreateTemporaryDirectory(base: String, errno: Int32)
    case fileOperationFailed(operation: String, path: String, errno: Int32)
    case shortRead(path: String, expected: Int, actual: Int)
    case wrongResult(workload: String, expected: String, actual: String)
    case cannotOpenSharedSlots(name: String, errno: Int32)
    case requestFailed(url: String, reason: String)
    case commandNotFound(program: String)
    case cannotStartCommand(program: String, errno: Int32)
    case commandFailed(program: String, status: String, firstLine: String?)
    case jobRunsWholeProgram

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, expected):
            "Invalid \(name) '\(value)': expected \(expected)."
        case let .cannotCreateTemporaryDirectory(base, code):
            "Cannot create a temporary directory in \(base): \(Self.text(code)). Set TMPDIR to a writable directory."
        case let .fileOperationFailed(operation, path, code):
            "Cannot \(operation) \(path): \(Self.text(code))."
        case let .shortRead(path, expected, actual):
            "Read back \(actual) of the \(expected) bytes written to \(path)."
        case let .wrongResult(workload, expected, actual):
            "The \(workload) workload computed \(actual) instead of \(expected)."
        case let .cannotOpenSharedSlots(name, code):
            "Cannot open the semaphore \(name) that shares the server's slots between worker processes: \(Self.text(code))."
        case let .requestFailed(url, reason):
            "GET \(url): \(reason)"
        case let .commandNotFound(program):
            program.contains("/")
                ? "Cannot run '\(program)': no executable file there. Check the path."
                : "Cannot run '\(program)': no executable of that name in PATH. Check the name, or give its full path."
        case let .cannotStartCommand(program, code):
            "Cannot start '\(program)': \(Self.text(code))."
        case let .commandFailed(program, status, firstLine):
            "'\(program)' \(status)" + (firstLine.map { ": \($0)" } ?? "")
        case .jobRunsWholeProgram:
            "A job runs its whole program once per run, with the job executor; it has no tasks to schedule."
        }
    }

    static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
