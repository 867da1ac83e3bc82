import ArgumentParser
import Foundation
import PoolBenchKit

/// The `processes` executor's worker: poolbench re-executed, serving tasks
/// over its standard input and output. Hidden: people never type it.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve tasks for the processes executor (internal).",
        shouldDisplay: false
    )

    @Argument(help: "The workload configuration, as the parent passes it.")
    var arguments: [String] = []

    func run() throws {
        let status = ProcessWorker.run(arguments: arguments)
        if status != 0 { throw ExitCode(status) }
    }

    /// This binary, however it was invoked (by PATH, a relative path or a
    /// link), so workers run exactly the same poolbench.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
