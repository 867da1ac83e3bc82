/// A one-line chart of a series, for `trend` tables.
enum Sparkline {
    /// The eight block heights, lowest first.
    public static let levels: [Character] = Array("▁▂▃▄▅▆▇█")

    /// One block per value, scaled linearly from the smallest (▁) to the
    /// largest (█): level = round(7·(x − min)/(max − min)). A constant series
    /// sits at mid height (▄) so it does not read as zero; non-finite values
    /// are gaps (a space).
    public static func render(_ values: [Double]) -> String {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else {
            return String(repeating: " ", count: values.count)
        }
        let span = high - low
        return String(values.map { value -> Character in
            guard value.isFinite else { return " " }
            guard span > 0 else { return levels[3] }
            return levels[Int((7 * (value - low) / span).rounded())]
        })
    }
}
