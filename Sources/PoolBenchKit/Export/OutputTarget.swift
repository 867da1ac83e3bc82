import Foundation

/// Where `export --output PATH` really writes, decided before a byte is
/// written.
///
/// - A symlink is followed to its target, which is replaced beside itself:
///   the link stays a link (renaming over it would replace the link with a
///   plain file and leave the target stale).
/// - A character device or FIFO (`/dev/null`, `/dev/stdout`, a named pipe)
///   is written as a stream: a temporary file renamed over it would replace
///   the device node itself, which root may do.
/// - The history's own files are refused, whether named directly, through a
///   symlink or as a hard link: the database, and beside it its `-wal`,
///   `-shm` and `-journal` (which SQLite would read as part of the history
///   even before they exist, so they are compared by name as well as by
///   inode).
enum OutputTarget: Equatable {
    /// Replaced atomically at this path (a symlink's final target).
    case file(String)
    /// Opened and written in place.
    case stream(String)

    /// The files SQLite keeps beside a database, by suffix.
    static let historySuffixes = ["", "-wal", "-shm", "-journal"]

    /// `historyPath` is the SQLite file the history is, if it is one.
    static func resolve(_ path: String, historyPath: String?) throws(PoolBenchError) -> OutputTarget {
        let target = followingSymlinks(path)
        for suffix in historySuffixes {
            guard let historyPath else { break }
            let file = historyPath + suffix
            if AtomicFile.isSameFile(target, file) || canonical(target) == canonical(file) {
                throw .outputIsHistory(path: path)
            }
        }
        var info = stat()
        guard stat(target, &info) == 0 else { return .file(target) }
        switch info.st_mode & S_IFMT {
        case S_IFCHR, S_IFIFO: return .stream(target)
        case S_IFBLK: throw .outputUnwritable(path: path, reason: "it is a block device")
        case S_IFSOCK: throw .outputUnwritable(path: path, reason: "it is a socket")
        default: return .file(target)
        }
    }

    /// `path` with symlinks in its last component followed, however many,
    /// even to a target that does not exist yet; a loop stops after 40 links.
    static func followingSymlinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { return current }
            let link = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : directory(of: current) + "/" + link
        }
        return current
    }

    /// An absolute path naming the same entry as `path`: its directory
    /// resolved by `realpath`, then its own name.
    static func canonical(_ path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        guard let resolved = realpath(directory(of: path), nil) else { return path }
        defer { free(resolved) }
        let base = String(cString: resolved)
        return (base == "/" ? "" : base) + "/" + name
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return path[..<slash].isEmpty ? "/" : String(path[..<slash])
    }
}
