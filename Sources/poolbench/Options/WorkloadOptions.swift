import ArgumentParser
import PoolBenchKit

/// The built-in workloads, by command-line name.
enum WorkloadName: String, ExpressibleByArgument, CaseIterable {
    case sleep, cpu, file
}

/// Each workload's own parameters. A parameter given to a workload that
/// does not take it is an error rather than silently ignored.
struct WorkloadOptions: ParsableArguments {
    @Option(help: ArgumentHelp("sleep: how long each task waits (10ms, 1.5s).", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("sleep: simulate a server with this many slots served in arrival order.", valueName: "k"))
    var capacity: Int?

    @Option(help: ArgumentHelp("cpu: sum the squares of 0..<size in each task (default 1000000).", valueName: "n"))
    var size: Int?

    @Option(help: ArgumentHelp("file: bytes each task writes, fsyncs and reads back (default 64KiB).", valueName: "size"))
    var bytes: String?

    /// The workload `name` with these parameters, or a sentence saying
    /// which parameter is wrong.
    func spec(for name: WorkloadName) throws(ValidationError) -> WorkloadSpec {
        let given: [(flag: String, workload: WorkloadName, isSet: Bool)] = [
            ("--duration", .sleep, duration != nil), ("--capacity", .sleep, capacity != nil),
            ("--size", .cpu, size != nil), ("--bytes", .file, bytes != nil),
        ]
        for parameter in given where parameter.isSet && parameter.workload != name {
            throw ValidationError("\(parameter.flag) applies to the \(parameter.workload.rawValue) workload, not \(name.rawValue).")
        }
        switch name {
        case .sleep:
            let seconds = try duration.map { text throws(ValidationError) in
                guard let seconds = Units.parseDuration(text) else {
                    throw ValidationError("--duration '\(text)' is not a duration; use a number with a unit, like 10ms or 1.5s.")
                }
                return seconds
            } ?? 0.01
            if let capacity, capacity < 1 {
                throw ValidationError("--capacity must be at least 1; got \(capacity).")
            }
            return .sleep(duration: seconds, capacity: capacity)
        case .cpu:
            let size = size ?? 1_000_000
            guard size >= 1 else { throw ValidationError("--size must be at least 1; got \(size).") }
            return .cpu(size: size)
        case .file:
            let count = try bytes.map { text throws(ValidationError) in
                guard let count = Units.parseBytes(text), count >= 1, count <= 1 << 30 else {
                    throw ValidationError("--bytes '\(text)' is not a size from 1B to 1GiB; use e.g. 4096, 64KiB or 1MiB.")
                }
                return count
            } ?? 65_536
            return .file(bytes: count)
        }
    }
}
