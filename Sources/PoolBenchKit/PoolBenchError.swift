import Glibc

/// Every failure poolbench reports: one line saying what went wrong and what
/// to do next. Messages of the history and answers start in lower case, as
/// they follow "Error: "; those of workloads and executions read as
/// sentences, since a task's stands alone as a run's first error.
public enum PoolBenchError: Error, CustomStringConvertible, Equatable {
    // MARK: History and answers

    case historyIsDirectory(path: String)
    case historyDirectoryMissing(path: String)
    case historyNotFound(path: String)
    case notSQLite(path: String)
    case notAPoolbenchHistory(path: String)
    case historyFromNewerVersion(path: String, version: Int, known: Int)
    case historyUnreadable(path: String, reason: String)
    /// An empty file, or an SQLite file without tables, opened only to read.
    case historyEmpty(path: String)
    /// SQLite found the file damaged; `detail` is its first complaint.
    case historyDamaged(path: String, detail: String)
    /// A column a read needs is missing, NULL or of another type: the
    /// history's tables are not the ones its schema version promises.
    case historyColumnUnreadable(location: String, column: String, problem: String)
    /// Checkpointing at exit failed: the history is whole only with its -wal file.
    case historyNotCheckpointed(path: String, reason: String)
    case unknownSweep(id: Int64)
    case noRuns(filters: String)
    case noRunsRecorded(path: String)
    case unknownSweepOrLabel(text: String)
    case nothingToCompare(a: String, b: String)
    case cannotListen(host: String, port: Int, reason: String)
    /// The address itself is the problem: not this machine's, or no such host.
    case cannotListenOnHost(host: String, reason: String)
    /// `--db` names something that exists but is no regular file (a
    /// device, a FIFO, a socket), or cannot lead to one (a symbolic link
    /// that loops, a path through a file); `what` says which.
    case historyNotAFile(path: String, what: String)
    /// `--db` names a file SQLite could not create with its -journal
    /// beside it, or a path longer than the system takes.
    case historyNameTooLong(path: String)
    /// Writing the history failed for want of disk space.
    case historyDiskFull(path: String)

    // MARK: Executions
    // Why an execution could not run at all. A task's own failure is never
    // one of these: it is counted in `ExecutionResult` instead.

    case invalidWorkers(Int)
    case invalidTasks(Int)
    case cannotStartThread(errno: Int32)
    case emptyWorkerCommand
    case cannotStartWorker(command: String, errno: Int32)
    case cannotCreateChannel(errno: Int32)
    case invalidWorkerArguments(String)
    case workerProtocolViolation(String)
    case notAJob(workload: String)

    // MARK: Workloads
    // Why a workload could not be built, or why one of its tasks failed (that
    // message is kept in the history as the run's first error).

    case invalidParameter(name: String, value: String, expected: String)
    case cannotCreateTemporaryDirectory(base: String, errno: Int32)
    case fileOperationFailed(operation: String, path: String, errno: Int32)
    case shortRead(path: String, expected: Int, actual: Int)
    case wrongResult(workload: String, expected: String, actual: String)
    case cannotOpenSharedSlots(name: String, errno: Int32)
    case requestFailed(method: String, url: String, reason: String)
    case commandNotFound(program: String)
    case cannotStartCommand(program: String, errno: Int32)
    case commandFailed(program: String, status: String, firstLine: String?)
    case jobRunsWholeProgram
    /// A job wrote something on its report descriptor that is not one report line.
    case badJobReport(program: String, reason: String)
    /// The `python` workload's interpreter is not there.
    case pythonNotFound(interpreter: String)
    /// The resident Python worker refused what it was asked to load (a
    /// module that fails to import, a missing function), or ended before
    /// answering.
    case pythonRefused(reason: String)
    /// A `python` function runs in its resident worker, under a `py-` executor.
    case pythonRunsInItsWorker
    case notPython(workload: String)

    // MARK: Export and import
    // Each leaves the history and any existing output file as they were.

