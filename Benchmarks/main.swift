// poolbench's benchmarks: `swift run -c release poolbench-benchmarks [NAME…]`.
// Each suite prints its figures side by side so ratios come from one run.

let suites: [(name: String, run: () async throws -> Void)] = [
    ("executors", ExecutorBenchmarks.run),
    ("analysis", AnalysisBenchmarks.run),
    ("storage", StorageBenchmarks.run),
    ("export", ExportBenchmarks.run),
    ("answers", AnswerBenchmarks.run),
    ("report", ReportBenchmarks.run),
    ("http", HttpBenchmarks.run),
    ("noise", NoiseBenchmarks.run),
    ("team", TeamBenchmarks.run),
    ("python", PythonBenchmarks.run),
]

let chosen = CommandLine.arguments.dropFirst()
for suite in suites where chosen.isEmpty || chosen.contains(suite.name) {
    print("## \(suite.name)")
    try await suite.run()
}
