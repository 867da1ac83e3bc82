/// Rows and columns, the shape every human-readable report takes before a
/// formatter turns it into text, Markdown or CSV.
public struct Table: Sendable, Equatable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignment: Alignment
        /// Whether cells are shown whole however wide: for what poolbench
        /// draws itself and a person reads to the end, such as a sparkline
        /// with one block per sweep. Text from a history is cut.
        public var keepsWholeCells: Bool
        public init(_ title: String, _ alignment: Alignment = .left, keepsWholeCells: Bool = false) {
            self.title = title
            self.alignment = alignment
            self.keepsWholeCells = keepsWholeCells
        }
    }

    /// A line printed above the table, naming what it shows.
    public var title: String?
    public var columns: [Column]
    public var rows: [[String]]
    /// Lines printed under the table, e.g. what the marks mean.
    public var notes: [String]

    public init(title: String? = nil, columns: [Column], rows: [[String]] = [], notes: [String] = []) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }
}

extension Table {
    /// The same table with `transform` applied to every piece of text in it.
    func mapText(_ transform: (String) -> String) -> Table {
        Table(
            title: title.map(transform),
            columns: columns.map { Column(transform($0.title), $0.alignment, keepsWholeCells: $0.keepsWholeCells) },
            rows: rows.map { $0.map(transform) },
            notes: notes.map(transform)
        )
    }
}

extension Table {
    /// The most terminal columns a cell takes in a table for people. One
    /// long label would otherwise pad every row to its width: a 120 KB label
    /// made each row of `history` 120,083 characters wide. JSON, CSV and
    /// Markdown (whose rows are not padded) keep every cell whole.
    public static let widestCell = 60

    /// The same table with every cell wider than `width` terminal columns
    /// cut to fit, its last column an ellipsis, except in columns that keep
    /// whole cells. Titles and notes are single lines that pad nothing, and
    /// stay whole.
    func cuttingCells(to width: Int) -> Table {
        var table = self
        table.rows = rows.map { row in
            row.enumerated().map { index, cell in
                index < columns.count && columns[index].keepsWholeCells ? cell : Self.cut(cell, to: width)
            }
        }
        return table
    }

    /// `text` when it fits in `width` columns, else as much of it as fits
    /// beside a final `…`. Cuts between characters (grapheme clusters), so
    /// an accent is never parted from its letter nor a flag halved.
    static func cut(_ text: String, to width: Int) -> String {
        // Fast path: no character takes more columns than UTF-8 bytes.
        if text.utf8.count <= width { return text }
        var used = 0
        // The end of the longest start that leaves a column for the ellipsis.
        var cut = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            used += displayWidth(of: text[index])
            if used > width { return String(text[..<cut]) + "…" }
            index = text.index(after: index)
            if used < width { cut = index }
        }
        return text
    }

    /// Columns `text` takes on a terminal: two for each wide (East Asian
    /// wide or fullwidth, emoji) character, none for a lone combining mark
    /// or format character, one for the rest.
    static func displayWidth(of text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + displayWidth(of: $1) }
    }

    static func displayWidth(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if scalar.isASCII { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation || character.unicodeScalars.contains("\u{FE0F}") { return 2 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
