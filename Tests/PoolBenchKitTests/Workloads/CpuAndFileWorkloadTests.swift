import Foundation
import Testing
@testable import PoolBenchKit

extension WorkloadTests {
    @Suite struct Cpu {
        @Test(arguments: [(0, 0), (1, 0), (2, 1), (10, 285), (1000, 332_833_500)] as [(Int, UInt64)])
        func sumsTheSquaresBelowItsSize(size: Int, sum: UInt64) {
            #expect(CpuWorkload.sumOfSquares(below: size) == sum)
            #expect(CpuWorkload.closedFormSumOfSquares(below: size) == sum)
        }

        @Test func theClosedFormMatchesTheLoopEvenWhenTheSumWraps() {
            for size in [4_000_000, 4_000_001, 4_000_002] {
                #expect(CpuWorkload.closedFormSumOfSquares(below: size) == CpuWorkload.sumOfSquares(below: size))
            }
        }

        @Test func bothBodiesSucceedAndTheResultIsTheSameEveryTime() async throws {
            let workload = try CpuWorkload(size: 100_000)
            try workload.runBlocking(task: 0)
            try await workload.run(task: 1)
            // 99,999 × 100,000 × 199,999 ÷ 6, which fits in 64 bits.
            #expect(CpuWorkload.sumOfSquares(below: 100_000) == 333_328_333_350_000)
            #expect(workload.spec == .cpu(size: 100_000))
        }

        @Test func aNegativeSizeIsRejected() {
            #expect(throws: PoolBenchError.self) { try WorkloadSpec.cpu(size: -1).makeWorkload() }
        }
    }

    @Suite struct File {
        let registry = TemporaryResources()

        func contents(of directory: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: directory)
        }

        @Test func aRoundTripLeavesNoFileBehind() async throws {
            let workload = try FileWorkload(bytes: 10_000, registry: registry)
            defer { workload.close() }
            try workload.runBlocking(task: 0)
            try await workload.run(task: 1)
            #expect(try contents(of: workload.directory).isEmpty)
        }

        @Test func anEmptyFileRoundTripsToo() throws {
            let workload = try FileWorkload(bytes: 0, registry: registry)
            defer { workload.close() }
            try workload.runBlocking(task: 0)
        }

        @Test func closingRemovesTheTemporaryDirectoryOnce() throws {
            let workload = try FileWorkload(bytes: 100, registry: registry)
            #expect(FileManager.default.fileExists(atPath: workload.directory))
            workload.close()
            workload.close()
            #expect(!FileManager.default.fileExists(atPath: workload.directory))
            #expect(!registry.isRegistered(directory: workload.directory))
        }

        @Test func anInterruptedRunRemovesTheDirectoriesStillRegistered() throws {
            let workload = try FileWorkload(bytes: 100, registry: registry)
            _ = FileManager.default.createFile(atPath: workload.directory + "/task-9", contents: Data([1, 2, 3]))
            registry.removeAll()
            #expect(!FileManager.default.fileExists(atPath: workload.directory))
        }

        @Test func aTaskWhoseDirectoryIsGoneFailsWithTheReason() throws {
            let workload = try FileWorkload(bytes: 100, registry: registry)
            workload.close()
            #expect(throws: PoolBenchError.fileOperationFailed(operation: "create", path: workload.directory + "/task-3", errno: ENOENT)) {
                try workload.runBlocking(task: 3)
            }
        }

        @Test func theSpecRebuildsTheSameWorkloadAndNegativeSizesAreRejected() throws {
            let workload = try WorkloadSpec.file(bytes: 4096).makeWorkload()
            defer { workload.close() }
            #expect(workload.spec == .file(bytes: 4096))
            #expect(throws: PoolBenchError.self) { try WorkloadSpec.file(bytes: -1).makeWorkload() }
        }
    }
}
