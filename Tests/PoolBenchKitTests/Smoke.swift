import Testing
@testable import PoolBenchKit

@Test func versionIsSemantic() {
    #expect(PoolBench.version.split(separator: ".").count == 3)
}
