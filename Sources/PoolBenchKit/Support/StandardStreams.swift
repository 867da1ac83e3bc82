import Glibc

/// The process's standard output and error, written with `write(2)` so that
/// every failure is seen: `print` buffers in stdio and drops a write error
/// (a full disk, a closed pipe), and `FileHandle.write` traps on one, which
/// made a closed stderr crash the process it was meant to inform.
///
/// Output a command promises (a report, an export) must arrive whole or the
/// command fails; messages on stderr are best effort, since nothing is left
/// to tell when stderr itself is gone.
public enum StandardStreams {
    /// Writes all of `text` to standard output, or throws
    /// `outputFailed` saying why it could not.
    public static func writeOutput(_ text: String) throws(PoolBenchError) {
        var text = text
        let failure = text.withUTF8 { writeAll($0, to: STDOUT_FILENO) }
        if failure == EPIPE { throw .outputClosed }
        if let failure { throw .outputFailed(reason: String(cString: strerror(failure))) }
    }

    /// The exit status for `outputClosed`: 128 + SIGPIPE, what a shell
    /// reports for a program a closed pipe ended, as 130 is for Ctrl-C.
    public static let closedReaderStatus: Int32 = 128 + SIGPIPE

    /// Writes `text` to standard error as far as it can; a write error is
    /// ignored, because there is nowhere left to report it.
    public static func writeError(_ text: String) {
        var text = text
        _ = text.withUTF8 { writeAll($0, to: STDERR_FILENO) }
    }

    /// Puts /dev/null on standard input, output or error when the process
    /// was started with one closed, before anything else opens a file.
    /// Otherwise the next file opened, such as an export's temporary file,
    /// would take descriptor 1 or 2 and receive the reports and error
    /// messages meant for the streams. A closed standard output gets
    /// /dev/null opened read-only, so writing there still fails, as it
    /// would have, and the command still says its output was lost.
    public static func reserveClosedDescriptors() {
        for (descriptor, flags) in [(STDIN_FILENO, O_RDONLY), (STDOUT_FILENO, O_RDONLY), (STDERR_FILENO, O_WRONLY)] {
            guard fcntl(descriptor, F_GETFD) == -1 && errno == EBADF else { continue }
            let opened = open("/dev/null", flags)
            if opened >= 0 && opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
    }

    /// Writes every byte of `bytes` to `descriptor`; the errno of the write
    /// that failed, or nil.
    static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) -> Int32? {
        guard var address = bytes.baseAddress else { return nil }
        var left = bytes.count
        while left > 0 {
            let written = write(descriptor, address, left)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            address += written
            left -= written
        }
        return nil
    }
}
