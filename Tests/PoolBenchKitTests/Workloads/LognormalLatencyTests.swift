import Foundation
import Testing
@testable import PoolBenchKit

@Suite struct LognormalLatencyTests {
    func draws(mean: Double, cv: Double, count: Int = 20_000, seed: UInt64 = 7) -> [Double] {
        let distribution = LognormalLatency(mean: mean, coefficientOfVariation: cv)
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in distribution.draw(using: &generator) }
    }

    @Test(arguments: [0.1, 0.5, 1.0])
    func drawsHaveTheAskedMeanAndCoefficientOfVariation(cv: Double) throws {
        let values = draws(mean: 0.020, cv: cv)
        let mean = try #require(Descriptive.mean(values))
        let deviation = try #require(Descriptive.standardDeviation(values))
        #expect(abs(mean / 0.020 - 1) <= 0.10, "mean \(mean)")
        #expect(abs(deviation / mean / cv - 1) <= 0.10, "cv \(deviation / mean)")
        #expect(values.allSatisfy { $0 > 0 })
    }

    @Test func aCoefficientOfVariationOfZeroIsTheConstantMean() {
        #expect(Set(draws(mean: 0.020, cv: 0, count: 100)) == [0.020])
        #expect(Set(draws(mean: 0, cv: 0.5, count: 100)) == [0])
    }

    @Test func theSameSeedGivesTheSameDraws() {
        #expect(draws(mean: 0.02, cv: 0.5, count: 50) == draws(mean: 0.02, cv: 0.5, count: 50))
        #expect(draws(mean: 0.02, cv: 0.5, count: 50) != draws(mean: 0.02, cv: 0.5, count: 50, seed: 8))
    }

    @Test func aServersLatencySourceDrawsTheSeededSequenceInOrderOfService() {
        let distribution = LognormalLatency(mean: 0.02, coefficientOfVariation: 0.5)
        let source = LatencySource(distribution, seed: 7)
        #expect((0..<50).map { _ in source.next() } == draws(mean: 0.02, cv: 0.5, count: 50))
        let clean = LatencySource(LognormalLatency(mean: 0.02, coefficientOfVariation: 0), seed: 7)
        #expect(Set((0..<10).map { _ in clean.next() }) == [0.02])
    }

    @Test func aNoisyServerAnswersEveryRequest() async throws {
        let server = try HTTPTestServer(.init(latency: 0.002, latencyCV: 0.5, seed: 3))
        defer { server.stop() }
        let http = try HTTPWorkload(urls: [server.url], timeout: 10)
        defer { http.close() }
        for task in 0..<5 { try await http.run(task: task) }
        #expect(await server.served(settlingAt: 5) == 5)
    }
}
