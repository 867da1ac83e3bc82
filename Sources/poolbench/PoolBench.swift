import ArgumentParser
import Foundation
import PoolBenchKit

@main
struct PoolBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poolbench",
        abstract: "How many workers should this job use? Measure, keep the history, and answer from it.",
        version: PoolBench.version,
        subcommands: [
            RunCommand.self,
            TuneCommand.self,
            ServeCommand.self,
            HistoryCommand.self,
            BestCommand.self,
            TrendCommand.self,
            CompareCommand.self,
            ExportCommand.self,
            ImportCommand.self,
            ReportCommand.self,
            WorkerCommand.self,
        ]
    )

    /// Like ArgumentParser's own `main`, except that a failure is one line
    /// on stderr, without the usage block, so scripts and people read the
    /// same single sentence. `--help` and `--version` print as usual.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Swift.print(fullMessage(for: error))
            } else {
                let message = self.message(for: error)
                if !message.isEmpty {
                    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
                }
            }
            Foundation.exit(code.rawValue)
        }
    }
}
