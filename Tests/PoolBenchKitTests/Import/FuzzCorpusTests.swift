import Foundation
import Testing
@testable import PoolBenchKit

/// The fuzzer's corpus (`fuzz/corpus/import`, see scripts/fuzz-import.sh)
/// read the way the fuzzer reads it, so every input it ever kept, and every
/// crash it turns up once added there, is replayed by `swift test`: each
/// file either imports or is refused with a reason, and nothing traps.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "fuzz/corpus/import")

    @Test func everyCorpusInputIsReadOrRefusedWithAReason() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(names.count >= 10, "the corpus is in the repository")
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var imported = 0
        for name in names {
            let data = try Data(contentsOf: Self.corpus.appending(path: name))
            guard let first = data.first else { continue }
            let forms: [ExportRowDecoder.TextForm] = [.neutralised, .raw, .unknown]
            let path = scratch.path("input.csv")
            try data.dropFirst().write(to: URL(fileURLWithPath: path))
            for chunkSize in [1, 7, 65_536] {
                let descriptor = open(path, O_RDONLY)
                defer { close(descriptor) }
                var reader = CSVReader(descriptor: descriptor, name: name, chunkSize: chunkSize)
                var record = CSVRecord()
                do {
                    guard try reader.next(into: &record) else { continue }
                    var decoder = ExportRowDecoder(form: forms[Int(first) % forms.count], columnCount: try ExportRowDecoder.checkHeader(record))
                    while try reader.next(into: &record) {
                        #expect(try decoder.decode(record).values.count == ExportColumn.allCases.count, "\(name)")
                    }
                    imported += 1
                } catch is CSVSyntaxError {
                } catch is DecodingProblem {
                } catch is PoolBenchError {
                }
            }
        }
        #expect(imported > 0, "some of the corpus is a valid export")
    }
}
