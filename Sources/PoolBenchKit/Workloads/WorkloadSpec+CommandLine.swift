import Foundation

extension WorkloadSpec {
    /// The spec whose `name` and `parameterText` these are, so an answer
    /// from the history can say how to measure the same workload again; nil
    /// when the text does not hold the whole workload. An `http` workload of
    /// several URLs stores only their count and the first (and of a body,
    /// only its size), a credential reads back as `***`, and a job whose
    /// last argument is literally `items=N` reads as one given `--items N`.
    public init?(name: String, parameterText text: String) {
        let pairs = text.split(separator: " ").map { pair -> (name: Substring, value: Substring) in
            let equals = pair.firstIndex(of: "=") ?? pair.endIndex
            return (pair[..<equals], pair[equals...].dropFirst())
        }
        func value(_ name: String) -> String? {
            pairs.first { $0.name == name }.map { String($0.value) }
        }
        let names = pairs.map { String($0.name) }
        switch name {
        case "sleep":
            guard names == ["duration"] || names == ["duration", "capacity"],
                  let duration = value("duration").flatMap(Units.parseDuration)
            else { return nil }
            var capacity: Int?
            if let text = value("capacity") {
                guard let slots = Int(text) else { return nil }
                capacity = slots
            }
            self = .sleep(duration: duration, capacity: capacity)
        case "cpu":
            guard names == ["size"], let size = value("size").flatMap({ Int($0) }) else { return nil }
            self = .cpu(size: size)
        case "file":
            guard names == ["bytes"], let bytes = value("bytes").flatMap(Units.parseBytes) else { return nil }
            self = .file(bytes: bytes)
        case "http":
            guard let request = HTTPRequestSpec(parameterText: text) else { return nil }
            self = .http(request)
        case "command":
            guard text.hasPrefix("command="), let arguments = try? CommandLineSplitter.split(String(text.dropFirst(8))),
                  !arguments.isEmpty
            else { return nil }
            self = .command(arguments: arguments)
        case "job":
            guard text.hasPrefix("job=") else { return nil }
            var commandLine = Substring(text.dropFirst(4))
            var items: Int?
            if let itemsPair = commandLine.range(of: " items=", options: .backwards),
               let count = Int(commandLine[itemsPair.upperBound...]) {
                items = count
                commandLine = commandLine[..<itemsPair.lowerBound]
            }
            guard let arguments = try? CommandLineSplitter.split(String(commandLine)), !arguments.isEmpty else { return nil }
            self = .job(arguments: arguments, items: items)
        case "python":
            guard let function = PythonFunctionSpec(pairs: pairs.map { (String($0.name), String($0.value)) }) else { return nil }
            self = .python(function)
        default:
            return nil
        }
    }

    /// The arguments of `poolbench run` (from `poolbench` on) that measure
    /// this workload with `executor` at the worker counts `workers`: the
    /// workload's own flags as a person would type them, each URL with its
    /// own `--url`, a command after `--`, a job as one `--job` argument.
    public func runArguments(executor: String, workers: String) -> [String] {
        let sweep = ["--executor", executor, "--workers", workers]
        switch self {
        case let .sleep(duration, capacity):
            return ["poolbench", "run", name, "--duration", Units.formatDuration(duration)]
                + (capacity.map { ["--capacity", String($0)] } ?? []) + sweep
        case let .cpu(size):
            return ["poolbench", "run", name, "--size", String(size)] + sweep
        case let .file(bytes):
            return ["poolbench", "run", name, "--bytes", Units.formatBytes(bytes)] + sweep
        case let .http(request):
            return ["poolbench", "run", name] + request.arguments + sweep
        case let .command(arguments):
            return ["poolbench", "run", name] + sweep + ["--"] + arguments
        case let .job(arguments, items):
            // A job is its own executor and takes no --executor.
            return ["poolbench", "run", "--job", CommandLineSplitter.join(arguments)]
                + (items.map { ["--items", String($0)] } ?? []) + ["--workers", workers]
        case let .python(function):
            return ["poolbench", "run", name] + function.arguments + sweep
        }
    }
}
