import Foundation

/// The `best` answer: the knee of the throughput curve, with a bootstrap band.
public enum Knee {
    /// A fit answers only with R² at least this: below it the curve explains
    /// too little of the spread between worker counts to beat the points.
    public static let goodFit = 0.9
    /// A fit is tried only with this many worker counts of ≥ `runsForFit` runs:
    /// the USL has three parameters and needs a few points to spare.
    public static let countsForFit = 6
    public static let runsForFit = 3
    /// A fit whose misfit the repeat runs call significant at this level is
    /// set aside: see `contradictsRuns`.
    public static let lackOfFitAlpha = 0.001
    /// Share of bootstrap knees inside the band (5th to 95th percentile).
    public static let bandCoverage = 0.90

    /// The knee rule on one curve: the index of the first value within
    /// `tolerance` of the largest, i.e. xᵢ ≥ (1 − tolerance)·max x.
    /// NaN values never qualify; `nil` when there is no finite value.
    public static func kneeIndex(of throughput: [Double], tolerance: Double) -> Int? {
        guard let peak = throughput.filter(\.isFinite).max() else { return nil }
        let threshold = peak - tolerance * abs(peak)
        return throughput.firstIndex { $0 >= threshold }
    }

    /// Recommends a worker count for the runs of one series.
    ///
    /// 1. Each tested worker count is summarised by the median of its runs;
    ///    the peak is the count with the highest median, as measured.
    /// 2. The knee is `KneeDecision`'s: the smallest count whose throughput
    ///    is within `tolerance` of a plateau pooled from every count that
    ///    cannot be told apart from the best, each verdict at `confidence`.
    ///    The answer says whether that is settled and which counts are not.
    /// 3. With ≥ 6 counts of ≥ 3 runs, both the USL and the saturation model
    ///    are fitted; those with R² ≥ 0.9 that the repeat runs do not
    ///    contradict (`contradictsRuns`) and whose knee the medians bear out
    ///    (`kneeShortfall`) are good, and the good one with the smaller
    ///    residual variance SS_res/(n − p) describes the curve (`method`,
    ///    `fit`, the model's peak) and helps judge whether a plateau was
    ///    reached. A fit never moves the knee: fitted to noisy medians, a
    ///    saturation corner moves by half a count with every sweep, and its
    ///    knee with it.
    /// 4. The band: `resamples` stratified bootstrap resamples (runs redrawn
    ///    within each worker count, seeded by `seed`), the knee re-estimated
    ///    on each (`KneeDecision.kneeEstimate`), and the 5th to 95th
    ///    percentile of those knees, widened to every count the verdicts
    ///    leave open (`band`).
    ///
    /// - Parameters:
    ///   - tolerance: how far below the plateau the knee may be, as a fraction.
    ///   - confidence: the one-sided confidence of every verdict.
    ///   - cores: logical cores of the host, for the wait/compute prior.
    ///   - maxErrorRate: the share of failed tasks a user accepts
    ///     (`--max-error-rate`); counts significantly above it, or above the
    ///     error-free counts, are past what the server accepts (`ErrorOnset`).
    ///
    /// 0. Errors first: the smallest count with significant errors is the
    ///    onset, and it and every larger count are left out of steps 1–4,
    ///    whatever their throughput. The knee is the knee of the counts
    ///    below it, by the same settled rule, and the server's limit is the
    ///    plateau's end, so no larger range is suggested. The answer keeps
    ///    every count's error rate and says where errors start and what
    ///    they were.
    public static func recommend(
        _ samples: [Sample], tolerance: Double = 0.05, confidence: Double = KneeDecision.defaultConfidence,
        seed: UInt64 = 0, resamples: Int = 1_000, cores: Int? = nil, maxErrorRate: Double = 0
    ) -> KneeRecommendation {
        let usable = samples.filter { $0.throughput.isFinite && $0.workers >= 1 }
        let errors = ErrorOnset.decide(usable, maxErrorRate: maxErrorRate, confidence: confidence)
        guard let onset = errors.onsetWorkers, !usable.allSatisfy(\.failedEntirely) else {
            var answer = curve(usable, tolerance: tolerance, confidence: confidence, seed: seed, resamples: resamples, cores: cores)
            answer.maxErrorRate = maxErrorRate
            return withErrorRates(answer, errors, usable)
        }
        let accepted = usable.filter { errors.accepts($0.workers) }
        let tested = Set(accepted.map(\.workers))
        var answer: KneeRecommendation
        if tested.count == 1, let only = tested.first {
            answer = curve(accepted, tolerance: tolerance, confidence: confidence, seed: seed, resamples: resamples, cores: cores)
            answer.method = .measured
            answer.recommendedWorkers = only
            answer.band = only...only
            answer.kneeThroughput = answer.peakThroughput
            answer.fractionOfPeak = 1
            answer.fewerWorkersFraction = 0
            answer.reason = "the only count below the errors"
        } else if tested.isEmpty {
            answer = curve([], tolerance: tolerance, confidence: confidence, seed: seed, resamples: resamples, cores: cores)
            answer.method = .errorsAtEveryCount
            answer.priors = SanityPriors()
            answer.reason = "every tested count has significant errors, from the fewest workers tested (\(onset)): "
                + "the server refuses even that; fix what the errors say, or accept some with --max-error-rate"
        } else {
            answer = curve(
                accepted, tolerance: tolerance, confidence: confidence, seed: seed, resamples: resamples, cores: cores,
                errorOnset: onset
            )
        }
        answer.runs = usable.count
        answer.plateauReached = answer.recommendedWorkers != nil
        answer.nextRange = nil
        answer.maxErrorRate = maxErrorRate
        answer.errorOnsetWorkers = onset
        answer.errorOnset = errors.summary(usable)
        // The counts left out still belong on the curve, drawn as failing.
        let rejected = Dictionary(grouping: usable.filter { !errors.accepts($0.workers) }, by: \.workers)
        for (workers, runs) in rejected {
            let throughput = runs.map(\.decisionThroughput)
            answer.points.append(WorkerPoint(
                workers: workers, runs: runs.count, medianThroughput: Descriptive.median(throughput) ?? .nan
            ))
        }
        answer.points.sort { $0.workers < $1.workers }
        return withErrorRates(answer, errors, usable)
    }

