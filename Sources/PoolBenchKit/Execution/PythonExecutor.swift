/// A `py-` executor: hands the run to the python workload's resident worker
/// for its series, which runs it under Python's own executor of that kind.
struct PythonExecutor: Executor {
    let kind: ExecutorKind

    func execute(_ workload: any Workload, tasks: Int, workers: Int) async throws -> ExecutionResult {
        try PoolBenchError.validate(tasks: tasks, workers: workers)
        guard let python = workload as? PythonWorkload else { throw PoolBenchError.notPython(workload: workload.spec.name) }
        let kind = kind
        return try await BlockingCall.run { try python.execute(executor: kind, workers: workers) }
    }
}
