import Foundation
@testable import PoolBenchKit
import Testing

@Suite("Answers as JSON")
struct AnswerJSONTests {
    struct Answer: Codable {
        var sweepID: Int64
        var unknown: Int?
        @NullWhenNotFinite var throughput: Double
        @NotInJSON var runs: [Int] = []
    }

    struct Report: AnswerReport {
        var answer: Answer
        var tables: [Table] { [] }
    }

    @Test func anAnswersJSONIsItsPropertiesWithNullsAndWithoutWhatItKeepsForLayout() throws {
        let answer = Answer(sweepID: 7, unknown: nil, throughput: .nan, runs: [1, 2])
        let json = try jsonObject(Report(answer: answer))
        #expect(json.keys.sorted() == ["sweepId", "throughput", "unknown"])
        #expect(json["sweepId"] as? Int == 7)
        #expect(json["throughput"] is NSNull && json["unknown"] is NSNull)
    }

    @Test func aFiniteNumberIsWrittenAsANumber() throws {
        let json = try jsonObject(Report(answer: Answer(sweepID: 1, unknown: 3, throughput: 2.5)))
        #expect(json["throughput"] as? Double == 2.5 && json["unknown"] as? Int == 3)
    }

    @Test func onlyATrailingInitialismIsSpeltAsAWord() {
        #expect(JSONKey.spelled("sweepID") == "sweepId")
        #expect(JSONKey.spelled("detectedAtSweepID") == "detectedAtSweepId")
        #expect(JSONKey.spelled("ID") == "ID")
        #expect(JSONKey.spelled("runUuid") == "runUuid")
        #expect(JSONKey.spelled("http 429") == "http 429")
    }
}
