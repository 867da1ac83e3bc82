import Foundation
import Testing

/// A binary for a SQLite history must start where PostgreSQL's client is
/// not installed: libpq is loaded when a postgresql:// history is opened,
/// never linked.
@Suite struct LibPQLoadingCLITests {
    /// glibc's loader lists what a binary needs when `LD_TRACE_LOADED_OBJECTS`
    /// is set (that is what `ldd` does) and starts nothing.
    @Test func theBinaryDoesNotNeedLibPQToStart() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let needed = try cli.run(["--version"], environment: ["LD_TRACE_LOADED_OBJECTS": "1"])
        #expect(needed.status == 0)
        #expect(needed.stdout.contains("libc.so.6"), "\(needed.stdout)")
        #expect(!needed.stdout.contains("libpq"), "\(needed.stdout)")
    }
}
