import Synchronization

/// Sums the squares of `0..<size` per task: the CPU-bound control, whose
/// best worker count is the number of cores. The async body runs the same
/// loop without suspending, which is the point of the control.
struct CpuWorkload: Workload {
    let size: Int
    private let expected: UInt64

    init(size: Int) throws(PoolBenchError) {
        guard size >= 0 else {
            throw .invalidParameter(name: "size", value: "\(size)", expected: "at least 0")
        }
        self.size = size
        expected = Self.closedFormSumOfSquares(below: size)
    }

    var spec: WorkloadSpec { .cpu(size: size) }

    func runBlocking(task: Int) throws {
        let sum = Self.sumOfSquares(below: size)
        // Using the sum keeps the loop alive; the check catches a broken loop.
        guard sum == expected else {
            throw PoolBenchError.wrongResult(workload: "cpu", expected: "\(expected)", actual: "\(sum)")
        }
    }

    func run(task: Int) async throws {
        try runBlocking(task: task)
    }

    /// All ones, but loaded atomically at run time: a mask the optimizer
    /// cannot see through stops it from replacing the loop with the closed
    /// form n(n−1)(2n−1)/6, which would leave no work to measure.
    private static let opaqueMask = Atomic<UInt64>(.max)

    /// 0² + 1² + … + (n−1)², wrapping modulo 2⁶⁴, one step per number.
    static func sumOfSquares(below size: Int) -> UInt64 {
        let mask = opaqueMask.load(ordering: .relaxed)
        var sum: UInt64 = 0
        var value: UInt64 = 0
        let end = UInt64(size)
        while value < end {
            sum = (sum &+ value &* value) & mask
            value &+= 1
        }
        return sum
    }

    /// n(n−1)(2n−1)/6 modulo 2⁶⁴: the exact divisions by 2 and 3 are made on
    /// the factors before the wrapping product.
    static func closedFormSumOfSquares(below size: Int) -> UInt64 {
        guard size > 0 else { return 0 }
        let n = UInt64(size)
        var factors = [n, n - 1, 2 * n - 1]
        if let even = factors[0...1].firstIndex(where: { $0 % 2 == 0 }) { factors[even] /= 2 }
        if let third = factors.firstIndex(where: { $0 % 3 == 0 }) { factors[third] /= 3 }
        return factors.reduce(1) { $0 &* $1 }
    }
}
