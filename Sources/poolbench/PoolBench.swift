import ArgumentParser
import PoolBenchKit

@main
struct PoolBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poolbench",
        abstract: "How many workers should this job use?",
        version: PoolBench.version
    )
}
