import Foundation

/// Where a command's `--output PATH` (export's, report's) really writes,
/// decided before a byte is written. Every command writes its file through
/// `OutputTarget.write`, so none can skip these rules.
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
///   inode). A history opened through a symlink keeps those beside the
///   link's target, where SQLite puts them, so both places are refused.
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
        if let historyPath, isHistoryFile(target, historyPath: historyPath) { throw .outputIsHistory(path: path) }
        var info = stat()
        guard stat(target, &info) == 0 else { return .file(target) }
        switch info.st_mode & S_IFMT {
        case S_IFCHR, S_IFIFO: return .stream(target)
        case S_IFBLK: throw .outputUnwritable(path: path, reason: "it is a block device")
        case S_IFSOCK: throw .outputUnwritable(path: path, reason: "it is a socket")
        default: return .file(target)
        }
    }

    /// Whether `target` (its symlinks followed) is the history at
    /// `historyPath` or one of the files SQLite keeps beside it.
    static func isHistoryFile(_ target: String, historyPath: String) -> Bool {
        let databases = [historyPath, canonical(followingSymlinks(historyPath))]
        let canonicalTarget = canonical(target)
        return databases.contains { database in
            historySuffixes.contains { suffix in
                let file = database + suffix
                return AtomicFile.isSameFile(target, file) || canonicalTarget == canonical(file)
            }
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

extension OutputTarget {
    /// Writes what `body` puts into its buffer to `path`, the way every
    /// command's `--output` writes: resolved as above, then a file replaced
    /// only once complete (on any failure it is as it was, and no temporary
    /// file is left), or a device or FIFO written as a stream.
    static func write<Result>(
        toFile path: String, historyPath: String?, _ body: (inout OutputBuffer) throws -> Result
    ) throws -> Result {
        switch try resolve(path, historyPath: historyPath) {
        case let .stream(device): return try write(toStream: device, named: path, body)
        case let .file(target):
            let file = try AtomicFile(replacing: target)
            do {
                var output = OutputBuffer(descriptor: file.descriptor, name: path)
                let result = try body(&output)
                try output.flush()
                try file.commit()
                return result
            } catch {
                file.discard()
                throw error
            }
        }
    }

    private static func write<Result>(
        toStream device: String, named path: String, _ body: (inout OutputBuffer) throws -> Result
    ) throws -> Result {
        let descriptor = open(device, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            throw PoolBenchError.outputUnwritable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var output = OutputBuffer(descriptor: descriptor, name: path)
        do {
            let result = try body(&output)
            try output.flush()
            return result
        } catch let PoolBenchError.writeFailed(_, reason) {
            // A stream has no file to leave untouched: say only what failed.
            throw PoolBenchError.outputUnwritable(path: path, reason: reason)
        }
    }
}
