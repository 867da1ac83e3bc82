import Foundation

extension SQLiteHistoryStore {
    /// The longest file name a new history may have: SQLite creates
    /// `NAME-journal` beside it while it turns the file to WAL, and a name
    /// can be at most 255 bytes.
    static let longestName = 247
    /// The longest path the system takes (`PATH_MAX` less its NUL).
    static let longestPath = Int(PATH_MAX) - 1

    /// Throws unless `path` is a regular file, or (to be created) names
    /// nothing yet; looks at the path alone, without opening anything.
    ///
    /// SQLite opens whatever it is given. On a device it writes beside it
    /// (`run --db /dev/null`, as root, created `/dev/null-journal`), on a
    /// FIFO it waits for a writer that never comes, and a symbolic link
    /// that loops or a name too long ended as "unable to open database
    /// file", or "no history … yet" with advice to record there.
    static func checkPath(_ path: String, create: Bool) throws {
        var status = stat()
        if stat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG: return
            case S_IFDIR: throw PoolBenchError.historyIsDirectory(path: path)
            case S_IFCHR: throw PoolBenchError.historyNotAFile(path: path, what: "a character device")
            case S_IFBLK: throw PoolBenchError.historyNotAFile(path: path, what: "a block device")
            case S_IFIFO: throw PoolBenchError.historyNotAFile(path: path, what: "a named pipe (FIFO)")
            case S_IFSOCK: throw PoolBenchError.historyNotAFile(path: path, what: "a socket")
            default: throw PoolBenchError.historyNotAFile(path: path, what: "something other than a regular file")
            }
        }
        switch errno {
        case ELOOP:
            throw PoolBenchError.historyNotAFile(path: path, what: "a symbolic link that loops (it never reaches a file)")
        case ENOTDIR:
            throw PoolBenchError.historyNotAFile(path: path, what: "a path through a file, as if it were a directory")
        case ENAMETOOLONG:
            throw PoolBenchError.historyNameTooLong(path: path)
        case ENOENT where create && lstat(path, &status) != 0:
            // A new history: its -journal must fit beside it too.
            let name = URL(fileURLWithPath: path).lastPathComponent
            if name.utf8.count > longestName { throw PoolBenchError.historyNameTooLong(path: path) }
        default:
            // Absent, or out of reach: `inspect` says which.
            return
        }
    }
}