    /// Every point's error rate and whether it is significant.
    private static func withErrorRates(_ answer: KneeRecommendation, _ errors: ErrorOnset, _ usable: [Sample]) -> KneeRecommendation {
        var answer = answer
        let byWorkers = Dictionary(uniqueKeysWithValues: errors.counts.map { ($0.workers, $0) })
        for i in answer.points.indices {
            guard let count = byWorkers[answer.points[i].workers] else { continue }
            answer.points[i].errorRate = count.tally.rate
            answer.points[i].significantErrors = !errors.accepts(count.workers)
        }
        return answer
    }

    /// Steps 1–4 on the counts the errors leave; `errorOnset`, when errors
    /// ended the tested range, stands for the plateau's end.
    private static func curve(
        _ usable: [Sample], tolerance: Double, confidence: Double, seed: UInt64, resamples: Int, cores: Int?,
        errorOnset: Int? = nil
    ) -> KneeRecommendation {
        let byWorkers = Dictionary(grouping: usable, by: \.workers)
        let workers = byWorkers.keys.sorted()
        let groups = workers.map { byWorkers[$0, default: []].map(\.decisionThroughput) }
        let medians = groups.map { Descriptive.median($0) ?? .nan }
        let priors = SanityPriors.estimate(usable, peakThroughput: medians.max(), cores: cores)
        var answer = KneeRecommendation(
            method: .insufficientData, reason: "", runs: usable.count, tolerance: tolerance,
            plateauReached: false, points: workers.indices.map { i in
                WorkerPoint(workers: workers[i], runs: groups[i].count, medianThroughput: medians[i])
            },
            priors: priors
        )
        if !usable.isEmpty && usable.allSatisfy(\.failedEntirely) {
            return allFailed(answer, usable)
        }
        if !usable.isEmpty && usable.allSatisfy({ $0.throughput <= 0 }) {
            return noThroughput(answer)
        }
        guard workers.count >= 2, let largest = workers.last else {
            return insufficient(answer, tested: workers.first)
        }

        let x = workers.map(Double.init)
        let choice = chooseFit(x, groups: groups, medians: medians, tolerance: tolerance)
        guard let decision = KneeDecision.decide(workers: workers, groups: groups, tolerance: tolerance, confidence: confidence),
              let kneeWorkers = decision.knee, let knee = workers.firstIndex(of: kneeWorkers),
              let peak = medians.indices.max(by: { medians[$0] < medians[$1] }) else {
            return insufficient(answer, tested: nil)
        }

        answer.recommendedWorkers = workers[knee]
        answer.band = band(
            workers, groups, knee: knee, tolerance: tolerance, confidence: confidence, resamples: resamples, seed: seed,
            decision: decision
        )
        answer.peakWorkers = workers[peak]
        answer.peakThroughput = medians[peak]
        answer.kneeThroughput = medians[knee]
        answer.plateauThroughput = decision.plateauThroughput
        answer.confidence = decision.confidence
        answer.settled = decision.settled
        answer.undecidedWorkers = decision.undecided
        if medians[peak] > 0 { answer.fractionOfPeak = medians[knee] / medians[peak] }
        if knee <= peak { answer.fewerWorkersFraction = 1 - Double(workers[knee]) / Double(workers[peak]) }
        answer.method = choice.fit.map { $0.model == .saturation ? .saturation : .universalScalability } ?? .measured
        answer.fit = choice.fit
        if let fit = choice.fit {
            for i in answer.points.indices { answer.points[i].modelThroughput = fit.throughput(atWorkers: x[i]) }
            answer.modelPeakWorkers = fit.peakWorkers
            answer.modelPeakThroughput = fit.peakWorkers.map(fit.throughput(atWorkers:))
        }
        for count in decision.counts {
            guard let i = workers.firstIndex(of: count.workers) else { continue }
            answer.points[i].verdict = count.verdict
        }
        let last = workers.count - 1
        answer.plateauReached = errorOnset != nil || knee < last
            && (peak < last
                || scaledLittle(fromKnee: knee, workers: workers, medians: medians)
                || choice.consistent.contains { peaksInside($0, largest: largest, tolerance: tolerance) })
        answer.reason = choice.reason + "; " + settlement(decision)
        if !answer.plateauReached {
            answer.nextRange = largest...(4 * largest)
            answer.reason += "; no plateau reached: throughput still rising at \(largest) workers, "
                + "try up to \(4 * largest)"
        }
        return answer
    }

