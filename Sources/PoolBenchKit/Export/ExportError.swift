/// What can go wrong moving a history in or out, one line each, saying what
/// to do next. Every one of them leaves the history and any existing output
/// file as they were.
public enum ExportError: Error, CustomStringConvertible, Equatable {
    case outputDirectoryMissing(path: String)
    case outputIsDirectory(path: String)
    case outputIsHistory(path: String)
    case outputUnwritable(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    case importFileNotFound(path: String)
    case importFileUnreadable(path: String, reason: String)
    case importFileEmpty(path: String)
    /// The first line is not the header `export` writes.
    case notAnExport(path: String, reason: String)
    /// A row that cannot be imported; `line` is where it starts in the file.
    case badRow(path: String, line: Int, reason: String)
    /// A row of a history database being merged that cannot be imported.
    case badRun(path: String, uuid: String, reason: String)
    case sourceNotAHistory(path: String)
    case sourceFromOtherVersion(path: String, version: Int, known: Int)
    case sourceUnreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .outputDirectoryMissing(path):
            "cannot write \(path): its directory does not exist. Create it first, or pass --output with a path in an existing directory."
        case let .outputIsDirectory(path):
            "cannot write \(path): it is a directory. Pass --output with a file path, e.g. --output \(path)/history.csv."
        case let .outputIsHistory(path):
            "\(path) is the history being exported; writing there would destroy it. Pass --output with another file."
        case let .outputUnwritable(path, reason):
            "cannot write \(path): \(reason). Pass --output with a writable path."
        case let .writeFailed(path, reason):
            "writing \(path) failed: \(reason); no partial file was left behind."
        case let .importFileNotFound(path):
            "\(path) does not exist. Pass a file written by `poolbench export`, or a poolbench history database."
        case let .importFileUnreadable(path, reason):
            "cannot read \(path): \(reason)."
        case let .importFileEmpty(path):
            "\(path) is empty; nothing was imported. Pass a file written by `poolbench export`."
        case let .notAnExport(path, reason):
            "\(path) is not a poolbench export nor an SQLite history (\(reason)); nothing was imported. Pass a file written by `poolbench export`."
        case let .badRow(path, line, reason):
            "\(path) line \(line): \(reason); nothing was imported."
        case let .badRun(path, uuid, reason):
            "\(path), run \(uuid): \(reason); nothing was imported."
        case let .sourceNotAHistory(path):
            "\(path) is an SQLite database but not a poolbench history; nothing was imported and it was left untouched."
        case let .sourceFromOtherVersion(path, version, known):
            version > known
                ? "\(path) was written by a newer poolbench (schema version \(version); this one knows up to \(known)); nothing was imported and it was left untouched. Upgrade poolbench to import it."
                : "\(path) was written by an older poolbench (schema version \(version); this one is at \(known)); nothing was imported and it was left untouched. Open it once with this poolbench (e.g. `poolbench history --db \(path)`) to upgrade it, then import it."
        case let .sourceUnreadable(path, reason):
            "cannot read the history at \(path): \(reason); nothing was imported."
        }
    }
}
