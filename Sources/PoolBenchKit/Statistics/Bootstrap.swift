/// Bootstrap resampling of runs within each worker count (Efron &
/// Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 6 and 13).
///
/// Runs of one worker count are exchangeable, runs of different counts are
/// not, so each resample redraws every group with replacement, to its own
/// size, and never mixes groups — a stratified bootstrap.
public enum Bootstrap {
    /// Draws `resamples` stratified resamples of `groups` and returns
    /// `statistic` of each resample's group medians, in draw order.
    ///
    /// `statistic` receives one median per group, in the order of `groups`.
    /// The array it receives is reused for the next resample, so it must not
    /// keep it. Empty groups get a median of NaN. The same `seed` always gives
    /// the same results.
    public static func resampledMedians<T>(
        of groups: [[Double]],
        resamples: Int,
        seed: UInt64,
        _ statistic: ([Double]) -> T
    ) -> [T] {
        var generator = SeededGenerator(seed: seed)
        let values = groups.flatMap { $0 }
        let counts = groups.map(\.count)
        let scratch = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(counts.max() ?? 0, 1))
        defer { scratch.deallocate() }
        var medians = [Double](repeating: .nan, count: groups.count)
        var results: [T] = []
        results.reserveCapacity(max(resamples, 0))

        // The inner loop touches only preallocated buffers: a band of 20
        // worker counts × 5 runs × 1,000 resamples is 100,000 draws.
        values.withUnsafeBufferPointer { values in
            for _ in 0..<max(resamples, 0) {
                medians.withUnsafeMutableBufferPointer { medians in
                    var offset = 0
                    for (group, count) in counts.enumerated() {
                        defer { offset += count }
                        guard count > 0 else { continue }
                        for slot in 0..<count {
                            scratch[slot] = values[offset + generator.nextIndex(below: count)]
                        }
                        medians[group] = medianInPlace(UnsafeMutableBufferPointer(rebasing: scratch[0..<count]))
                    }
                }
                results.append(statistic(medians))
            }
        }
        return results
    }

    /// The central `coverage` band of bootstrap replicates that are worker
    /// counts: the order statistics at ⌊(B − 1)·q⌋ and ⌈(B − 1)·(1 − q)⌉ with
    /// q = (1 − coverage)/2 — the percentile interval, taken on the sorted
    /// replicates without interpolation so that both ends are worker counts
    /// that were actually tested. `nil` for no replicates.
    public static func percentileBand(_ replicates: [Int], coverage: Double = 0.90) -> ClosedRange<Int>? {
        guard !replicates.isEmpty else { return nil }
        let sorted = replicates.sorted()
        let tail = (1 - min(max(coverage, 0), 1)) / 2
        let last = Double(sorted.count - 1)
        // The nudge keeps 100 × 0.05, which is 4.999… in binary, at 5.
        let low = sorted[Int((last * tail + 1e-9).rounded(.down))]
        let high = sorted[Int((last * (1 - tail) - 1e-9).rounded(.up))]
        return low...high
    }

    /// The median of a small buffer, reordering it. Insertion sort up to 32
    /// values, where it beats any general method and needs no memory;
    /// above that, selection (below), which a resample of a long history —
    /// 20 sweeps × 3 runs per worker count — needs a thousand times per
    /// group. Both give exactly the median of the values.
    static func medianInPlace(_ buffer: UnsafeMutableBufferPointer<Double>) -> Double {
        let count = buffer.count
        let middle = count / 2
        if count > 32 {
            select(buffer, middle)
            guard count % 2 == 0 else { return buffer[middle] }
            // Everything before `middle` is at most buffer[middle]; the
            // largest of them is the other middle value.
            var lower = buffer[0]
            for i in 1..<middle where buffer[i] > lower { lower = buffer[i] }
            return (lower + buffer[middle]) / 2
        }
        for i in 1..<max(count, 1) {
            let value = buffer[i]
            var j = i - 1
            while j >= 0 && buffer[j] > value {
                buffer[j + 1] = buffer[j]
                j -= 1
            }
            buffer[j + 1] = value
        }
        return count % 2 == 1 ? buffer[middle] : (buffer[middle - 1] + buffer[middle]) / 2
    }

    /// Reorders `buffer` so that buffer[k] holds the value a sort would put
    /// there, with none larger before it and none smaller after it: Hoare's
    /// FIND (quickselect, CACM 1961) with a median-of-three pivot, expected
    /// linear time.
    static func select(_ buffer: UnsafeMutableBufferPointer<Double>, _ k: Int) {
        var low = 0, high = buffer.count - 1
        while low < high {
            let mid = low + (high - low) / 2
            if buffer[mid] < buffer[low] { buffer.swapAt(mid, low) }
            if buffer[high] < buffer[low] { buffer.swapAt(high, low) }
            if buffer[high] < buffer[mid] { buffer.swapAt(high, mid) }
            let pivot = buffer[mid]
            var i = low, j = high
            while i <= j {
                while buffer[i] < pivot { i += 1 }
                while buffer[j] > pivot { j -= 1 }
                if i <= j {
                    buffer.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return
            }
        }
    }
}