    /// How sure the knee is, in words: settled at the confidence, or which
    /// counts are open and what would close them.
    static func settlement(_ decision: KneeDecision) -> String {
        let percent = Int((decision.confidence * 100).rounded())
        guard decision.hasNoiseEstimate else {
            return "one run per count gives no noise to judge by, so the knee is not settled: "
                + "measure with --repeat auto"
        }
        if decision.settled { return "settled at \(percent)% confidence" }
        let counts = decision.undecided.map(String.init).joined(separator: ", ")
        let noun = decision.undecided.count == 1 ? "count" : "counts"
        return "not settled at \(percent)% confidence: \(noun) \(counts) undecided; more runs there "
            + "(--repeat auto) or more --tasks per run would decide"
    }

    /// The band around the knee at `workers[knee]`: the 5th to 95th
    /// percentile of `resampledKnees`, widened to contain the knee and, with
    /// `decision`, every count its verdicts leave open.
    ///
    /// The bootstrap alone is too narrow where runs are few: resampling two
    /// or three runs per count cannot show how far their mean may be off,
    /// and on a `tune` of a 10-slot server with latency CV 1.0 its band held
    /// 10 in 70% of seeded searches. The verdicts say at `confidence` where
    /// the knee cannot be, so the band reaches down to the smallest count
    /// that is not outside and, while the knee itself is not within, up to
    /// the first larger count that is (or the largest tested). With no
    /// spread (s = 0) the verdicts are exact and add nothing.
    static func band(
        _ workers: [Int], _ groups: [[Double]], knee: Int, tolerance: Double, confidence: Double, resamples: Int, seed: UInt64,
        decision: KneeDecision? = nil
    ) -> ClosedRange<Int> {
        let knees = resampledKnees(groups, tolerance: tolerance, confidence: confidence, resamples: resamples, seed: seed)
            .map { workers[$0 ?? knee] }
        let band = Bootstrap.percentileBand(knees, coverage: bandCoverage) ?? workers[knee]...workers[knee]
        var low = min(band.lowerBound, workers[knee]), high = max(band.upperBound, workers[knee])
        if let decision, decision.hasNoiseEstimate, let at = decision.counts.firstIndex(where: { $0.workers == workers[knee] }) {
            let counts = decision.counts
            if let possible = counts[...at].first(where: { $0.verdict != .outside }) {
                low = min(low, possible.workers)
            }
            if counts[at].verdict != .within, let next = counts[(at + 1)...].first(where: { $0.verdict == .within }) ?? counts.last {
                high = max(high, next.workers)
            }
        }
        return low...high
    }

