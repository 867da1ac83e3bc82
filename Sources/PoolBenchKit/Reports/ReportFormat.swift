import Foundation

/// Something a command prints: a table for people, and a value for JSON.
public protocol Report: Encodable {
    /// The report as tables, in reading order.
    var tables: [Table] { get }
}

/// A report that lays out one answer value, computing nothing: its JSON is
/// the answer's own `Codable` form (through `ExplicitNulls`, as every
/// report's), so the keys are the answer's properties and nothing lists them.
public protocol AnswerReport: Report {
    associatedtype Answer: Encodable
    var answer: Answer { get }
}

extension AnswerReport {
    public func encode(to encoder: any Encoder) throws {
        try answer.encode(to: encoder)
    }
}

/// The output formats. Each format is one type conforming to
/// `ReportFormatter`; this enum maps the command-line name to it.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table, json, markdown

    public var formatter: any ReportFormatter {
        switch self {
        case .table: TextTableFormatter()
        case .json: JSONReportFormatter()
        case .markdown: MarkdownFormatter()
        }
    }
}

public protocol ReportFormatter {
    func format(_ report: some Report) throws -> String
}

/// Aligned columns for a terminal. Every piece of text goes through
/// `VisibleText`, here and nowhere else, so no report can send a control
/// character from a history or a child program to the terminal; and every
/// cell is cut to `Table.widestCell` columns, so one long label cannot
/// widen every row.
public struct TextTableFormatter: ReportFormatter {
    public init() {}

    public func format(_ report: some Report) throws -> String {
        report.tables.map { render($0.mapText(VisibleText.escaped).cuttingCells(to: Table.widestCell)) }
            .joined(separator: "\n")
    }

    func render(_ table: Table) -> String {
        let widths = table.columns.indices.map { index in
            ([table.columns[index].title] + table.rows.map { $0[index] }).map { Table.displayWidth(of: $0) }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let padding = String(repeating: " ", count: max(0, widths[index] - Table.displayWidth(of: cell)))
                return table.columns[index].alignment == .right ? padding + cell : cell + padding
            }
            .joined(separator: "  ")
            .trimmingTrailingSpaces()
        }
        var lines = table.title.map { [$0] } ?? []
        lines.append(line(table.columns.map(\.title)))
        lines.append(line(widths.map { String(repeating: "─", count: $0) }))
        lines += table.rows.map(line)
        lines += table.notes
        return lines.joined(separator: "\n") + "\n"
    }
}

/// GitHub-flavoured Markdown tables, for pasting into a pull request. Every
/// title, cell and note is escaped by `MarkdownText`, so text from a history
/// reads as itself and never becomes a link, an image or a broken table.
struct MarkdownFormatter: ReportFormatter {
    public init() {}

    public func format(_ report: some Report) throws -> String {
        report.tables.map { table in
            let table = table.mapText(MarkdownText.escaped)
            var lines = table.title.map { ["**\($0)**", ""] } ?? []
            lines.append("| " + table.columns.map(\.title).joined(separator: " | ") + " |")
            lines.append("|" + table.columns.map { $0.alignment == .right ? " ---: |" : " --- |" }.joined())
            lines += table.rows.map { "| " + $0.joined(separator: " | ") + " |" }
            if !table.notes.isEmpty { lines += [""] + table.notes }
            return lines.joined(separator: "\n") + "\n"
        }
        .joined(separator: "\n")
    }
}

/// JSON for machines: camelCase keys in a stable order, every key present
/// (`null` when unknown), numbers as numbers, durations in seconds, times as
/// ISO 8601 UTC. A key spells a trailing initialism as a word (`sweepId`)
/// where Swift spells it in capitals (`sweepID`), so an answer's property
/// names are its JSON keys with no table of keys beside them.
public struct JSONReportFormatter: ReportFormatter {
    public init() {}

    public func format(_ report: some Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .custom { path in JSONKey(path.last.map { JSONKey.spelled($0.stringValue) } ?? "") }
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN"
        )
        return String(decoding: try encoder.encode(ExplicitNulls(report)), as: UTF8.self) + "\n"
    }
}

/// A JSON object key.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ stringValue: String) {
        self.stringValue = stringValue
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        return nil
    }

    /// `sweepID` → `sweepId`; every other key as it is.
    static func spelled(_ key: String) -> String {
        guard key.hasSuffix("ID"), key.dropLast(2).last?.isLowercase == true else { return key }
        return String(key.dropLast()) + "d"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
