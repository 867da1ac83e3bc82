/// A step after the knee rule, whichever rule that is: a CPU-bound job gets
/// no more workers than the machine has cores unless the runs show more
/// are faster.
///
/// Past the core count a CPU-bound job can only time-slice, so what a
/// larger count seems to gain is noise or the machine quieting down — the
/// knee rule, which compares medians, can take a 6% lucky streak at 4
/// workers on 2 cores for a real gain. The step:
/// 1. The job is CPU-bound when the wait/compute prior (`SanityPriors`,
///    from the runs at 1 worker) is at most `waitRatioLimit`: each core
///    would keep busy with at most 1.25 threads. Not 0: a task that only
///    computes still waits while other processes hold its core — `cpu` on
///    a 2-core machine whose other processes used 84% of it measured
///    wait/compute 0.14 at 1 worker.
/// 2. When the recommendation R exceeds `cores`, compare R's runs with
///    those of C, the largest tested count ≤ `cores`: R stands only when its
///    median throughput is higher and a two-sided Mann–Whitney test calls
///    the difference significant (p < `alpha`). Otherwise C is recommended.
///    With 3 runs against 3 the smallest possible p is 0.1, so it takes
///    at least 4 runs each for more workers than cores to stand.
///
/// The comparison is on the whole run's throughput, not the steady-state
/// one the knee uses: the cap asks whether the job finishes sooner. While
/// all workers are busy, more threads take a larger share of the cores from
/// the machine's other processes; on this 2-core machine at load 4.5, 8
/// workers of `cpu --tasks 16` measured twice the steady throughput of 2,
/// and `best` answered 8 in 4 of 5 sweeps, while the runs took as long.
enum CPUBoundCap {
    static let waitRatioLimit = 0.25
    static let alpha = 0.05

    /// `recommendation` capped as above; unchanged when the step does not apply.
    static func apply(_ recommendation: KneeRecommendation, samples: [Sample], cores: Int) -> KneeRecommendation {
        guard cores >= 1, let workers = recommendation.recommendedWorkers, workers > cores,
              let ratio = waitRatio(recommendation.priors), ratio <= waitRatioLimit,
              let capped = recommendation.points.last(where: { $0.workers <= cores }) else { return recommendation }
        let more = samples.filter { $0.workers == workers && $0.throughput.isFinite }.map(\.throughput)
        let fewer = samples.filter { $0.workers == capped.workers && $0.throughput.isFinite }.map(\.throughput)
        guard let test = MannWhitney.test(more, fewer), let moreMedian = Descriptive.median(more),
              let fewerMedian = Descriptive.median(fewer) else { return recommendation }
        if moreMedian > fewerMedian && test.pValue < alpha { return recommendation }

        var answer = recommendation
        answer.recommendedWorkers = capped.workers
        answer.kneeThroughput = capped.medianThroughput
        if let peak = answer.peakThroughput, peak > 0 { answer.fractionOfPeak = capped.medianThroughput / peak }
        answer.fewerWorkersFraction = answer.peakWorkers.flatMap { peak in
            capped.workers <= peak ? 1 - Double(capped.workers) / Double(peak) : nil
        }
        if let band = answer.band { answer.band = min(band.lowerBound, capped.workers)...capped.workers }
        // Counts past the cores were measured and bought nothing significant: that is the plateau.
        if let cut = answer.reason.range(of: "; no plateau reached") { answer.reason = String(answer.reason[..<cut.lowerBound]) }
        answer.plateauReached = true
        answer.nextRange = nil
        answer.reason += "; capped at \(capped.workers) for a CPU-bound job on \(cores) core\(cores == 1 ? "" : "s") "
            + "(wait/compute \(String(format: "%.2f", ratio))): \(workers) workers were not significantly faster "
            + "(Mann–Whitney p = \(String(format: "%.2g", test.pValue)))"
        return answer
    }

    /// W/C from the priors: latency at 1 worker less its CPU time, over that CPU time.
    static func waitRatio(_ priors: SanityPriors) -> Double? {
        guard let latency = priors.taskLatency, let cpu = priors.taskCPUSeconds, cpu > 0 else { return nil }
        return max(latency - cpu, 0) / cpu
    }
}