    /// The knee's index re-estimated on each of `resamples` stratified
    /// resamples of the runs (redrawn within each count), on log throughput.
    static func resampledKnees(
        _ groups: [[Double]], tolerance: Double, confidence: Double, resamples: Int, seed: UInt64
    ) -> [Int?] {
        guard let largest = groups.joined().filter(\.isFinite).max(), largest > 0 else { return [] }
        let logs = groups.map { $0.map { log(max($0, largest * 1e-9)) } }
        let sizes = logs.map { Double($0.count) }
        let degrees = logs.reduce(0) { $0 + $1.count } - logs.count
        let t = degrees > 0 ? KneeDecision.studentQuantile(confidence, degrees: degrees) : 0
        let cut = log(1 - min(max(tolerance, 0), 0.999_999))
        var generator = SeededGenerator(seed: seed)
        var means = [Double](repeating: 0, count: logs.count)
        var knees: [Int?] = []
        knees.reserveCapacity(max(resamples, 0))
        if TrimmedSummary.tailsAreHeavy(logs) {
            // Heavy tails: each resample decided as `KneeDecision` decides them, on trimmed means.
            for _ in 0..<max(resamples, 0) {
                let pooled = PooledLogs(
                    logs.map { group in group.indices.map { _ in group[generator.nextIndex(below: group.count)] } }, trimming: true
                )
                let t = pooled.degrees > 0 ? KneeDecision.studentQuantile(confidence, degrees: pooled.degrees) : 0
                knees.append(KneeDecision.kneeEstimate(means: pooled.means, sizes: pooled.sizes, sd: pooled.sd, t: t, cut: cut))
            }
            return knees
        }
        for _ in 0..<max(resamples, 0) {
            var squares = 0.0
            for (i, group) in logs.enumerated() {
                var sum = 0.0, sumOfSquares = 0.0
                for _ in group.indices {
                    let value = group[generator.nextIndex(below: group.count)]
                    sum += value
                    sumOfSquares += value * value
                }
                means[i] = sum / sizes[i]
                squares += max(sumOfSquares - sum * means[i], 0)
            }
            let sd = degrees > 0 ? (squares / Double(degrees)).squareRoot() : 0
            knees.append(KneeDecision.kneeEstimate(means: means, sizes: sizes, sd: sd, t: t, cut: cut))
        }
        return knees
    }

    /// The fit that answers, if any, and why; and every fit the repeat runs
    /// accept (R² ≥ `goodFit`, not `contradictsRuns`), whether or not its
    /// knee answered, to judge the plateau by.
    private static func chooseFit(
        _ workers: [Double], groups: [[Double]], medians: [Double], tolerance: Double
    ) -> (fit: ScalingFit?, reason: String, consistent: [ScalingFit]) {
        let eligible = groups.filter { $0.count >= runsForFit }.count
        guard eligible >= countsForFit else {
            return (nil, "a fit needs \(countsForFit) worker counts with "
                + "\(runsForFit)+ runs each, found \(eligible)", [])
        }
        let fits = [
            ScalingFit.universalScalability(workers: workers, throughput: medians),
            ScalingFit.saturation(workers: workers, throughput: medians),
        ].compactMap { $0 }
        let closeEnough = fits.filter { $0.rSquared >= goodFit }
        let consistent = closeEnough.filter { !contradictsRuns($0, workers, groups: groups, medians: medians) }
        let shortfalls = consistent.compactMap { fit in
            kneeShortfall(fit, workers, medians: medians, tolerance: tolerance).map { (fit: fit, phrase: $0) }
        }
        let good = consistent.filter { fit in !shortfalls.contains { $0.fit == fit } }
        let setAside = shortfalls.map(\.phrase).joined(separator: ", and ")
        guard let best = good.min(by: {
            $0.residualVariance(workers, medians) < $1.residualVariance(workers, medians)
        }) else {
            if !shortfalls.isEmpty {
                return (nil, "\(setAside): the medians contradict the model there", consistent)
            }
            if !closeEnough.isEmpty {
                let names = closeEnough.map { name($0.model) }.joined(separator: " and ")
                let verb = closeEnough.count == 1 ? "fit misses" : "fits miss"
                return (nil, "the \(names) \(verb) the medians by more than the repeat runs' own spread allows", [])
            }
            let scores = fits.map { "\(name($0.model)) R² \(rounded($0.rSquared))" }.joined(separator: ", ")
            return (nil, "no good fit (\(scores); need \(goodFit))", [])
        }
        var reason = "\(name(best.model)) fit, R² \(rounded(best.rSquared)) ≥ \(goodFit), "
            + "on \(workers.count) worker counts; knee snapped to a tested count"
        if !shortfalls.isEmpty { reason += "; set aside: \(setAside)" }
        return (best, reason, consistent)
    }

