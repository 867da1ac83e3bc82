/// A small deterministic random number generator: SplitMix64.
///
/// Every bootstrap takes a seed so that the same history always gives the
/// same band; the standard library's `SystemRandomNumberGenerator` cannot be
/// seeded. SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom
/// number generators", OOPSLA 2014; reference code by Vigna at
/// prng.di.unimi.it) passes BigCrush, needs one word of state and costs a few
/// instructions per draw, which matters in the bootstrap's inner loop.
///
/// The state advances by the golden-ratio increment 0x9E3779B97F4A7C15 and
/// each output is a mix of it:
/// z = (z ⊕ (z ≫ 30))·0xBF58476D1CE4E5B9; z = (z ⊕ (z ≫ 27))·0x94D049BB133111EB;
/// output z ⊕ (z ≫ 31).
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform index in 0..<bound by Lemire's multiply-shift with rejection
    /// ("Fast random integer generation in an interval", 2019): unbiased, and
    /// written out here rather than borrowed from `Int.random(in:using:)` so
    /// that a seed keeps giving the same draws whatever the standard library
    /// version.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A uniform double in [0, 1) from the top 53 bits of one draw.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
