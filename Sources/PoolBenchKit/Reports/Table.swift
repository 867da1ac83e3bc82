/// Rows and columns, the shape every human-readable report takes before a
/// formatter turns it into text, Markdown or CSV.
public struct Table: Sendable, Equatable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignment: Alignment
        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
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
            columns: columns.map { Column(transform($0.title), $0.alignment) },
            rows: rows.map { $0.map(transform) },
            notes: notes.map(transform)
        )
    }
}