    /// Why a fit's knee is not borne out by the runs, or `nil` when it is:
    /// its knee's measured median must lie within `tolerance` of the
    /// highest measured median, as the knee rule promises.
    ///
    /// A fit can pass R² and the lack-of-fit test yet put its knee where the
    /// runs are plainly slower: with wide run-to-run spread the saturation
    /// model's corner can land on a count that measured 89% of the fastest,
    /// and answering from it would recommend a count the user's own runs
    /// show to cost more than the tolerance.
    static func kneeShortfall(_ fit: ScalingFit, _ workers: [Double], medians: [Double], tolerance: Double) -> String? {
        guard let knee = kneeIndex(of: workers.map(fit.throughput(atWorkers:)), tolerance: tolerance),
              let peak = medians.indices.max(by: { medians[$0] < medians[$1] }), medians[peak] > 0 else { return nil }
        let fraction = medians[knee] / medians[peak]
        guard medians[knee] < medians[peak] - tolerance * abs(medians[peak]) else { return nil }
        return "the \(name(fit.model)) fit's knee, \(Int(workers[knee])) workers, measured "
            + "\(Int((fraction * 100).rounded(.down)))% of the fastest point (\(Int(workers[peak])) workers)"
    }

    /// A lack-of-fit test against the repeat runs: does the model miss the
    /// medians by more than their own noise explains?
    ///
    /// With pooled within-count variance s² = ΣᵢΣⱼ(xᵢⱼ − x̄ᵢ)² / (N − k), the
    /// median of nᵢ runs has standard error ≈ 1.2533·s/√nᵢ (the normal
    /// median's efficiency), and under a correct model
    /// χ² = Σᵢ((mᵢ − f(Nᵢ)) / seᵢ)² follows χ² with k − p degrees of freedom.
    /// The fit is contradicted when χ² exceeds that distribution's
    /// 1 − `lackOfFitAlpha` quantile (Wilson–Hilferty approximation).
    ///
    /// This is what a staircase curve trips: a finite number of tasks makes
    /// throughput step between worker counts (⌈tasks ÷ N⌉ rounds), which a
    /// smooth or cornered model cannot follow, and its knee then lands a count
    /// or two off the measured one. With no spread at all there is nothing
    /// to judge by, and the fit stands.
    static func contradictsRuns(_ fit: ScalingFit, _ workers: [Double], groups: [[Double]], medians: [Double]) -> Bool {
        let runs = groups.map(\.count).reduce(0, +)
        let degrees = workers.count - fit.parameterCount
        guard runs > groups.count, degrees >= 1 else { return false }
        var squares = 0.0
        for group in groups {
            let mean = group.reduce(0, +) / Double(group.count)
            squares += group.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        }
        let variance = squares / Double(runs - groups.count)
        guard variance > 0 else { return false }
        var chiSquare = 0.0
        for i in workers.indices {
            let standardError = 1.2533 * (variance / Double(groups[i].count)).squareRoot()
            let residual = (medians[i] - fit.throughput(atWorkers: workers[i])) / standardError
            chiSquare += residual * residual
        }
        let k = Double(degrees)
        let z = NormalDistribution.quantile(1 - lackOfFitAlpha)
        let critical = k * pow(1 - 2 / (9 * k) + z * (2 / (9 * k)).squareRoot(), 3)
        return chiSquare > critical
    }