    case outputDirectoryMissing(path: String)
    case outputIsDirectory(path: String)
    case outputIsHistory(path: String)
    case outputUnwritable(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    /// A command's report or answer could not be written to standard output.
    case outputFailed(reason: String)
    /// Standard output is a pipe whose reader has gone (`export | head -1`):
    /// it has all it wanted, so the command ends quietly.
    case outputClosed
    case importFileNotFound(path: String)
    case importFileUnreadable(path: String, reason: String)
    case importFileEmpty(path: String)
    /// The first line is not the header `export` writes.
    case notAnExport(path: String, reason: String)
    case notAScan(path: String, reason: String)
    /// A row that cannot be imported; `line` is where it starts in the file.
    case badRow(path: String, line: Int, reason: String)
    /// A row of a history database being merged that cannot be imported.
    case badRun(path: String, uuid: String, reason: String)
    /// The history refused the rows as a whole (a bulk import finds a
    /// conflict only once every row is in).
    case importRefused(path: String, reason: String)
    case sourceNotAHistory(path: String)
    case sourceFromOtherVersion(path: String, version: Int, known: Int)
    case sourceUnreadable(path: String, reason: String)
    case sourceDamaged(path: String, detail: String)
    /// Ctrl-C (or SIGTERM, SIGHUP) stopped an import before it committed.
    case importInterrupted

    // MARK: PostgreSQL
    // `location` is always the URL without its password.

    case postgreSQLUnavailable(location: String, reason: String)
    case postgreSQLConnectionLost(location: String, reason: String)
    case postgreSQLFailed(location: String, state: String, reason: String)
    /// The database has no poolbench tables and the command only reads.
    case postgreSQLNoHistory(location: String)
    /// The database holds tables, none of them poolbench's.
    case postgreSQLForeignDatabase(location: String, tables: [String])
    /// The URL holds an "@" libpq would read as part of the host or
    /// database name: one in a password, or after a "/" in it.
    case postgreSQLMisreadURL(location: String)
    /// `--db` is a libpq keyword/value string (`host=… password=…`);
    /// `keywords` are its keywords, never their values.
    case postgreSQLKeywordString(keywords: [String])
    /// PostgreSQL's client library is not installed; `library` is its soname.
    case libPQMissing(library: String)
    /// A library by libpq's name lacks one of the functions poolbench calls.
    case libPQIncomplete(library: String, function: String)

    public var description: String {
        switch self {
        // History and answers
        case let .historyIsDirectory(path):
            "\(path) is a directory, not a history file. Pass --db with a file path, e.g. --db \(path)/poolbench.sqlite."
        case let .historyDirectoryMissing(path):
            "the directory for \(path) does not exist. Create it first, or pass --db with a path in an existing directory."
        case let .historyNotFound(path):
            "no history at \(path) yet. Record one with `poolbench run WORKLOAD`, or pass --db to read another file."
        case let .notSQLite(path):
            "\(path) is not an SQLite database, so it is not a poolbench history; it was left untouched. Pass --db to choose another file."
        case let .notAPoolbenchHistory(path):
            "\(path) is an SQLite database but not a poolbench history; it was left untouched. Pass --db to choose another file."
        case let .historyFromNewerVersion(path, version, known):
            "\(path) was written by a newer poolbench (schema version \(version); this one knows up to \(known)); it was left untouched. Upgrade poolbench to use it."
        case let .historyUnreadable(path, reason):
            "cannot open the history at \(path): \(reason). Pass --db to choose another file."
        case let .historyEmpty(path):
            "\(path) holds no history: it has no tables, and no -wal file beside it holds any; it was left untouched. A copy made of the main file alone while an older poolbench still kept the runs in \(path)-wal looks like this: copy the history again with that file, or record into this one with `poolbench run WORKLOAD --db \(path)`."
        case let .historyDamaged(path, detail):
            "\(path) is damaged (SQLite: \(detail)); it was left untouched. Restore it from a copy, or save what can still be read with `sqlite3 \(path) .recover > rescued.sql`."
        case let .historyColumnUnreadable(location, column, problem):
            "the history at \(location) cannot be read: its column \(column) \(problem), which its schema version does not allow; it was left untouched. Restore it from a copy."
        case let .historyNotCheckpointed(path, reason):
            "could not fold \(path)-wal into \(path) (\(reason)); the history is whole only with both files, and the next poolbench command that writes it will try again."
        case let .unknownSweep(id):
            "no sweep with id \(id). List sweeps with `poolbench history`."
        case let .noRuns(filters):
            "no runs match \(filters). List what is recorded with `poolbench history`."
        case let .noRunsRecorded(path):
            "the history at \(path) has no runs yet. Record some with `poolbench run WORKLOAD`."
        case let .unknownSweepOrLabel(text):
            (Int64(text) == nil ? "no sweep labelled '\(text)'" : "no sweep with id \(text) and no sweep labelled '\(text)'")
                + ". List sweeps and their labels with `poolbench history`."
        case let .nothingToCompare(a, b):
            "\(a) and \(b) share no workload, executor and worker count with runs. Compare sweeps of the same workload; `poolbench history` lists them."
        case let .cannotListen(host, port, reason):
            "cannot listen on \(host):\(port): \(reason). Pass --port 0 to pick a free port, or another --port."
        case let .cannotListenOnHost(host, reason):
            "cannot listen on \(host): \(reason). Pass --host with an address of this machine, such as 127.0.0.1, or 0.0.0.0 for all of them."
        case let .historyNotAFile(path, what):
            "\(path) is \(what), not a history file; it was left untouched. Pass --db with a file path, e.g. --db poolbench.sqlite."
        case let .historyNameTooLong(path):
            "\(path) is too long a name for a history: SQLite keeps files named after it with -journal and -wal added, and a file name can be at most \(SQLiteHistoryStore.longestName + 8) bytes (a whole path \(SQLiteHistoryStore.longestPath)). Pass --db with a shorter name."
        case let .historyDiskFull(path):
            "could not write to the history \(path): the disk is full. Free some space and run again; every run recorded before is kept."
        // Executions
        case let .invalidWorkers(workers):
            "Workers must be at least 1, not \(workers)."
        case let .invalidTasks(tasks):
            "Tasks must be at least 0, not \(tasks)."
        case let .cannotStartThread(code):
            "Cannot start a thread: \(Self.text(code)). Try fewer workers."
        case .emptyWorkerCommand:
            "The processes executor needs a worker command to launch, and none was given."
        case let .cannotStartWorker(command, code):
            "Cannot start the worker process '\(command)': \(Self.text(code))."
        case let .cannotCreateChannel(code):
            "Cannot create a channel to a worker process: \(Self.text(code)). Try fewer workers."
        case let .invalidWorkerArguments(detail):
            "A worker process got arguments it cannot read (\(detail)); it is started by poolbench, not by hand."
        case let .workerProtocolViolation(detail):
            "A worker process and poolbench disagree about their protocol: \(detail)."
        case let .notAJob(workload):
            "The job executor runs whole programs given with --job, not the \(workload) workload."
        // Workloads
        case let .invalidParameter(name, value, expected):
            "Invalid \(name) '\(value)': expected \(expected)."
        case let .cannotCreateTemporaryDirectory(base, code):
            "Cannot create a temporary directory in \(base): \(Self.text(code)). Set TMPDIR to a writable directory."
        case let .fileOperationFailed(operation, path, code):
            "Cannot \(operation) \(path): \(Self.text(code))."
        case let .shortRead(path, expected, actual):
            "Read back \(actual) of the \(expected) bytes written to \(path)."
        case let .wrongResult(workload, expected, actual):
            "The \(workload) workload computed \(actual) instead of \(expected)."
        case let .cannotOpenSharedSlots(name, code):
            "Cannot open the semaphore \(name) that shares the server's slots between worker processes: \(Self.text(code))."
        case let .requestFailed(method, url, reason):
            "\(method) \(url): \(reason)"
        case let .commandNotFound(program):
            program.contains("/")
                ? "Cannot run '\(program)': no executable file there. Check the path."
                : "Cannot run '\(program)': no executable of that name in PATH. Check the name, or give its full path."
        case let .cannotStartCommand(program, code):
            "Cannot start '\(program)': \(Self.text(code))."
        case let .commandFailed(program, status, firstLine):
            "'\(program)' \(status)" + (firstLine.map { ": \($0)" } ?? "")
        case .jobRunsWholeProgram:
            "A job runs its whole program once per run, with the job executor; it has no tasks to schedule."
        case let .badJobReport(program, reason):
            "'\(program)' wrote a report on POOLBENCH_REPORT_FD that poolbench cannot use: \(reason). "
                + "Write one line such as {\"seconds\": 1.5, \"items\": 64, \"failed\": 0, \"latencies\": [0.02, …]}, or nothing."
        case let .pythonNotFound(interpreter):
            interpreter.contains("/")
                ? "Cannot run the Python interpreter '\(interpreter)': no executable file there. Check --python."
                : "Cannot find '\(interpreter)' in PATH. Install Python 3.9 or newer, or pass --python PATH."
        case let .pythonRefused(reason):
            "Python: \(reason)."
        case .pythonRunsInItsWorker:
            "A Python function runs in its resident Python worker, under py-threads, py-processes or py-asyncio."
        case let .notPython(workload):
            "The py- executors run the python workload's function, not the \(workload) workload; use threads, pool, dispatch, tasks or processes."
        // Export and import
        case let .outputDirectoryMissing(path):
            "cannot write \(path): its directory does not exist. Create it first, or pass --output with a path in an existing directory."
        case let .outputIsDirectory(path):
            "cannot write \(path): it is a directory. Pass --output with a file path, e.g. --output \(path)/history.csv."
        case let .outputIsHistory(path):
            "\(path) is the history being read, or one of its own files (-wal, -shm, -journal); writing there would destroy it. Pass --output with another file."
        case let .outputUnwritable(path, reason):
            "cannot write \(path): \(reason). Pass --output with a writable path."
        case let .writeFailed(path, reason) where path == OutputBuffer.standardOutputName:
            "writing to \(path) failed: \(reason); what was written so far is incomplete. Pass --output FILE to write a file instead."
        case let .writeFailed(path, reason):
            "writing \(path) failed: \(reason); no partial file was left behind."
        case .outputClosed:
            "the program reading standard output closed it; nothing more was written."
        case let .outputFailed(reason):
            "writing to standard output failed: \(reason); what was written is incomplete. Check where the output goes (a full disk, a closed pipe) and run again."
        case let .importFileNotFound(path):
            "\(path) does not exist. Pass a file written by `poolbench export`, a poolbench history database, or a `hyperfine --export-json` scan."
        case let .importFileUnreadable(path, reason):
            "cannot read \(path): \(reason). Pass a file written by `poolbench export`, a poolbench history database, or a `hyperfine --export-json` scan."
        case let .importFileEmpty(path):
            "\(path) is empty; nothing was imported. Pass a file written by `poolbench export`."
        case let .notAnExport(path, reason):
            "\(path) is not a poolbench export nor an SQLite history (\(reason)); nothing was imported. Pass a file written by `poolbench export`."
        case let .notAScan(path, reason):
            "\(path) is not a hyperfine scan poolbench can read: \(reason); nothing was imported. Pass a file written by `hyperfine --export-json` with the worker count as a parameter (`-P workers 1 16` or `-L workers 1,2,4,8`)."
        case let .badRow(path, line, reason):
            "\(path) line \(line): \(reason); nothing was imported."
        case let .badRun(path, uuid, reason):
            "\(path), run \(uuid): \(reason); nothing was imported."
        case let .importRefused(path, reason):
            "\(path): \(reason); nothing was imported."
        case let .sourceNotAHistory(path):
            "\(path) is an SQLite database but not a poolbench history; nothing was imported and it was left untouched."
        case let .sourceFromOtherVersion(path, version, known):
            version > known
                ? "\(path) was written by a newer poolbench (schema version \(version); this one knows up to \(known)); nothing was imported and it was left untouched. Upgrade poolbench to import it."
                : "\(path) was written by an older poolbench (schema version \(version); this one is at \(known)); nothing was imported and it was left untouched. Upgrade a copy of it by opening the copy once with this poolbench (e.g. `poolbench history --db COPY`), then import the copy."
        case let .sourceUnreadable(path, reason):
            "cannot read the history at \(path): \(reason); nothing was imported."
        case let .sourceDamaged(path, detail):
            "\(path) is damaged (SQLite: \(detail)); nothing was imported and it was left untouched. Restore it from a copy, or save what can still be read with `sqlite3 \(path) .recover > rescued.sql`."
        case .importInterrupted:
            "interrupted; nothing was imported and the history is as it was."
        // PostgreSQL
        case let .postgreSQLUnavailable(location, reason):
            "cannot connect to the PostgreSQL history at \(location): \(Self.sentence(reason)) \(Self.connectionAdvice(reason)); nothing was changed."
        case let .postgreSQLConnectionLost(location, reason):
            "lost the connection to the PostgreSQL history at \(location): \(Self.sentence(reason)) Every run stored before is kept; run the command again once the server is back."
        case let .postgreSQLFailed(location, state, reason):
            "the PostgreSQL history at \(location) refused a statement: \(reason)" + (state.isEmpty ? "" : " (SQLSTATE \(state))") + "."
        case let .postgreSQLNoHistory(location):
            "no poolbench history in the PostgreSQL database at \(location) yet. Record one with `poolbench run WORKLOAD --db \(location)`, or pass --db to read another history."
        case let .postgreSQLForeignDatabase(location, tables):
            "the PostgreSQL database at \(location) holds another program's tables (\(tables.prefix(3).joined(separator: ", "))\(tables.count > 3 ? ", …" : "")), not a poolbench history; it was left untouched. Give poolbench a database of its own (e.g. `createdb poolbench`) and pass its URL to --db."
        case let .postgreSQLMisreadURL(location):
            "cannot use the PostgreSQL URL \(location): it holds an \"@\" that libpq would take for part of the host or database name, not for the end of the user name and password; nothing was changed. Write \"@\", \"/\" and \"%\" in a user name, password or parameter as %40, %2F and %25, or leave the password to PGPASSWORD or ~/.pgpass."
        case let .postgreSQLKeywordString(keywords):
            "--db takes a SQLite file or a postgresql:// URL, not a libpq keyword string (\(keywords.map { $0 + "=…" }.joined(separator: " "))). Pass --db postgresql://USER@HOST:PORT/DBNAME with the password in PGPASSWORD or ~/.pgpass, or ./NAME for a file of that name."
        case let .libPQMissing(library):
            "a postgresql:// history needs PostgreSQL's client library libpq (\(library)), which is not installed: install it (apt-get install libpq5, or dnf install libpq) and run again."
        case let .libPQIncomplete(library, function):
            "\(library) has no function \(function), so it is not the PostgreSQL client library poolbench needs: install PostgreSQL's libpq (apt-get install libpq5, or dnf install libpq) and run again."
        }
    }

    /// `text` ended as a sentence: libpq's messages sometimes end with a
    /// question mark of their own.
    static func sentence(_ text: String) -> String {
        text.hasSuffix(".") || text.hasSuffix("?") || text.hasSuffix("!") ? text : text + "."
    }

    /// What to check for libpq's `reason` a connection failed.
    static func connectionAdvice(_ reason: String) -> String {
        let lowered = reason.lowercased()
        if lowered.contains("password authentication failed") || lowered.contains("no password supplied") {
            return "Check the user's password (in PGPASSWORD, ~/.pgpass or the URL)"
        }
        if lowered.contains("database") && lowered.contains("does not exist") {
            return "Create the database first (e.g. `createdb NAME`) or fix its name in the URL"
        }
        if lowered.contains("percent-encoded") {
            return "Write \"%\" in a user name or password as %25 (\"@\" as %40, \"/\" as %2F)"
        }
        if lowered.contains("role") && lowered.contains("does not exist") {
            return "Check the user name in the URL"
        }
        return "Check the server is up and the URL's host, port, user, password and database"
    }

    /// The C library's text for `code`, e.g. "No such file or directory".
    static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

extension PoolBenchError {
    /// Throws unless `workers` is at least 1 and `tasks` at least 0: what
    /// every executor checks first.
    static func validate(tasks: Int, workers: Int) throws(PoolBenchError) {
        guard workers >= 1 else { throw .invalidWorkers(workers) }
        guard tasks >= 0 else { throw .invalidTasks(tasks) }
    }
}
