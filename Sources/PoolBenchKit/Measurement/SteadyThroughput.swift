/// A run's throughput while all its workers are busy, by Little's law: the
/// measure the knee decision uses.
///
/// Why not succeeded tasks ÷ the whole run's wall time (which every run
/// still records): a 60-task run's wall time is dominated by its edges. The
/// first wave of N tasks starts together, and the last tasks drain with
/// fewer and fewer workers busy, so the run's makespan is a maximum over
/// workers of the time they took: noisy, and biased against counts that do
/// not divide the tasks evenly. On a simulated 10-slot server with lognormal
/// latency of CV 0.5 (60 tasks, 2,000 seeded runs per count), the standard
/// deviation of log throughput at 9, 10 and 20 workers was 9.1%, 9.4% and
/// 9.7% by that measure and 7.1%, 7.1% and 7.3% by this one; at 16 slots
/// 12.0–12.4% against 7.5–7.6%; with Pareto service of shape 2 (6 slots)
/// 30–33% against 13–17% (the tests' `SteadyThroughputTests`). On a real
/// loopback 6-slot server (lognormal CV 0.5, 20 runs per count, two
/// sweeps on a loaded 2-core machine) 3.6–4.4%, 5.1–5.2% and 3.8–6.4% at
/// 5, 6 and 12 workers against 2.6–2.9%, 4.6–5.5% and 3.2–6.1%.
///
/// The estimator. A worker starts its next task the moment its last one
/// ends, so from the N-th task's start to the last task's start every
/// worker is busy: the number in the system is known, L = N. Little's law,
/// L = λW, then gives the throughput λ = L ÷ W̄ from the mean latency W̄ of
/// the tasks of that window — every task after the first wave of N, in
/// order of start. Glynn & Whitt, "Indirect Estimation via L = λW",
/// Operations Research 37(1), 1989, show the indirect estimator λ̂ = L ÷ W̄
/// beats counting completions over a time window when L is known rather
/// than estimated, as here: it averages the latencies of all tasks in the
/// window and never looks at the edges, where counting depends on when the
/// window happens to open and close. Leaving out the first wave also leaves
/// out what only it pays (opening connections, a cold cache), and on a
/// server with fewer slots than workers it leaves out the tasks that found
/// the queue still empty.
///
/// L is measured rather than assumed: the time-average number of tasks in
/// flight over the window, from the tasks' start and end times. Waiting for
/// I/O it is N to within microseconds; but a CPU-bound pool's threads wait
/// for a core, and start late, outside any task: with 16 tasks of 1.5 ms on
/// 2 cores, 8 workers had about 2 tasks in flight, and L = N made 8 workers
/// measure 3 times as fast as 2, so `best` answered 8 instead of 2.
///
/// Failed tasks occupy workers too, so they count in W̄, and the estimate is
/// of goodput: λ̂ = L × (succeeded tasks of the window) ÷ Σ their latencies.
/// With no more tasks than workers every task starts in the first wave and
/// there is no window: the run keeps no steady throughput, and the decision
/// uses its whole-run throughput (so do runs recorded before this measure).
public enum SteadyThroughput {
    /// The estimate from every task's start, seconds and whether it failed,
    /// in task order, with at most `workers` in flight; nil when there is no
    /// window (no more tasks than workers, no time between the N-th and the
    /// last start, or no latency to divide by).
    public static func estimate(taskStarts: [Double], taskSeconds: [Double], failed: [Bool], workers: Int) -> Double? {
        let count = taskSeconds.count
        guard workers >= 1, count > workers, failed.count == count, taskStarts.count == count else { return nil }
        let order = taskStarts.indices.sorted { taskStarts[$0] < taskStarts[$1] }
        let opens = taskStarts[order[workers - 1]], closes = taskStarts[order[count - 1]]
        guard closes > opens else { return nil }
        var inFlight = 0.0
        for task in 0..<count {
            let overlap = min(taskStarts[task] + taskSeconds[task], closes) - max(taskStarts[task], opens)
            if overlap > 0 { inFlight += overlap }
        }
        var busy = 0.0
        var succeeded = 0
        for rank in workers..<count {
            busy += taskSeconds[order[rank]]
            if !failed[order[rank]] { succeeded += 1 }
        }
        guard busy > 0, busy.isFinite, inFlight > 0 else { return nil }
        return inFlight / (closes - opens) * Double(succeeded) / busy
    }
}
