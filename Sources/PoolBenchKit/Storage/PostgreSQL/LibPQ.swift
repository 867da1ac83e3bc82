import CLibPQ
import Foundation

/// The libpq functions poolbench calls, found at run time in `libpq.so.5`
/// the first time a `postgresql://` history is opened.
///
/// Why not link libpq: a linked library must be present for the binary to
/// start at all, so everyone using a SQLite history (most users) would need
/// PostgreSQL's client, with its Kerberos, LDAP and TLS libraries behind it,
/// installed just to print `--version`. Loaded on demand, its absence is one
/// line for the few who asked for a PostgreSQL history. The header still
/// comes from libpq-dev at build time, for the types and constants only;
/// referring to a libpq function by name anywhere would make the linker
/// want the library again, so every call goes through this type.
///
/// The properties are named as in libpq's manual and have its C signatures.
struct LibPQ: Sendable {
    /// The library's soname: the ABI these signatures belong to, stable
    /// since PostgreSQL 8.2.
    static let soname = "libpq.so.5"

    let PQconnectdbParams: @convention(c) (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?, Int32) -> OpaquePointer?
    let PQfinish: @convention(c) (OpaquePointer?) -> Void
    let PQstatus: @convention(c) (OpaquePointer?) -> ConnStatusType
    let PQerrorMessage: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    let PQsetNoticeProcessor: @convention(c) (OpaquePointer?, PQnoticeProcessor?, UnsafeMutableRawPointer?) -> PQnoticeProcessor?
    let PQexec: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    let PQexecParams: @convention(c) (
        OpaquePointer?, UnsafePointer<CChar>?, Int32, UnsafePointer<Oid>?,
        UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32
    ) -> OpaquePointer?
    let PQgetResult: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let PQputCopyData: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32
    let PQputCopyEnd: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    let PQgetCopyData: @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, Int32) -> Int32
    let PQfreemem: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let PQresultStatus: @convention(c) (OpaquePointer?) -> ExecStatusType
    let PQresultErrorField: @convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<CChar>?
    let PQresultErrorMessage: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    let PQclear: @convention(c) (OpaquePointer?) -> Void
    let PQntuples: @convention(c) (OpaquePointer?) -> Int32
    let PQfnumber: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Int32
    let PQgetvalue: @convention(c) (OpaquePointer?, Int32, Int32) -> UnsafeMutablePointer<CChar>?
    let PQgetisnull: @convention(c) (OpaquePointer?, Int32, Int32) -> Int32
    let PQcmdTuples: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?

    /// libpq, loaded once for the whole process (a static `let` is
    /// initialised exactly once, whichever thread asks first); a missing
    /// library is remembered too, and reported to every caller.
    static func shared() throws(PoolBenchError) -> LibPQ {
        try loaded.get()
    }

    private static let loaded = Result { () throws(PoolBenchError) in try LibPQ(library: soname) }

    /// Opens `library` (a soname, searched the way the dynamic loader
    /// searches) and resolves every function. It is never closed: its
    /// connections live as long as the process.
    init(library: String) throws(PoolBenchError) {
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
            throw .libPQMissing(library: library)
        }
        func resolve<Function>(_ name: String) throws(PoolBenchError) -> Function {
            guard let symbol = dlsym(handle, name) else {
                throw .libPQIncomplete(library: library, function: name)
            }
            return unsafeBitCast(symbol, to: Function.self)
        }
        PQconnectdbParams = try resolve("PQconnectdbParams")
        PQfinish = try resolve("PQfinish")
        PQstatus = try resolve("PQstatus")
        PQerrorMessage = try resolve("PQerrorMessage")
        PQsetNoticeProcessor = try resolve("PQsetNoticeProcessor")
        PQexec = try resolve("PQexec")
        PQexecParams = try resolve("PQexecParams")
        PQgetResult = try resolve("PQgetResult")
        PQputCopyData = try resolve("PQputCopyData")
        PQputCopyEnd = try resolve("PQputCopyEnd")
        PQgetCopyData = try resolve("PQgetCopyData")
        PQfreemem = try resolve("PQfreemem")
        PQresultStatus = try resolve("PQresultStatus")
        PQresultErrorField = try resolve("PQresultErrorField")
        PQresultErrorMessage = try resolve("PQresultErrorMessage")
        PQclear = try resolve("PQclear")
        PQntuples = try resolve("PQntuples")
        PQfnumber = try resolve("PQfnumber")
        PQgetvalue = try resolve("PQgetvalue")
        PQgetisnull = try resolve("PQgetisnull")
        PQcmdTuples = try resolve("PQcmdTuples")
    }
}
