/// PoolBenchKit holds all of poolbench's logic: workloads, executors,
/// measurement, the SQLite history, the statistics that answer from it and
/// the output formats. The `poolbench` executable only parses arguments.
public enum PoolBench {
    /// The version recorded with every host.
    public static let version = "0.1.0"
}