    /// Marginal scaling efficiency below which the counts past the knee
    /// count as a plateau (see `scaledLittle`).
    static let flatEfficiency = 0.2

    /// Whether the workers added past the knee bought little: the marginal
    /// scaling efficiency from the knee k to the largest tested count L,
    ///
    ///     (X(L) ÷ X(k) − 1) ÷ (L ÷ k − 1),
    ///
    /// is below `flatEfficiency`. Linear scaling keeps it at 1 however
    /// close the knee sits to the end (a straight line to 40 has its knee
    /// at 38), and √N-like growth about ½; a flat top whose fastest median
    /// fell on the largest count by noise keeps it near 0 (cpu on 2 cores:
    /// 4× the workers past the knee for 2% more throughput).
    static func scaledLittle(fromKnee knee: Int, workers: [Int], medians: [Double]) -> Bool {
        guard let last = workers.indices.last, knee < last, medians[knee] > 0 else { return false }
        let extraWorkers = Double(workers[last]) / Double(workers[knee]) - 1
        let extraThroughput = medians[last] / medians[knee] - 1
        return extraThroughput < flatEfficiency * extraWorkers
    }

    /// Whether a fit places its peak (USL N*) or capacity (saturation K)
    /// clearly inside the tested range: at most (1 − tolerance) × the largest
    /// tested count. Only then may a curve whose fastest median is at the
    /// largest count be called a plateau — noise on a flat top. A USL with
    /// κ = 0 never peaks, and a saturation capacity at the largest count is
    /// a straight line, so neither vouches for a plateau. A fit set aside by
    /// `kneeShortfall` still may: the same noisy top that lifted the fastest
    /// median above its knee's is what this judges.
    static func peaksInside(_ fit: ScalingFit, largest: Int, tolerance: Double) -> Bool {
        guard let peak = fit.peakWorkers else { return false }
        return peak <= (1 - tolerance) * Double(largest)
    }

    /// Every run failed: there is no curve to read a knee from, and the
    /// cure is in the error, not in another worker count.
    private static func allFailed(_ answer: KneeRecommendation, _ runs: [Sample]) -> KneeRecommendation {
        var answer = answer
        answer.method = .allRunsFailed
        answer.priors = SanityPriors()
        answer.firstError = runs.lazy.compactMap(\.firstError).first
        let which = runs.count == 1 ? "the one run" : "every one of the \(runs.count) runs"
        let error = answer.firstError.flatMap { $0.split(separator: "\n").first }.map { "first error: \($0)" }
            ?? "no error message was recorded"
        answer.reason = "\(which) failed, so there is no throughput to compare (\(error)); "
            + "fix what the error says, check with a small run, then measure again"
        return answer
    }

    /// Every run measured nothing yet none failed (e.g. a job that printed
    /// no items): a curve of zeros has no knee, so nothing is recommended.
    private static func noThroughput(_ answer: KneeRecommendation) -> KneeRecommendation {
        var answer = answer
        answer.method = .insufficientData
        answer.priors = SanityPriors()
        answer.reason = "every run measured 0 tasks/s and none recorded an error, so there is nothing to recommend; "
            + "check that the workload does its tasks, then measure again"
        return answer
    }

    private static func insufficient(_ answer: KneeRecommendation, tested: Int?) -> KneeRecommendation {
        var answer = answer
        answer.method = .insufficientData
        if let tested {
            answer.peakWorkers = tested
            answer.peakThroughput = answer.points.first?.medianThroughput
            answer.nextRange = 1...max(32, 4 * tested)
            answer.reason = "only \(tested) worker\(tested == 1 ? "" : "s") tested: "
                + "run a sweep across worker counts, e.g. 1...\(max(32, 4 * tested))"
        } else {
            answer.nextRange = 1...32
            answer.reason = "no runs with a throughput: run a sweep, e.g. workers 1,2,4,8,16,32"
        }
        return answer
    }

    private static func name(_ model: ScalingFit.Model) -> String {
        model == .saturation ? "saturation" : "USL"
    }

    private static func rounded(_ value: Double) -> String {
        String(Double(Int((value * 1000).rounded())) / 1000)
    }
}
