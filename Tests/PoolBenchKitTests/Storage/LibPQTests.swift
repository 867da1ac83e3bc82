import Testing
@testable import PoolBenchKit

/// libpq is loaded at run time, only for a PostgreSQL history: when it is
/// missing or is not libpq, one line names the package to install.
@Suite struct LibPQTests {
    @Test func aMissingLibraryIsOneLineNamingThePackageToInstall() {
        #expect(throws: PoolBenchError.libPQMissing(library: "libpq-absent.so.5")) {
            try LibPQ(library: "libpq-absent.so.5")
        }
        let said = PoolBenchError.libPQMissing(library: LibPQ.soname).description
        #expect(
            said == "a postgresql:// history needs PostgreSQL's client library libpq (libpq.so.5), which is not installed: install it (apt-get install libpq5, or dnf install libpq) and run again."
        )
    }

    @Test func aLibraryWithoutLibPQsFunctionsIsRefusedByTheFirstItLacks() {
        #expect(throws: PoolBenchError.libPQIncomplete(library: "libc.so.6", function: "PQconnectdbParams")) {
            try LibPQ(library: "libc.so.6")
        }
    }

    /// Building needs libpq-dev, which brings the library: here it loads,
    /// and the same functions come back to every caller.
    @Test func theInstalledLibraryLoadsOnceForEveryCaller() throws {
        let first = try LibPQ.shared(), second = try LibPQ.shared()
        #expect(unsafeBitCast(first.PQexec, to: UnsafeRawPointer.self) == unsafeBitCast(second.PQexec, to: UnsafeRawPointer.self))
    }
}
