import Foundation
import Testing

/// `poolbench export --format bmf`, checked against the Bencher Metric
/// Format's shape: `{benchmark: {measure: {value, lower_value?, upper_value?}}}`.
@Suite struct BencherMetricsCLITests {
    let cli: CLI

    init() throws { cli = try CLI() }

    /// Every benchmark, measure and number, checked; the document returned.
    func checkedDocument(_ text: String) throws -> [String: [String: [String: Double]]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var document: [String: [String: [String: Double]]] = [:]
        for (benchmark, measures) in object {
            #expect(!benchmark.isEmpty)
            let measures = try #require(measures as? [String: Any], "\(benchmark) is not an object of measures")
            #expect(!measures.isEmpty, "\(benchmark) has no measure")
            for (measure, figures) in measures {
                let figures = try #require(figures as? [String: Any], "\(benchmark) \(measure) is not an object")
                #expect(Set(figures.keys).isSubset(of: ["value", "lower_value", "upper_value"]))
                var numbers: [String: Double] = [:]
                for (key, number) in figures {
                    let number = try #require(number as? NSNumber, "\(benchmark) \(measure) \(key) is not a number")
                    #expect(number.doubleValue.isFinite)
                    numbers[key] = number.doubleValue
                }
                let value = try #require(numbers["value"], "\(benchmark) \(measure) has no value")
                #expect((numbers["lower_value"] ?? value) <= value && value <= (numbers["upper_value"] ?? value))
                document[benchmark, default: [:]][measure] = numbers
            }
        }
        return document
    }

    @Test func aSweepBecomesOneBenchmarkPerWorkerCountAndOneCarryingTheRecommendation() throws {
        defer { cli.remove() }
        let fixture = HyperfineImportCLITests.fixtures.appending(path: "slots4.json").path
        #expect(try cli.run(["import", fixture, "--items", "16"]).status == 0)
        #expect(try cli.run(["run", "sleep", "--duration", "1ms", "--workers", "1,2", "--tasks", "4", "--repeat", "3", "--warmup", "0"]).status == 0)

        let result = try cli.run(["export", "--format", "bmf"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try checkedDocument(result.stdout)
        let job = try #require(document.keys.first { $0.hasPrefix("job job=python3 examples/fetch.py") && $0.hasSuffix(" / job") })
        #expect(document[job]?["recommended_workers"] == ["value": 4, "lower_value": 4, "upper_value": 4])
        for workers in 1...8 {
            let point = try #require(document["\(job) / \(workers) worker\(workers == 1 ? "" : "s")"])
            #expect(point["throughput"] != nil)
            #expect(point["latency"] == nil, "a job times no tasks")
        }
        // The sleep sweep's tasks were timed: p50 in nanoseconds, about 1 ms.
        let sleep = try #require(document["sleep duration=1ms / pool / 2 workers"])
        let latency = try #require(sleep["latency"]?["value"])
        #expect(latency > 0.5e6 && latency < 1e9)
        #expect(document.count == 1 + 8 + 1 + 2)

        // The usual filters narrow it, and --output writes the same document.
        let filtered = try cli.run(["export", "--format", "bmf", "--workload", "sleep", "--output", "bmf.json"])
        #expect(filtered.status == 0, "\(filtered.stderr)")
        let written = try checkedDocument(String(decoding: try Data(contentsOf: URL(fileURLWithPath: cli.path("bmf.json"))), as: UTF8.self))
        #expect(written.keys.allSatisfy { $0.hasPrefix("sleep duration=1ms / pool") })
        #expect(written.count == 3)
    }

    @Test func bmfWithRawIsAUsageErrorAndAnEmptyHistoryMatchesNothing() throws {
        defer { cli.remove() }
        let raw = try cli.run(["export", "--format", "bmf", "--raw"])
        #expect(raw.status == 64)
        #expect(raw.stderr.contains("--raw applies to csv"))
        #expect(try cli.run(["run", "sleep", "--duration", "1ms", "--workers", "1", "--tasks", "2", "--repeat", "1", "--warmup", "0"]).status == 0)
        let none = try cli.run(["export", "--format", "bmf", "--workload", "cpu"])
        #expect(none.status != 0)
        #expect(none.stdout.isEmpty)
    }
}
