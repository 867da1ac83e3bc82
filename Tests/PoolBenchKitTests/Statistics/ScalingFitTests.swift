import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("Scaling fits")
    struct ScalingFitTests {
        @Test("The USL fit reproduces codahale/usl's README example to 1%")
        func uslGoldenVector() throws {
            let workers: [Double] = [1, 18, 36, 72, 108, 144, 216]
            let throughput: [Double] = [65, 996, 1652, 1853, 1829, 1775, 1702]
            let fit = try #require(ScalingFit.universalScalability(workers: workers, throughput: throughput))
            #expect(relative(fit.sigma, 0.02773, tolerance: 0.01))
            #expect(relative(fit.kappa, 0.0001043, tolerance: 0.01))
            #expect(relative(fit.lambda, 89.99, tolerance: 0.01))
            #expect(relative(fit.peakWorkers, 96, tolerance: 0.01))
            // scipy's curve_fit on the same data: R² = 0.98961.
            #expect(isClose(fit.rSquared, 0.98961, tolerance: 1e-4))
        }

        @Test("The golden comparison is relative: a κ twice too large fails it, as the absolute floor would not")
        func goldenComparisonIsRelative() {
            #expect(!relative(2 * 0.0001043, 0.0001043, tolerance: 0.01))
            #expect(isClose(2 * 0.0001043, 0.0001043, tolerance: 0.01), "why isClose cannot check κ")
            #expect(relative(96.5, 96, tolerance: 0.01) && !relative(98, 96, tolerance: 0.01))
        }

        @Test("The USL fit recovers exact parameters and keeps σ within its bounds")
        func uslRecoversParameters() throws {
            let workers: [Double] = [1, 2, 4, 8, 16, 32, 64]
            let truth = ScalingFit(
                model: .universalScalability, lambda: 120, sigma: 0.05, kappa: 0.0004,
                capacity: nil, rSquared: 1, points: 7
            )
            let fit = try #require(ScalingFit.universalScalability(
                workers: workers, throughput: workers.map(truth.throughput(atWorkers:))
            ))
            #expect(isClose(fit.lambda, 120, tolerance: 1e-5))
            #expect(isClose(fit.sigma, 0.05, tolerance: 1e-5))
            #expect(isClose(fit.kappa, 0.0004, tolerance: 1e-5))

            // Perfectly linear data wants σ < 0 to bend upwards; the bound holds it at 0.
            let superlinear = workers.map { 10 * $0 * (1 + 0.01 * $0) }
            let bounded = try #require(ScalingFit.universalScalability(workers: workers, throughput: superlinear))
            #expect(bounded.sigma == 0 && bounded.kappa == 0)
        }

        @Test("The saturation fit finds the exact least-squares capacity")
        func saturationGolden() throws {
            // Golden values in exact rational arithmetic (Python fractions) on the
            // 12…16 segment, confirmed as the global minimum by a dense grid
            // refined with scipy's bounded minimize_scalar.
            let workers: [Double] = [1, 2, 4, 8, 12, 16, 24, 32]
            let throughput: [Double] = [52, 97, 210, 380, 610, 790, 805, 770]
            let fit = try #require(ScalingFit.saturation(workers: workers, throughput: throughput))
            #expect(isClose(fit.capacity, 15.772176597355699, tolerance: 1e-9))
            #expect(isClose(fit.lambda, 49.9825327510917, tolerance: 1e-9))
            #expect(isClose(fit.rSquared, 0.9982767014251713, tolerance: 1e-9))
            #expect(fit.throughput(atWorkers: 40) == fit.throughput(atWorkers: 16 + 1))
        }

        @Test("A capacity curve fits the saturation model perfectly and the USL less well")
        func capacityCurve() throws {
            let workers = (1...48).map(Double.init)
            let throughput = workers.map { min($0, 16) / 0.020 }
            let saturation = try #require(ScalingFit.saturation(workers: workers, throughput: throughput))
            let usl = try #require(ScalingFit.universalScalability(workers: workers, throughput: throughput))
            #expect(isClose(saturation.capacity, 16))
            #expect(isClose(saturation.lambda, 50))
            #expect(isClose(saturation.rSquared, 1))
            #expect(usl.rSquared < saturation.rSquared)
        }

        @Test("Fits refuse inputs they cannot use")
        func unusableInputs() {
            #expect(ScalingFit.universalScalability(workers: [1, 2], throughput: [1, 2]) == nil)
            #expect(ScalingFit.saturation(workers: [1], throughput: [1]) == nil)
            #expect(ScalingFit.saturation(workers: [0, 1], throughput: [1, 2]) == nil)
            #expect(ScalingFit.saturation(workers: [1, 2], throughput: [-1, -2]) == nil)
        }
    }
}
