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
    /// same single sentence, its control characters shown as escapes.
    /// `--help` and `--version` print as usual. Output that cannot be written
    /// fails the command; a closed stderr only loses the message.
    static func main() async {
        StandardStreams.reserveClosedDescriptors()
        var code = ExitCode.success
        var reported: PoolBenchError?
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch PoolBenchError.outputClosed {
            // The reader has all it wanted (`poolbench export | head -1`):
            // end quietly, as a program killed by SIGPIPE would.
            code = ExitCode(StandardStreams.closedReaderStatus)
        } catch {
            Interrupts.awaitHandlerExit()
            code = exitCode(for: error)
            if code == .success {
                do {
                    try StandardStreams.writeOutput(fullMessage(for: error) + "\n")
                } catch {
                    report(error)
                    code = .failure
                }
            } else {
                let explained = HistoryLocation.explained(error)
                reported = explained as? PoolBenchError
                report(explained)
            }
        }
        // Whatever happened, a history written leaves its main file whole.
        // (A full disk that stopped the command stops the checkpoint too:
        // one line says so.)
        let unfinished = HistoryLocation.closeAll().filter { $0 != reported }
        unfinished.forEach { report($0) }
        if code == .success && !unfinished.isEmpty { code = .failure }
        Foundation.exit(code.rawValue)
    }

    private static func report(_ error: any Error) {
        let message = self.message(for: error)
        guard !message.isEmpty else { return }
        let visible = message.split(separator: "\n", omittingEmptySubsequences: false)
            .map { VisibleText.escaped(String($0)) }.joined(separator: "\n")
        StandardStreams.writeError("Error: \(visible)\n")
    }
}
